#pragma once

// The ranking's inputs, cached per (period, UPT). Gather() returns every product a spec ranks:
// the UPT part (product, certifications, trainings, rollups, verified labour, settlements;
// LoadUptInputs) is reused while that UPT's data version and the registry version are
// unchanged, so recomputing after one UPT's sync reloads that UPT only. The Kanwil-side inputs
// (the period's panel scores and the incidents open on its last day) are read on every call and
// attached to copies of the products that have any.
//
// Not thread-safe: the owner (RankingSnapshots) calls it under its computation lock. Pointers
// returned by Gather stay valid until the next Gather or Retain.

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "services/aggregator/core/ranking_spec.h"
#include "services/aggregator/core/sync_core.h"
#include "services/aggregator/ranking/engine.h"
#include "services/aggregator/store/kanwil_store.h"

namespace unggul::aggregator {

class RankingInputCache {
 public:
  RankingInputCache(const KanwilStore& records, const AssessmentStore& assessments,
                    const SyncCore& registry);

  // Inputs of every product matching the spec's filter, in registry order. Products with panel
  // scores or open incidents point into `with_kanwil_inputs` (cleared and refilled here); the
  // others into the cache.
  absl::StatusOr<std::vector<const ProductInput*>> Gather(
      const RankingSpec& spec, std::vector<ProductInput>& with_kanwil_inputs);

  // Drops the cached inputs of every period not in `periods` ((start_month, end_month)).
  void Retain(const std::set<std::pair<std::string, std::string>>& periods);

  // How many times a UPT's inputs were loaded from the store (for tests and metrics).
  uint64_t loads() const { return loads_; }

 private:
  struct UptInputs {
    uint64_t version = 0;
    uint64_t registry_version = 0;
    std::vector<ProductInput> products;  // no panel scores (attached per computation)
  };

  const KanwilStore& records_;
  const AssessmentStore& assessments_;
  const SyncCore& registry_;
  // (start_month, end_month, upt_code) -> inputs.
  std::map<std::tuple<std::string, std::string, std::string>, std::shared_ptr<const UptInputs>>
      inputs_;
  uint64_t loads_ = 0;
};

}  // namespace unggul::aggregator
