#pragma once

// What one materialised ranking is computed for: a scoring period, a cohort filter (one UPT
// and/or one category) and the weights (the stored model or a what-if copy). `key` names the
// combination; two specs with the same key give the same ranking on the same data.

#include <string>

#include "unggul/kanwil/v1/scoring.pb.h"
#include "unggul/node/v1/records.pb.h"

namespace unggul::aggregator {

struct RankingSpec {
  kanwil::v1::ScoringPeriod period;
  std::string upt_filter;  // empty = every UPT of the registry
  node::v1::Category category = node::v1::CATEGORY_UNSPECIFIED;
  kanwil::v1::ScoringModel model;  // the stored model, or a what-if copy
  std::string key;                 // period | filter | category | overrides
};

}  // namespace unggul::aggregator
