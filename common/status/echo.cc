#include "common/status/echo.h"

#include "absl/strings/str_cat.h"

namespace unggul {

std::string Echo(absl::string_view value, size_t max_bytes) {
  if (value.size() <= max_bytes) return std::string(value);
  size_t cut = max_bytes;
  // Do not split a UTF-8 sequence: back up to the start of the character.
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat(value.substr(0, cut), "... (", value.size(), " bytes)");
}

}  // namespace unggul
