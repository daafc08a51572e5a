#include "services/aggregator/store/rocksdb_panel_store.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/rocksdb/rocks_status.h"
#include "common/status/echo.h"
#include "common/status/status_macros.h"
#include "rocksdb/write_batch.h"
#include "services/aggregator/rollup/rollup.h"
#include "services/aggregator/store/keys.h"
#include "services/aggregator/store/rocks_scan.h"
#include "services/aggregator/store/stored_values.h"
#include "unggul/kanwil/storage/v1/storage.pb.h"

namespace unggul::aggregator {

using namespace store_internal;  // NOLINT: the shared CF names and scan helper

namespace {
namespace st = ::unggul::kanwil::storage::v1;
}  // namespace

absl::Status RocksDbPanelStore::PutIncident(const kanwil::v1::Incident& incident) {
  UNGGUL_ASSIGN_OR_RETURN(IncidentKey key, IncidentKey::Create(incident.incident_id()));
  UNGGUL_ASSIGN_OR_RETURN(const std::string value, EncodeIncident(incident));
  UNGGUL_RETURN_IF_ERROR(db_.Put(db_.cf(kIncidentsCf), key.Encode(), value, "put incident"));
  changed_("");
  return absl::OkStatus();
}

absl::StatusOr<kanwil::v1::Incident> RocksDbPanelStore::GetIncident(
    absl::string_view incident_id) const {
  UNGGUL_ASSIGN_OR_RETURN(IncidentKey key, IncidentKey::Create(incident_id));
  std::string value;
  rocksdb::Status s =
      db_.db().Get(rocksdb::ReadOptions(), db_.cf(kIncidentsCf), key.Encode(), &value);
  if (s.IsNotFound()) {
    return absl::NotFoundError(absl::StrCat("incident ", Echo(incident_id), " not found"));
  }
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(s, "get incident"));
  return DecodeIncident(value);
}

absl::StatusOr<std::vector<kanwil::v1::Incident>> RocksDbPanelStore::ListIncidents() const {
  return ScanDecoded(db_.db(), db_.cf(kIncidentsCf), "", "", SIZE_MAX, &DecodeIncident);
}

absl::Status RocksDbPanelStore::PutAssessment(const kanwil::v1::Assessment& a) {
  UNGGUL_ASSIGN_OR_RETURN(AssessmentKey key,
                          AssessmentKey::Create(a.start_month(), a.end_month(), a.product_id(),
                                                a.indicator(), a.assessor_id()));
  UNGGUL_ASSIGN_OR_RETURN(const std::string value, EncodeAssessment(a));
  UNGGUL_RETURN_IF_ERROR(db_.Put(db_.cf(kAssessmentsCf), key.Encode(), value, "put assessment"));
  changed_("");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<kanwil::v1::Assessment>> RocksDbPanelStore::ListAssessments(
    absl::string_view start_month, absl::string_view end_month,
    absl::string_view product_id) const {
  const std::string prefix = AssessmentKey::ProductPrefix(start_month, end_month, product_id);
  return ScanDecoded(db_.db(), db_.cf(kAssessmentsCf), prefix, prefix, SIZE_MAX, &DecodeAssessment);
}

absl::Status RocksDbPanelStore::PutLabourVerifications(
    absl::string_view upt_code,
    const std::vector<std::pair<std::string, std::string>>& product_months,
    absl::string_view verified_by, int64_t at_unix_ms) {
  st::StoredLabourVerification v;
  v.set_verified_by(verified_by.data(), verified_by.size());
  v.set_at_unix_ms(at_unix_ms);
  const std::string value = v.SerializeAsString();
  rocksdb::WriteBatch wb;
  for (const auto& [product, month] : product_months) {
    UNGGUL_ASSIGN_OR_RETURN(RollupKey key,
                            RollupKey::Create(upt_code, product, MonthOf(month + "-01")));
    UNGGUL_RETURN_IF_ERROR(
        FromRocksStatus(wb.Put(db_.cf(kVerificationsCf), key.Encode(), value), "stage"));
  }
  UNGGUL_RETURN_IF_ERROR(db_.Write(wb, "verify labour reports"));
  changed_(upt_code);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> RocksDbPanelStore::VerifiedLabourMonths(
    absl::string_view upt_code, absl::string_view product_id) const {
  std::vector<std::string> out;
  const std::string prefix = RollupKey::ProductPrefix(upt_code, product_id);
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db().NewIterator(rocksdb::ReadOptions(), db_.cf(kVerificationsCf)));
  for (it->Seek(ToSlice(prefix)); it->Valid() && it->key().starts_with(ToSlice(prefix));
       it->Next()) {
    UNGGUL_ASSIGN_OR_RETURN(RollupKey key, RollupKey::Decode(ToView(it->key())));
    out.push_back(MonthString(key.month()));
  }
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(it->status(), "list verifications"));
  return out;
}

}  // namespace unggul::aggregator
