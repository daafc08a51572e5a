#include "services/cli/cli_common.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace unggul::cli {

namespace v1 = ::unggul::node::v1;

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

absl::Status ParseRecordJson(const std::string& json, const std::string& file,
                             google::protobuf::Message* out) {
  std::string text = json;
  if (text.empty() && !file.empty()) {
    UNGGUL_ASSIGN_OR_RETURN(text, ReadFile(file));
  }
  if (text.empty()) return absl::InvalidArgumentError("give the record with --json or --file");
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto s = google::protobuf::util::JsonStringToMessage(text, out, options);
  if (!s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("record JSON: ", s.message().as_string()));
  }
  return absl::OkStatus();
}

const google::protobuf::Message& KindMessage(const RecordKindInfo& kind,
                                             const google::protobuf::Message& m) {
  if (m.GetDescriptor() != v1::Record::descriptor()) return m;
  return m.GetReflection()->GetMessage(m, kind.field);
}

void PrintRecord(const CliContext& ctx, const google::protobuf::Message& response,
                 const google::protobuf::Message& record, bool replayed, bool is_write) {
  if (ctx.json()) {
    std::cout << ToJson(response) << "\n";
    return;
  }
  std::cout << RenderDetail(record);
  if (is_write) std::cout << (replayed ? "(already recorded; nothing written)\n" : "(written)\n");
}

void ListFlags::Add(CLI::App* cmd, bool with_product_filters) {
  if (with_product_filters) {
    cmd->add_option("--product", product, "Only records of this product (date order)");
    cmd->add_option("--from", from, "First date, YYYY-MM-DD (inclusive)");
    cmd->add_option("--to", to, "Last date, YYYY-MM-DD (inclusive)");
  }
  cmd->add_option("--page-size", page_size, "Records per page, 1..1000 (default 100)");
  cmd->add_option("--page-token", page_token, "Token printed after the previous page");
  cmd->add_flag("--all", all, "Fetch every page");
}

v1::ListRecordsRequest ListFlags::Request() const {
  v1::ListRecordsRequest r;
  r.set_product_id(product);
  r.set_from_date(from);
  r.set_to_date(to);
  r.set_page_size(page_size);
  r.set_page_token(page_token);
  return r;
}

void WriteFlags::Add(CLI::App* cmd, const std::string& what) {
  cmd->add_option("--json", json, "The " + what + " as JSON (fields as in records.proto)");
  cmd->add_option("--file", file, "Read the " + what + " JSON from this file");
  cmd->add_option("--request-id", request_id,
                  "Idempotency key: a retry with the same key writes nothing twice");
}

}  // namespace unggul::cli
