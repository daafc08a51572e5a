#include "common/keys/key_parts.h"

#include "absl/strings/str_cat.h"

namespace unggul::keys {

absl::Status CheckText(absl::string_view value, absl::string_view what) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(what, ": must not be empty"));
  if (value.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": must not contain NUL"));
  }
  return absl::OkStatus();
}

void AppendText(std::string& out, absl::string_view text) {
  out.append(text.data(), text.size());
  out.push_back('\0');
}

void AppendBigEndian(std::string& out, uint64_t value, int bytes) {
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

uint64_t ReadBigEndian(absl::string_view bytes) {
  uint64_t v = 0;
  for (unsigned char c : bytes) v = (v << 8) | c;
  return v;
}

bool ReadText(absl::string_view in, size_t& pos, std::string& out) {
  const size_t end = in.find('\0', pos);
  if (end == absl::string_view::npos || end == pos) return false;
  out = std::string(in.substr(pos, end - pos));
  pos = end + 1;
  return true;
}

std::string EncodeText(absl::string_view text) {
  std::string out;
  AppendText(out, text);
  return out;
}

absl::StatusOr<std::string> DecodeText(absl::string_view encoded, absl::string_view what) {
  size_t pos = 0;
  std::string text;
  if (!ReadText(encoded, pos, text) || pos != encoded.size()) return Malformed(what, encoded);
  return text;
}

absl::Status Malformed(absl::string_view what, absl::string_view encoded) {
  return absl::DataLossError(absl::StrCat("malformed ", what, " key (", encoded.size(), " bytes)"));
}

}  // namespace unggul::keys
