#include "services/aggregator/core/registry.h"

#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/csv/csv.h"
#include "common/status/echo.h"
#include "common/status/status_macros.h"

namespace unggul::aggregator {

absl::StatusOr<ParsedRegistry> ParseRegistryCsv(absl::string_view text) {
  UNGGUL_ASSIGN_OR_RETURN(std::vector<CsvRow> rows, ParseCsv(text));
  if (rows.empty()) return absl::InvalidArgumentError("registry: the file is empty");
  const std::vector<std::string> required = {
      "upt_code", "official_name", "type",        "subtype",
      "class",    "regency_code",  "kanwil_code", "needs_verification"};
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < rows[0].cells.size(); ++i) {
    col[absl::AsciiStrToLower(absl::StripAsciiWhitespace(rows[0].cells[i]))] = i;
  }
  for (const std::string& name : required) {
    if (col.count(name) == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("registry line 1: missing column \"", name, "\""));
    }
  }
  ParsedRegistry out;
  std::set<std::string> seen;
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (size_t r = 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    auto cell = [&](const std::string& name) {
      const size_t i = col[name];
      return i < row.cells.size() ? std::string(absl::StripAsciiWhitespace(row.cells[i])) : "";
    };
    RegistryEntry e;
    e.upt_code = cell("upt_code");
    e.official_name = cell("official_name");
    e.type = cell("type");
    e.subtype = cell("subtype");
    e.upt_class = cell("class");
    e.regency_code = cell("regency_code");
    e.kanwil_code = cell("kanwil_code");
    const std::string nv = absl::AsciiStrToLower(cell("needs_verification"));
    auto bad = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat("registry line ", row.line, ": ", what));
    };
    if (e.upt_code.empty()) return bad("upt_code is required");
    for (char c : e.upt_code) {
      if (!absl::ascii_isupper(static_cast<unsigned char>(c)) &&
          !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
        return bad(absl::StrCat("upt_code must use A-Z 0-9 - _, got \"", Echo(e.upt_code), "\""));
      }
    }
    if (!seen.insert(e.upt_code).second)
      return bad(absl::StrCat("duplicate upt_code ", e.upt_code));
    if (e.official_name.empty()) return bad("official_name is required");
    if (!e.regency_code.empty() && (e.regency_code.size() != 5 || e.regency_code[2] != '.')) {
      return bad(absl::StrCat("regency_code must be NN.NN, got \"", Echo(e.regency_code), "\""));
    }
    if (nv != "true" && nv != "false" && !nv.empty()) {
      return bad(absl::StrCat("needs_verification must be true or false, got \"", Echo(nv), "\""));
    }
    e.needs_verification = nv == "true";
    for (const std::string& part : {e.upt_code, e.official_name, e.type, e.subtype, e.upt_class,
                                    e.regency_code, e.kanwil_code, nv}) {
      for (unsigned char c : part) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
      }
      hash ^= 0x1f;
      hash *= 0x100000001b3ULL;
    }
    out.entries.push_back(std::move(e));
  }
  out.content_hash = absl::StrFormat("%016x", hash);
  return out;
}

}  // namespace unggul::aggregator
