#pragma once

// Integrity incidents of products (SPUP gate G6 fails while one is open): food-safety
// incidents, recalls and audit findings recorded and closed by Kanwil staff. The ranking reads
// them from the store (RankingCore: open on the period's last day fails G6). One incident per
// (product, reference): the id is derived from both.
//
// Codes: InvalidArgument (names the field and rule), NotFound (unknown product or incident),
// AlreadyExists (reference already recorded for the product), FailedPrecondition (closing a
// closed incident). Thread-safe: writes serialise on one mutex.

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/time/clock.h"
#include "services/aggregator/core/sync_core.h"
#include "services/aggregator/store/kanwil_store.h"
#include "unggul/kanwil/v1/dashboard.pb.h"

namespace unggul::aggregator {

class IncidentCore {
 public:
  IncidentCore(const KanwilStore& records, AssessmentStore& store, const SyncCore& registry,
               const Clock& clock)
      : records_(records), store_(store), registry_(registry), clock_(clock) {}

  absl::StatusOr<kanwil::v1::Incident> RecordIncident(
      const kanwil::v1::RecordIncidentRequest& request);
  absl::StatusOr<kanwil::v1::Incident> CloseIncident(
      const kanwil::v1::CloseIncidentRequest& request);
  // Newest opened first.
  absl::StatusOr<kanwil::v1::ListIncidentsResponse> ListIncidents(
      const kanwil::v1::ListIncidentsRequest& request) const;

 private:
  const KanwilStore& records_;
  AssessmentStore& store_;
  const SyncCore& registry_;
  const Clock& clock_;
  absl::Mutex mu_;  // serialises writes (uniqueness, close once)
};

}  // namespace unggul::aggregator
