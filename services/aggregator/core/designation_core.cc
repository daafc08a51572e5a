#include "services/aggregator/core/designation_core.h"

#include <random>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "common/crypto/sha256.h"
#include "common/records/records.h"
#include "common/status/echo.h"
#include "common/status/status_macros.h"
#include "common/time/dates.h"

namespace unggul::aggregator {
namespace {

// Separation of duties compares user ids without case: "alice" and "ALICE" are one person.
bool SameUser(absl::string_view a, absl::string_view b) { return absl::EqualsIgnoreCase(a, b); }

namespace kv1 = ::unggul::kanwil::v1;
namespace v1 = ::unggul::node::v1;

std::string StatusName(kv1::DesignationStatus s) {
  return kv1::DesignationStatus_Name(s).substr(sizeof("DESIGNATION_STATUS_") - 1);
}

std::string LevelName(kv1::DesignationLevel l) {
  return kv1::DesignationLevel_Name(l).substr(sizeof("DESIGNATION_LEVEL_") - 1);
}

// The roles an actor may name: the organisational posts of the workflow and the access roles
// (an authenticated caller who names none acts under its access role).
constexpr const char* kActorRoles[] = {
    "KEPALA_UPT", "KASI_GIATJA", "KABID_YANBIN", "KABID_YANBIN_KANWIL",
    "KAKANWIL",   "HUMAS",       "DIRJEN",       "VIEWER",
    "ASSESSOR",   "PROPOSER",    "VERIFIER",     "APPROVER",
    "ADMIN"};

absl::Status CheckActor(const kv1::Actor& actor) {
  if (actor.user().empty() || actor.user().size() > 64) {
    return absl::InvalidArgumentError("actor.user: is required (1..64 characters)");
  }
  for (const char* role : kActorRoles) {
    if (actor.role() == role) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat("actor.role: must be one of ",
                                                 absl::StrJoin(kActorRoles, ", "), ", got ",
                                                 Echo(actor.role())));
}

bool IsOpen(kv1::DesignationStatus s) {
  return s == kv1::DESIGNATION_STATUS_DRAFT || s == kv1::DESIGNATION_STATUS_PROPOSED ||
         s == kv1::DESIGNATION_STATUS_VERIFIED || s == kv1::DESIGNATION_STATUS_APPROVED ||
         s == kv1::DESIGNATION_STATUS_PUBLISHED;
}

// "floor C 12.5 < 14" for each failed floor, "; "-separated.
std::string FailedFloors(const kv1::ProductScore& score) {
  std::string out;
  for (const kv1::FloorResult& f : score.floors()) {
    if (f.passed()) continue;
    absl::StrAppend(&out, out.empty() ? "" : "; ", "floor ", f.floor(), " ",
                    absl::StrFormat("%.1f < %.1f", f.actual(), f.required()));
  }
  return out;
}

std::string NewId() {
  std::random_device rd;
  std::string bytes;
  for (int i = 0; i < 2; ++i) {
    const uint32_t v = rd();
    for (int b = 0; b < 4; ++b) bytes.push_back(static_cast<char>((v >> (8 * b)) & 0xff));
  }
  return "DSG-" + absl::BytesToHexString(bytes);
}

// The day before the same date `months` later ("YYYY-MM-DD").
std::string PlusMonthsMinusDay(const std::string& date, int months) {
  absl::StatusOr<int32_t> day = ParseDate(date, "date");
  if (!day.ok()) return date;
  const absl::CivilDay d = absl::CivilDay(1970, 1, 1) + *day;
  const absl::CivilMonth m = absl::CivilMonth(d) + months;
  const absl::CivilDay end = absl::CivilDay(m.year(), m.month(), d.day()) - 1;
  return FormatDate(static_cast<int32_t>(end - absl::CivilDay(1970, 1, 1)));
}

}  // namespace

node::v1::DesignationNotice ToNotice(const kv1::Publication& publication) {
  const kv1::Designation& d = publication.designation();
  node::v1::DesignationNotice n;
  n.set_revision(publication.revision());
  n.set_designation_id(d.designation_id());
  n.set_product_id(d.product_id());
  n.set_upt_code(d.upt_code());
  n.set_level(LevelName(d.level()));
  n.set_status(StatusName(d.status()));
  n.set_title(d.title());
  n.set_decree_number(d.decree_number());
  n.set_valid_from(d.valid_from());
  n.set_valid_until(d.valid_until());
  n.set_period_label(d.period_label());
  n.set_rank(d.frozen_score().rank());
  n.set_stars(d.frozen_score().stars());
  n.set_total_score(d.frozen_score().total());
  return n;
}

DesignationCore::DesignationCore(KanwilStore& records, DesignationStore& store,
                                 const ScoreProvider& scores, PublicationHub& hub,
                                 const Clock& clock, std::string kanwil_code,
                                 std::string kanwil_name)
    : records_(records),
      store_(store),
      scores_(scores),
      hub_(hub),
      clock_(clock),
      kanwil_code_(std::move(kanwil_code)),
      kanwil_name_(std::move(kanwil_name)) {}

std::string DesignationCore::Today() const { return FormatDate(JakartaDay(clock_.Now())); }

absl::StatusOr<DesignationCore::Pending> DesignationCore::Begin() const {
  Pending p;
  UNGGUL_ASSIGN_OR_RETURN(std::optional<kv1::AuditEntry> last, store_.LastAuditEntry());
  if (last) {
    p.next_seq = last->seq() + 1;
    p.prev_hash = last->entry_hash();
  }
  UNGGUL_ASSIGN_OR_RETURN(uint64_t revision, store_.LastPublicationRevision());
  p.next_revision = revision + 1;
  return p;
}

void DesignationCore::Record(Pending& p, kv1::Designation d, const kv1::Actor& actor,
                             const std::string& action, kv1::DesignationStatus from,
                             bool publish) const {
  const int64_t now = absl::ToUnixMillis(clock_.Now());
  d.set_version(d.version() + 1);
  if (publish) d.set_publication_revision(p.next_revision);
  kv1::AuditEntry entry;
  entry.set_seq(p.next_seq++);
  entry.set_at_unix_ms(now);
  *entry.mutable_actor() = actor;
  entry.set_action(action);
  entry.set_designation_id(d.designation_id());
  entry.set_from_status(from);
  entry.set_to_status(d.status());
  entry.set_payload_hash(Sha256Hex(DeterministicBytes(d)));
  entry.set_prev_hash(p.prev_hash);
  entry.set_entry_hash(Sha256Hex(p.prev_hash + DeterministicBytes(entry)));
  p.prev_hash = entry.entry_hash();
  p.commit.audit.push_back(std::move(entry));
  if (publish) {
    kv1::Publication pub;
    pub.set_revision(p.next_revision++);
    pub.set_at_unix_ms(now);
    *pub.mutable_designation() = d;
    p.commit.publications.push_back(std::move(pub));
  }
  p.commit.designations.push_back(std::move(d));
}

absl::Status DesignationCore::Finish(Pending& p) {
  if (p.commit.audit.empty()) return absl::OkStatus();
  UNGGUL_RETURN_IF_ERROR(store_.Commit(p.commit));
  for (const kv1::Publication& pub : p.commit.publications) hub_.Publish(pub);
  return absl::OkStatus();
}

absl::Status DesignationCore::ExpireDue() {
  absl::MutexLock lock(&mu_);
  return ExpireDueLocked();
}

absl::Status DesignationCore::ExpireDueLocked() {
  UNGGUL_ASSIGN_OR_RETURN(std::vector<kv1::Designation> all, store_.ListDesignations());
  const std::string today = Today();
  UNGGUL_ASSIGN_OR_RETURN(Pending p, Begin());
  kv1::Actor system;
  system.set_user("system");
  system.set_role("SYSTEM");
  for (kv1::Designation& d : all) {
    if (d.status() != kv1::DESIGNATION_STATUS_PUBLISHED || d.valid_until().empty() ||
        d.valid_until() >= today) {
      continue;
    }
    d.set_status(kv1::DESIGNATION_STATUS_EXPIRED);
    d.mutable_closing()->mutable_by()->CopyFrom(system);
    d.mutable_closing()->set_at_unix_ms(absl::ToUnixMillis(clock_.Now()));
    d.mutable_closing()->set_note(absl::StrCat("valid until ", d.valid_until()));
    Record(p, std::move(d), system, "EXPIRE", kv1::DESIGNATION_STATUS_PUBLISHED, true);
  }
  return Finish(p);
}

absl::StatusOr<kv1::Designation> DesignationCore::Create(const kv1::CreateDesignationRequest& req) {
  UNGGUL_RETURN_IF_ERROR(CheckActor(req.actor()));
  if (req.product_id().empty()) return absl::InvalidArgumentError("product_id: is required");
  if (req.level() != kv1::DESIGNATION_LEVEL_UPT && req.level() != kv1::DESIGNATION_LEVEL_KANWIL) {
    return absl::InvalidArgumentError("level: must be UPT or KANWIL");
  }
  if (req.title().size() > 200) return absl::InvalidArgumentError("title: at most 200 characters");
  if (req.note().size() > 1000) return absl::InvalidArgumentError("note: at most 1000 characters");
  UNGGUL_ASSIGN_OR_RETURN(ScoreProvider::Frozen frozen,
                          scores_.ScoreFor(req.product_id(), req.start_month(), req.end_month()));
  if (!frozen.score.eligible()) {
    std::string reasons;
    for (const kv1::GateResult& g : frozen.score.gates()) {
      if (!g.passed())
        absl::StrAppend(&reasons, reasons.empty() ? "" : "; ", g.gate(), ": ", g.reason());
    }
    return absl::FailedPreconditionError(absl::StrCat("product ", req.product_id(),
                                                      " is not eligible in ", frozen.period_label,
                                                      " (", reasons, ")"));
  }
  // DOMAIN rule: a Kanwil designation ranks only products that meet the floors (total, pillars
  // A and C); a UPT's own designation needs the gates only.
  if (req.level() == kv1::DESIGNATION_LEVEL_KANWIL &&
      frozen.score.standing() != kv1::STANDING_RANKED) {
    const std::string floors = FailedFloors(frozen.score);
    return absl::FailedPreconditionError(absl::StrCat(
        "product ", req.product_id(), " is not ranked in ", frozen.period_label, " (standing ",
        kv1::Standing_Name(frozen.score.standing()).substr(sizeof("STANDING_") - 1),
        floors.empty() ? "" : ": ", floors,
        "): a Kanwil designation takes a RANKED product, one that passes every gate and floor"));
  }
  const std::string upt = frozen.score.upt_code();
  UNGGUL_ASSIGN_OR_RETURN(v1::Record product,
                          records_.GetRecord(RecordKind::kProduct, upt, req.product_id()));
  kv1::Designation d;
  d.set_designation_id(NewId());
  d.set_level(req.level());
  d.set_kanwil_code(kanwil_code_);
  d.set_upt_code(upt);
  d.set_product_id(req.product_id());
  d.set_period_start(frozen.period_start);
  d.set_period_end(frozen.period_end);
  d.set_period_label(frozen.period_label);
  d.set_title(!req.title().empty()
                  ? req.title()
                  : absl::StrCat(product.product().name(), " — Produk Unggulan ",
                                 req.level() == kv1::DESIGNATION_LEVEL_KANWIL ? kanwil_name_ : upt,
                                 " ", frozen.period_label));
  d.set_model_version(frozen.model_version);
  d.set_model_hash(frozen.model_hash);
  *d.mutable_frozen_score() = frozen.score;
  *d.mutable_product_snapshot() = product.product();
  UNGGUL_ASSIGN_OR_RETURN(std::vector<v1::Record> all, records_.ListRecords(upt));
  for (const v1::Record& r : all) {
    if (r.has_certification() && r.certification().product_id() == req.product_id()) {
      *d.add_certifications_snapshot() = r.certification();
    }
  }
  d.set_status(kv1::DESIGNATION_STATUS_DRAFT);
  *d.mutable_created()->mutable_by() = req.actor();
  d.mutable_created()->set_at_unix_ms(absl::ToUnixMillis(clock_.Now()));
  d.mutable_created()->set_note(req.note());

  absl::MutexLock lock(&mu_);
  UNGGUL_RETURN_IF_ERROR(ExpireDueLocked());
  // At most one open (DRAFT..PUBLISHED) designation per product, level and period.
  UNGGUL_ASSIGN_OR_RETURN(std::vector<kv1::Designation> existing, store_.ListDesignations());
  for (const kv1::Designation& other : existing) {
    if (other.product_id() == d.product_id() && other.level() == d.level() &&
        other.period_start() == d.period_start() && other.period_end() == d.period_end() &&
        IsOpen(other.status())) {
      return absl::AlreadyExistsError(absl::StrCat(
          "product ", d.product_id(), " already has designation ", other.designation_id(), " (",
          StatusName(other.status()), ") at level ", LevelName(d.level()), " for ",
          d.period_label(), "; withdraw, reject or revoke it first"));
    }
  }
  UNGGUL_ASSIGN_OR_RETURN(Pending p, Begin());
  Record(p, d, req.actor(), "CREATE", kv1::DESIGNATION_STATUS_UNSPECIFIED, false);
  UNGGUL_RETURN_IF_ERROR(Finish(p));
  return p.commit.designations.back();
}

absl::StatusOr<kv1::Designation> DesignationCore::Transition(
    const kv1::TransitionDesignationRequest& req) {
  UNGGUL_RETURN_IF_ERROR(CheckActor(req.actor()));
  if (req.designation_id().empty()) {
    return absl::InvalidArgumentError("designation_id: is required");
  }
  if (!kv1::DesignationAction_IsValid(req.action()) ||
      req.action() == kv1::DESIGNATION_ACTION_UNSPECIFIED) {
    return absl::InvalidArgumentError("action: is required");
  }
  if (req.note().size() > 1000) return absl::InvalidArgumentError("note: at most 1000 characters");
  for (const std::string* date : {&req.decree_date(), &req.valid_from(), &req.valid_until()}) {
    if (!date->empty()) UNGGUL_RETURN_IF_ERROR(ParseDate(*date, "date").status());
  }

  absl::MutexLock lock(&mu_);
  UNGGUL_RETURN_IF_ERROR(ExpireDueLocked());
  UNGGUL_ASSIGN_OR_RETURN(kv1::Designation d, store_.GetDesignation(req.designation_id()));
  if (req.expected_version() > 0 && req.expected_version() != d.version()) {
    return absl::AbortedError(absl::StrCat("designation ", d.designation_id(), " is at version ",
                                           d.version(), ", not ", req.expected_version()));
  }
  const kv1::DesignationStatus from = d.status();
  const std::string action =
      kv1::DesignationAction_Name(req.action()).substr(sizeof("DESIGNATION_ACTION_") - 1);
  auto illegal = [&] {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot ", action, " designation ", d.designation_id(), " in status ", StatusName(from)));
  };
  const std::string& user = req.actor().user();
  kv1::WorkflowStep step;
  *step.mutable_by() = req.actor();
  step.set_at_unix_ms(absl::ToUnixMillis(clock_.Now()));
  step.set_note(req.note());
  bool publish = false;
  UNGGUL_ASSIGN_OR_RETURN(Pending p, Begin());
  switch (req.action()) {
    case kv1::DESIGNATION_ACTION_SUBMIT:
      if (from != kv1::DESIGNATION_STATUS_DRAFT) return illegal();
      d.set_status(kv1::DESIGNATION_STATUS_PROPOSED);
      *d.mutable_proposal() = step;
      break;
    case kv1::DESIGNATION_ACTION_WITHDRAW:
      if (from != kv1::DESIGNATION_STATUS_DRAFT) return illegal();
      d.set_status(kv1::DESIGNATION_STATUS_WITHDRAWN);
      *d.mutable_closing() = step;
      break;
    case kv1::DESIGNATION_ACTION_VERIFY:
      if (from != kv1::DESIGNATION_STATUS_PROPOSED) return illegal();
      if (SameUser(user, d.proposal().by().user())) {
        return absl::FailedPreconditionError(absl::StrCat("separation of duties: ", user,
                                                          " proposed this designation and may "
                                                          "not verify it"));
      }
      d.set_status(kv1::DESIGNATION_STATUS_VERIFIED);
      *d.mutable_verification() = step;
      break;
    case kv1::DESIGNATION_ACTION_REJECT:
      if (from != kv1::DESIGNATION_STATUS_PROPOSED && from != kv1::DESIGNATION_STATUS_VERIFIED) {
        return illegal();
      }
      d.set_status(kv1::DESIGNATION_STATUS_REJECTED);
      *d.mutable_closing() = step;
      break;
    case kv1::DESIGNATION_ACTION_APPROVE:
      if (from != kv1::DESIGNATION_STATUS_VERIFIED) return illegal();
      if (SameUser(user, d.proposal().by().user()) ||
          SameUser(user, d.verification().by().user())) {
        return absl::FailedPreconditionError(
            absl::StrCat("separation of duties: ", user,
                         " proposed or verified this designation and may "
                         "not approve it"));
      }
      if (d.level() == kv1::DESIGNATION_LEVEL_KANWIL && req.decree_number().empty()) {
        return absl::InvalidArgumentError(
            "decree_number: is required to approve a KANWIL designation");
      }
      d.set_status(kv1::DESIGNATION_STATUS_APPROVED);
      *d.mutable_approval() = step;
      d.set_decree_number(req.decree_number());
      d.set_decree_date(req.decree_date().empty() ? Today() : req.decree_date());
      break;
    case kv1::DESIGNATION_ACTION_PUBLISH: {
      if (from != kv1::DESIGNATION_STATUS_APPROVED) return illegal();
      d.set_status(kv1::DESIGNATION_STATUS_PUBLISHED);
      *d.mutable_publication() = step;
      d.set_valid_from(req.valid_from().empty() ? Today() : req.valid_from());
      d.set_valid_until(req.valid_until().empty() ? PlusMonthsMinusDay(d.valid_from(), 12)
                                                  : req.valid_until());
      if (d.valid_until() < d.valid_from()) {
        return absl::InvalidArgumentError("valid_until: must be on or after valid_from");
      }
      publish = true;
      // A later period's designation supersedes the published ones of earlier periods at the
      // same level and scope.
      UNGGUL_ASSIGN_OR_RETURN(std::vector<kv1::Designation> all, store_.ListDesignations());
      // Never two PUBLISHED designations of one product, level and period (a database from
      // before Create refused a second open one may hold a pair).
      for (const kv1::Designation& twin : all) {
        if (twin.designation_id() != d.designation_id() &&
            twin.status() == kv1::DESIGNATION_STATUS_PUBLISHED &&
            twin.product_id() == d.product_id() && twin.level() == d.level() &&
            twin.period_start() == d.period_start() && twin.period_end() == d.period_end()) {
          return absl::FailedPreconditionError(
              absl::StrCat("cannot PUBLISH designation ", d.designation_id(), ": designation ",
                           twin.designation_id(), " of product ", d.product_id(),
                           " is already PUBLISHED for ", d.period_label()));
        }
      }
      for (kv1::Designation& old : all) {
        if (old.status() != kv1::DESIGNATION_STATUS_PUBLISHED || old.level() != d.level() ||
            old.period_end() >= d.period_start() ||
            (d.level() == kv1::DESIGNATION_LEVEL_UPT && old.upt_code() != d.upt_code())) {
          continue;
        }
        old.set_status(kv1::DESIGNATION_STATUS_SUPERSEDED);
        old.set_superseded_by(d.designation_id());
        *old.mutable_closing() = step;
        Record(p, std::move(old), req.actor(), "SUPERSEDE", kv1::DESIGNATION_STATUS_PUBLISHED,
               true);
      }
      break;
    }
    case kv1::DESIGNATION_ACTION_REVOKE:
      if (from != kv1::DESIGNATION_STATUS_APPROVED && from != kv1::DESIGNATION_STATUS_PUBLISHED) {
        return illegal();
      }
      if (req.revocation_reason() == kv1::REVOCATION_REASON_UNSPECIFIED ||
          !kv1::RevocationReason_IsValid(req.revocation_reason())) {
        return absl::InvalidArgumentError("revocation_reason: is required to revoke");
      }
      d.set_status(kv1::DESIGNATION_STATUS_REVOKED);
      d.set_revocation_reason(req.revocation_reason());
      *d.mutable_closing() = step;
      publish = from == kv1::DESIGNATION_STATUS_PUBLISHED;
      break;
    default:
      return absl::InvalidArgumentError("action: unknown");
  }
  Record(p, d, req.actor(), action, from, publish);
  UNGGUL_RETURN_IF_ERROR(Finish(p));
  for (const kv1::Designation& written : p.commit.designations) {
    if (written.designation_id() == req.designation_id()) return written;
  }
  return absl::InternalError("transition lost its designation");
}

absl::StatusOr<kv1::Designation> DesignationCore::Get(absl::string_view id) {
  UNGGUL_RETURN_IF_ERROR(ExpireDue());
  return store_.GetDesignation(id);
}

absl::StatusOr<kv1::ListDesignationsResponse> DesignationCore::List(
    const kv1::ListDesignationsRequest& req) {
  UNGGUL_RETURN_IF_ERROR(ExpireDue());
  UNGGUL_ASSIGN_OR_RETURN(std::vector<kv1::Designation> all, store_.ListDesignations());
  kv1::ListDesignationsResponse out;
  for (kv1::Designation& d : all) {
    if (req.status() == kv1::DESIGNATION_STATUS_UNSPECIFIED || d.status() == req.status()) {
      *out.add_designations() = std::move(d);
    }
  }
  UNGGUL_ASSIGN_OR_RETURN(uint64_t revision, store_.LastPublicationRevision());
  out.set_publication_revision(revision);
  return out;
}

absl::StatusOr<kv1::GetAuditLogResponse> DesignationCore::AuditLog(
    const kv1::GetAuditLogRequest& req) const {
  if (req.max_entries() < 0 || req.max_entries() > 10000) {
    return absl::InvalidArgumentError("max_entries: must be 0..10000");
  }
  UNGGUL_ASSIGN_OR_RETURN(
      std::vector<kv1::AuditEntry> entries,
      store_.ReadAudit(req.from_seq(), req.max_entries() == 0 ? 1000 : req.max_entries()));
  kv1::GetAuditLogResponse out;
  for (kv1::AuditEntry& e : entries) *out.add_entries() = std::move(e);
  return out;
}

absl::StatusOr<kv1::VerifyAuditLogResponse> DesignationCore::VerifyAuditLog() const {
  kv1::VerifyAuditLogResponse out;
  std::string prev;
  uint64_t expected = 1;
  while (true) {
    UNGGUL_ASSIGN_OR_RETURN(std::vector<kv1::AuditEntry> entries, store_.ReadAudit(expected, 1000));
    if (entries.empty()) break;
    for (const kv1::AuditEntry& e : entries) {
      auto bad = [&](const std::string& problem) {
        out.set_ok(false);
        out.set_first_bad_seq(e.seq());
        out.set_problem(problem);
        return out;
      };
      if (e.seq() != expected) return bad(absl::StrCat("expected seq ", expected));
      if (e.prev_hash() != prev) return bad("prev_hash does not match the previous entry");
      kv1::AuditEntry copy = e;
      copy.clear_entry_hash();
      if (Sha256Hex(prev + DeterministicBytes(copy)) != e.entry_hash()) {
        return bad("entry_hash does not match the entry's content");
      }
      prev = e.entry_hash();
      ++expected;
      out.set_entries_checked(out.entries_checked() + 1);
    }
  }
  out.set_ok(true);
  return out;
}

}  // namespace unggul::aggregator
