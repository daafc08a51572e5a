#pragma once

// The built-in SPUP 1.0 model (ranking/spup-1.0.json compiled in by CMake).

#include "absl/strings/string_view.h"

namespace unggul::aggregator {

absl::string_view DefaultScoringModelJson();

}  // namespace unggul::aggregator
