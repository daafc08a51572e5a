#pragma once

// Monthly per-product rollups (DESIGN.md "Ranking": scores come from rollups maintained at
// ingest). Pure functions over records; thread-safe.

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "unggul/kanwil/v1/dashboard.pb.h"
#include "unggul/node/v1/records.pb.h"

namespace unggul::aggregator {

// (product_id, month as YYYYMM) -> totals.
using RollupMap = std::map<std::pair<std::string, uint32_t>, kanwil::v1::MonthlyRollup>;

// Adds (sign = +1) or removes (sign = -1) one record's contribution to the row RollupKeyOf
// names (nothing when it names none).
void ApplyToRollups(const node::v1::Record& record, int sign, RollupMap& rollups);

// The single (product_id, YYYYMM) a record contributes to: its record_product and the month of
// its record_date, for kinds marked monthly_rollup in records.proto (not products or
// settlements); false when it contributes nothing (no product, e.g. a general training, or no
// valid date).
bool RollupKeyOf(const node::v1::Record& record, std::pair<std::string, uint32_t>* key);

// YYYYMM of a "YYYY-MM-DD" date; 0 when malformed.
uint32_t MonthOf(const std::string& date);
// "YYYY-MM".
std::string MonthString(uint32_t yyyymm);
// Whether every field but the month is at its default (then the row can be deleted).
bool IsEmpty(const kanwil::v1::MonthlyRollup& rollup);

// Fills the readable revenue maps (by channel and region *name*) from the number-keyed ones the
// Kanwil stores, for API answers. Unknown numbers keep their number as the name.
void FillRevenueNames(kanwil::v1::MonthlyRollup& rollup);

// Format-1 rows keyed revenue by name: moves those entries into the number-keyed maps.
// DataLoss naming the key for a name that is no Channel/BuyerRegion value.
absl::Status MoveRevenueNamesToNumbers(kanwil::v1::MonthlyRollup& rollup);

}  // namespace unggul::aggregator
