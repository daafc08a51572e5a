#pragma once

// The Kanwil panel's intake for the ranking: rubric scores of the panel indicators (C3, C4, D2,
// D4) by named assessors, and the verification of a UPT's monthly labour reports (gate G5). Both
// are inputs the ranking reads from the AssessmentStore; a write moves the store's data version,
// so the next ranking recomputes. Thread-safe (the stores are).
//
// Codes: InvalidArgument (a field breaks a rule; the message names it), NotFound (unknown
// product or UPT).

#include "absl/status/statusor.h"
#include "common/time/clock.h"
#include "services/aggregator/core/sync_core.h"
#include "services/aggregator/store/kanwil_store.h"
#include "unggul/kanwil/v1/dashboard.pb.h"
#include "unggul/kanwil/v1/scoring.pb.h"

namespace unggul::aggregator {

class PanelCore {
 public:
  // Every reference must outlive the core.
  PanelCore(KanwilStore& records, AssessmentStore& assessments, const SyncCore& registry,
            const Clock& clock)
      : records_(records), assessments_(assessments), registry_(registry), clock_(clock) {}

  // Stores one assessor's score (0..4) of a panel indicator for a product and period (default:
  // the last 12 complete months), stamped with the time.
  absl::StatusOr<kanwil::v1::Assessment> SubmitAssessment(const kanwil::v1::Assessment& in);
  // Marks every month of the period in which a product of the UPT has a labour report as
  // verified by `verified_by`; returns how many product-months.
  absl::StatusOr<kanwil::v1::VerifyMonthlyReportsResponse> VerifyMonthlyReports(
      const kanwil::v1::VerifyMonthlyReportsRequest& request);

 private:
  KanwilStore& records_;
  AssessmentStore& assessments_;
  const SyncCore& registry_;
  const Clock& clock_;
};

}  // namespace unggul::aggregator
