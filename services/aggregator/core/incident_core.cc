#include "services/aggregator/core/incident_core.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/crypto/sha256.h"
#include "common/records/records.h"
#include "common/status/echo.h"
#include "common/status/status_macros.h"
#include "common/time/dates.h"

namespace unggul::aggregator {

namespace kv1 = ::unggul::kanwil::v1;

namespace {

bool Printable(absl::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c != 0x7f; });
}

absl::StatusOr<int32_t> IncidentDay(absl::string_view text, absl::string_view field,
                                    int32_t today) {
  UNGGUL_ASSIGN_OR_RETURN(int32_t day, ParseDate(text, field));
  if (day > today + 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must not be in the future, got ", text));
  }
  return day;
}

}  // namespace

absl::StatusOr<kv1::Incident> IncidentCore::RecordIncident(
    const kv1::RecordIncidentRequest& request) {
  const kv1::Incident& in = request.incident();
  if (in.kind() == kv1::INCIDENT_KIND_UNSPECIFIED || !kv1::IncidentKind_IsValid(in.kind())) {
    return absl::InvalidArgumentError(
        "incident.kind: must be FOOD_SAFETY, RECALL or AUDIT_FINDING");
  }
  if (in.reference().empty() || in.reference().size() > 64 || !Printable(in.reference())) {
    return absl::InvalidArgumentError(
        "incident.reference: is required (1..64 printable characters: case, recall or finding "
        "number)");
  }
  if (in.description().size() > 500) {
    return absl::InvalidArgumentError("incident.description: at most 500 characters");
  }
  if (in.recorded_by().empty() || in.recorded_by().size() > 64) {
    return absl::InvalidArgumentError("incident.recorded_by: is required (1..64 characters)");
  }
  const int32_t today = JakartaDay(clock_.Now());
  UNGGUL_RETURN_IF_ERROR(IncidentDay(in.opened_date(), "incident.opened_date", today).status());
  const std::string upt = registry_.OwnerOf(in.product_id());
  if (upt.empty()) {
    return absl::NotFoundError(absl::StrCat("product ", Echo(in.product_id()), " not found"));
  }
  UNGGUL_RETURN_IF_ERROR(records_.GetRecord(RecordKind::kProduct, upt, in.product_id()).status());
  kv1::Incident incident = in;
  // One incident per (product, reference): the id is derived from both.
  incident.set_incident_id(absl::StrCat(
      "INC-", Sha256Hex(absl::StrCat(in.product_id(), "\n", in.reference())).substr(0, 16)));
  incident.clear_closed_date();
  incident.clear_closed_by();
  incident.clear_closed_at_unix_ms();
  incident.clear_closing_note();
  incident.set_recorded_at_unix_ms(absl::ToUnixMillis(clock_.Now()));
  absl::MutexLock lock(&mu_);
  absl::StatusOr<kv1::Incident> existing = store_.GetIncident(incident.incident_id());
  if (existing.ok()) {
    return absl::AlreadyExistsError(absl::StrCat("product ", in.product_id(),
                                                 " already has incident ", in.reference(), " (",
                                                 existing->incident_id(), ")"));
  }
  if (!absl::IsNotFound(existing.status())) return existing.status();
  UNGGUL_RETURN_IF_ERROR(store_.PutIncident(incident));
  return incident;
}

absl::StatusOr<kv1::Incident> IncidentCore::CloseIncident(
    const kv1::CloseIncidentRequest& request) {
  if (request.incident_id().empty()) return absl::InvalidArgumentError("incident_id: is required");
  if (request.closed_by().empty() || request.closed_by().size() > 64) {
    return absl::InvalidArgumentError("closed_by: is required (1..64 characters)");
  }
  if (request.closing_note().size() > 500) {
    return absl::InvalidArgumentError("closing_note: at most 500 characters");
  }
  const int32_t today = JakartaDay(clock_.Now());
  UNGGUL_ASSIGN_OR_RETURN(int32_t closed, IncidentDay(request.closed_date(), "closed_date", today));
  absl::MutexLock lock(&mu_);
  UNGGUL_ASSIGN_OR_RETURN(kv1::Incident incident, store_.GetIncident(request.incident_id()));
  if (!incident.closed_date().empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "incident ", incident.incident_id(), " was already closed on ", incident.closed_date()));
  }
  UNGGUL_ASSIGN_OR_RETURN(int32_t opened, ParseDate(incident.opened_date(), "opened_date"));
  if (closed < opened) {
    return absl::InvalidArgumentError(absl::StrCat("closed_date: must not be before opened_date (",
                                                   incident.opened_date(), "), got ",
                                                   request.closed_date()));
  }
  incident.set_closed_date(request.closed_date());
  incident.set_closed_by(request.closed_by());
  incident.set_closing_note(request.closing_note());
  incident.set_closed_at_unix_ms(absl::ToUnixMillis(clock_.Now()));
  UNGGUL_RETURN_IF_ERROR(store_.PutIncident(incident));
  return incident;
}

absl::StatusOr<kv1::ListIncidentsResponse> IncidentCore::ListIncidents(
    const kv1::ListIncidentsRequest& request) const {
  UNGGUL_ASSIGN_OR_RETURN(std::vector<kv1::Incident> all, store_.ListIncidents());
  std::stable_sort(all.begin(), all.end(), [](const kv1::Incident& a, const kv1::Incident& b) {
    return a.opened_date() > b.opened_date();
  });
  kv1::ListIncidentsResponse out;
  for (kv1::Incident& i : all) {
    if (!request.product_id().empty() && i.product_id() != request.product_id()) continue;
    if (request.open_only() && !i.closed_date().empty()) continue;
    *out.add_incidents() = std::move(i);
  }
  return out;
}

}  // namespace unggul::aggregator
