#pragma once

// What an error message shows of a caller's value: the value itself up to 64 bytes, else its
// first 64 bytes and its length ("AAAA… (102400 bytes)"). Every status message that quotes a
// caller's input goes through Echo, so a huge invalid value yields a short error (gRPC carries
// messages in headers with a size limit). ToGrpcStatus also caps whole messages as a last line.

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace unggul {

inline constexpr size_t kMaxEchoBytes = 64;

// `max_bytes` other than the default: for whole messages (ToGrpcStatus).
std::string Echo(absl::string_view value, size_t max_bytes = kMaxEchoBytes);

}  // namespace unggul
