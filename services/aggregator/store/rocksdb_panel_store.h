#pragma once

// The panel keyspaces of the Kanwil database: `assessments` (rubric scores per period, product,
// indicator and assessor), `verifications` (verified monthly labour reports, keyed like
// rollups) and `incidents`, over the database the RocksDbKanwilStore owns. Every write calls
// `changed` (with the UPT when it concerns one), so the Kanwil's data versions move and rankings
// recompute. Thread-safe; `db` must outlive the store.

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/rocksdb/owned_rocks_db.h"
#include "services/aggregator/store/kanwil_store.h"

namespace unggul::aggregator {

class RocksDbPanelStore final : public AssessmentStore {
 public:
  RocksDbPanelStore(OwnedRocksDb& db, std::function<void(absl::string_view)> changed)
      : db_(db), changed_(std::move(changed)) {}

  absl::Status PutAssessment(const kanwil::v1::Assessment& assessment) override;
  absl::StatusOr<std::vector<kanwil::v1::Assessment>> ListAssessments(
      absl::string_view start_month, absl::string_view end_month,
      absl::string_view product_id) const override;
  absl::Status PutLabourVerifications(
      absl::string_view upt_code,
      const std::vector<std::pair<std::string, std::string>>& product_months,
      absl::string_view verified_by, int64_t at_unix_ms) override;
  absl::StatusOr<std::vector<std::string>> VerifiedLabourMonths(
      absl::string_view upt_code, absl::string_view product_id) const override;
  absl::Status PutIncident(const kanwil::v1::Incident& incident) override;
  absl::StatusOr<kanwil::v1::Incident> GetIncident(absl::string_view incident_id) const override;
  absl::StatusOr<std::vector<kanwil::v1::Incident>> ListIncidents() const override;

 private:
  OwnedRocksDb& db_;
  const std::function<void(absl::string_view)> changed_;
};

}  // namespace unggul::aggregator
