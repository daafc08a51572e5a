#pragma once

// SHA-256 as 64 lower-case hex characters, random secrets and constant-time comparison
// (OpenSSL libcrypto). Thread-safe.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace unggul {

std::string Sha256Hex(absl::string_view data);

// `bytes` bytes from OpenSSL's CSPRNG as 2*bytes lower-case hex characters. Internal if the
// generator fails.
absl::StatusOr<std::string> RandomHex(size_t bytes);

// a == b in time that depends only on the lengths (CRYPTO_memcmp): for secrets and their hashes.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace unggul
