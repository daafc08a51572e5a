#pragma once

// SHA-256 as 64 lower-case hex characters. Thread-safe.

#include <string>

#include "absl/strings/string_view.h"

namespace unggul {

std::string Sha256Hex(absl::string_view data);

}  // namespace unggul
