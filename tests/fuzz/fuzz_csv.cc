// CSV parsing: any text parses or fails cleanly; rows written back with CsvEscape parse to the
// same cells.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/csv/csv.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<unggul::CsvRow>> rows = unggul::ParseCsv(text);
  if (!rows.ok()) return 0;
  std::string again;
  std::vector<std::vector<std::string>> kept;
  for (const unggul::CsvRow& row : *rows) {
    bool blank = true;
    for (const std::string& cell : row.cells) blank = blank && cell.empty();
    if (blank) continue;  // a blank line is skipped when read back
    std::string line;
    for (size_t i = 0; i < row.cells.size(); ++i) {
      if (i > 0) line += ',';
      line += unggul::CsvEscape(row.cells[i]);
    }
    again += line + "\n";
    kept.push_back(row.cells);
  }
  absl::StatusOr<std::vector<unggul::CsvRow>> reread = unggul::ParseCsv(again);
  UNGGUL_FUZZ_CHECK(reread.ok());
  std::vector<std::vector<std::string>> cells;
  for (const unggul::CsvRow& row : *reread) cells.push_back(row.cells);
  UNGGUL_FUZZ_CHECK(cells == kept);
  return 0;
}
