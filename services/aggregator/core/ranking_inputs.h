#pragma once

// The ranking's inputs from the Kanwil's stores: for one UPT and period, every product with its
// certifications, trainings, monthly rollups of the period and of the period before (for
// growth), verified labour months and settled premi/PNBP: everything the engine needs except
// the panel's scores and open incidents, which RankingCore attaches per computation. One rollup
// range scan per product; no batch or sale is read. RankingCore caches the result per UPT and
// reloads it only when that UPT's data version moves. Thread-safe (the stores are).

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/aggregator/ranking/engine.h"
#include "services/aggregator/store/kanwil_store.h"

namespace unggul::aggregator {

// A UPT's products with everything but panel scores, for the period [start, end].
absl::StatusOr<std::vector<ProductInput>> LoadUptInputs(const KanwilStore& records,
                                                        const AssessmentStore& assessments,
                                                        const RegistryEntry& upt,
                                                        absl::CivilMonth start,
                                                        absl::CivilMonth end);

}  // namespace unggul::aggregator
