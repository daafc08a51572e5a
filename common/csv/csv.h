#pragma once

// RFC 4180 CSV reading: comma separator, double-quote quoting ("" for a quote), CRLF or LF,
// quoted fields may span lines. Each row carries the physical line it starts on (header = 1).
// Thread-compatible value types.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace unggul {

struct CsvRow {
  int line = 0;
  std::vector<std::string> cells;
};

// Parses all of `text`. Blank lines are skipped. InvalidArgument "line N: ..." on an
// unterminated quote or text after a closing quote.
absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text);

// One cell, quoted when it holds a comma, quote, CR or LF.
std::string CsvEscape(absl::string_view cell);

}  // namespace unggul
