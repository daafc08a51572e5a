#pragma once

// Building blocks of the key codecs (STYLE.md §6), shared by every store's keys.cc so the byte
// layout rules live in one place: text components end in 0x00 and may not contain it; integers
// are big-endian fixed width. Only key codec classes use these. Thread-safe, no state.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace unggul::keys {

// InvalidArgument "<what>: must not be empty" / "<what>: must not contain NUL".
absl::Status CheckText(absl::string_view value, absl::string_view what);
// Appends `text` and its 0x00 terminator.
void AppendText(std::string& out, absl::string_view text);
// Appends the low `bytes` bytes of `value`, most significant first.
void AppendBigEndian(std::string& out, uint64_t value, int bytes);
uint64_t ReadBigEndian(absl::string_view bytes);
// Reads a non-empty 0x00-terminated component at `pos`, advancing past the terminator.
bool ReadText(absl::string_view in, size_t& pos, std::string& out);
// A key made of one text component: text | 0x00.
std::string EncodeText(absl::string_view text);
// The text of such a key; DataLoss (Malformed) when `encoded` is anything else.
absl::StatusOr<std::string> DecodeText(absl::string_view encoded, absl::string_view what);
// DataLoss "malformed <what> key (<n> bytes)".
absl::Status Malformed(absl::string_view what, absl::string_view encoded);

}  // namespace unggul::keys
