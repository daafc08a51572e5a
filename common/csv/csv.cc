#include "common/csv/csv.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace unggul {

absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text) {
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string cell;
  int line = 1;
  row.line = 1;
  bool in_quotes = false;
  bool after_quote = false;  // just closed a quoted cell
  bool row_has_content = false;
  size_t i = 0;
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // UTF-8 BOM
  auto end_row = [&] {
    row.cells.push_back(std::move(cell));
    cell.clear();
    const bool blank = row.cells.size() == 1 && row.cells[0].empty() && !row_has_content;
    if (!blank) rows.push_back(std::move(row));
    row = CsvRow();
    row_has_content = false;
    after_quote = false;
  };
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell.push_back('"');
          ++i;
        } else {
          in_quotes = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++line;
        cell.push_back(c);
      }
      continue;
    }
    if (c == ',') {
      row.cells.push_back(std::move(cell));
      cell.clear();
      row_has_content = true;
      after_quote = false;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_row();
      ++line;
      row.line = line;
    } else if (c == '"') {
      if (!cell.empty() || after_quote) {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", line, ": a quote may only start a cell"));
      }
      in_quotes = true;
      row_has_content = true;
    } else {
      if (after_quote) {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", line, ": text after a closing quote"));
      }
      cell.push_back(c);
    }
  }
  if (in_quotes) {
    return absl::InvalidArgumentError(absl::StrCat("line ", row.line, ": unterminated quote"));
  }
  if (!cell.empty() || !row.cells.empty() || row_has_content) end_row();
  return rows;
}

std::string CsvEscape(absl::string_view cell) {
  // A cell starting with a byte-order mark is quoted too: unquoted at the start of a file, the
  // reader would take the mark for the file's and drop it (found by fuzz_csv).
  if (cell.find_first_of(",\"\r\n") == absl::string_view::npos &&
      !absl::StartsWith(cell, "\xEF\xBB\xBF")) {
    return std::string(cell);
  }
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace unggul
