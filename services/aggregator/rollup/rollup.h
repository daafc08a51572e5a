#pragma once

// Monthly per-product rollups (DESIGN.md "Ranking": scores come from rollups maintained at
// ingest). Pure functions over records; thread-safe.

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "unggul/kanwil/v1/dashboard.pb.h"
#include "unggul/node/v1/records.pb.h"

namespace unggul::aggregator {

// (product_id, month as YYYYMM) -> totals.
using RollupMap = std::map<std::pair<std::string, uint32_t>, kanwil::v1::MonthlyRollup>;

// Adds (sign = +1) or removes (sign = -1) one record's contribution. Products contribute
// nothing; trainings without a product contribute nothing; undated records are ignored.
void ApplyToRollups(const node::v1::Record& record, int sign, RollupMap& rollups);

// The single (product_id, YYYYMM) a record contributes to; false when it contributes nothing.
bool RollupKeyOf(const node::v1::Record& record, std::pair<std::string, uint32_t>* key);

// YYYYMM of a "YYYY-MM-DD" date; 0 when malformed.
uint32_t MonthOf(const std::string& date);
// "YYYY-MM".
std::string MonthString(uint32_t yyyymm);
// Whether every counter of a rollup is zero (then it can be deleted).
bool IsEmpty(const kanwil::v1::MonthlyRollup& rollup);

}  // namespace unggul::aggregator
