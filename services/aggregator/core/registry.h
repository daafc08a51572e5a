#pragma once

// The Kanwil's UPT registry (its prisons, remand centres and other UPTs) as a CSV file:
//   upt_code,official_name,type,subtype,class,regency_code,kanwil_code,needs_verification
// Versioned: a changed file becomes a new registry version at the next start; UPTs are keyed
// by code, never by name. Thread-safe, no state.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/aggregator/store/kanwil_store.h"

namespace unggul::aggregator {

struct ParsedRegistry {
  std::vector<RegistryEntry> entries;
  std::string content_hash;  // 16 hex digits over the canonical entries
};

// InvalidArgument "registry line N: ..." for a missing column, an empty or duplicate upt_code,
// a bad regency code, or a needs_verification that is not true/false.
absl::StatusOr<ParsedRegistry> ParseRegistryCsv(absl::string_view text);

}  // namespace unggul::aggregator
