// Reads the fixture spec (fixture_spec.h): protobuf's JSON parser turns the text into a
// google.protobuf.Value, which is then walked by hand so every error names its JSON path.

#include "services/cli/fixture_spec.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "common/status/status_macros.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace unggul::cli {
namespace {

namespace pb = google::protobuf;

// A short rendering of a value for error messages: 12, "abc", true, null, an object, a list.
std::string Describe(const pb::Value& v) {
  switch (v.kind_case()) {
    case pb::Value::kNumberValue:
      return absl::StrCat(v.number_value());
    case pb::Value::kStringValue: {
      std::string s = v.string_value();
      if (s.size() > 40) s = s.substr(0, 40) + "...";
      return absl::StrCat("\"", s, "\"");
    }
    case pb::Value::kBoolValue:
      return v.bool_value() ? "true" : "false";
    case pb::Value::kStructValue:
      return "an object";
    case pb::Value::kListValue:
      return "a list";
    default:
      return "null";
  }
}

absl::Status Invalid(absl::string_view path, absl::string_view rule, absl::string_view got) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", rule, ", got ", got));
}

std::string Index(absl::string_view path, size_t i) { return absl::StrCat(path, "[", i, "]"); }

// The keys of one JSON object, read by name; Done() refuses the keys nobody read.
class ObjectReader {
 public:
  static absl::StatusOr<ObjectReader> Make(const pb::Value& v, std::string path) {
    if (v.kind_case() != pb::Value::kStructValue) {
      return Invalid(path, "must be an object", Describe(v));
    }
    return ObjectReader(v.struct_value(), std::move(path));
  }

  std::string Path(absl::string_view key) const {
    return path_.empty() ? std::string(key) : absl::StrCat(path_, ".", key);
  }

  // The value of `key`, nullptr when absent (an error when `required`).
  absl::StatusOr<const pb::Value*> Find(absl::string_view key, bool required) {
    read_.insert(std::string(key));
    const auto it = fields_->fields().find(std::string(key));
    if (it == fields_->fields().end()) {
      if (required) return Invalid(Path(key), "is required", "nothing");
      return nullptr;
    }
    return &it->second;
  }

  absl::Status String(absl::string_view key, std::string* out, bool required = true) {
    UNGGUL_ASSIGN_OR_RETURN(const pb::Value* v, Find(key, required));
    if (v == nullptr) return absl::OkStatus();
    if (v->kind_case() != pb::Value::kStringValue) {
      return Invalid(Path(key), "must be a string", Describe(*v));
    }
    *out = v->string_value();
    return absl::OkStatus();
  }

  template <typename T>
  absl::Status Int(absl::string_view key, T* out, bool required = true) {
    UNGGUL_ASSIGN_OR_RETURN(const pb::Value* v, Find(key, required));
    if (v == nullptr) return absl::OkStatus();
    const double d = v->number_value();
    if (v->kind_case() != pb::Value::kNumberValue || !std::isfinite(d) || std::trunc(d) != d) {
      return Invalid(Path(key), "must be an integer", Describe(*v));
    }
    // 2^53 bounds the integers a double holds exactly; T's range bounds the rest.
    const double lo = std::max(-9007199254740992.0, double(std::numeric_limits<T>::min()));
    const double hi = std::min(9007199254740992.0, double(std::numeric_limits<T>::max()));
    if (d < lo || d > hi) {
      return Invalid(Path(key), absl::StrCat("must be an integer in ", lo, "..", hi), Describe(*v));
    }
    *out = static_cast<T>(d);
    return absl::OkStatus();
  }

  absl::Status Bool(absl::string_view key, bool* out, bool required = true) {
    UNGGUL_ASSIGN_OR_RETURN(const pb::Value* v, Find(key, required));
    if (v == nullptr) return absl::OkStatus();
    if (v->kind_case() != pb::Value::kBoolValue) {
      return Invalid(Path(key), "must be true or false", Describe(*v));
    }
    *out = v->bool_value();
    return absl::OkStatus();
  }

  // The list under `key` (empty when absent and not required).
  absl::StatusOr<std::vector<const pb::Value*>> List(absl::string_view key, bool required = true) {
    UNGGUL_ASSIGN_OR_RETURN(const pb::Value* v, Find(key, required));
    std::vector<const pb::Value*> items;
    if (v == nullptr) return items;
    if (v->kind_case() != pb::Value::kListValue) {
      return Invalid(Path(key), "must be a list", Describe(*v));
    }
    for (const pb::Value& item : v->list_value().values()) items.push_back(&item);
    return items;
  }

  // Every key must have been read: a misspelt key is an error, not a silent default.
  absl::Status Done() const {
    std::vector<std::string> unknown;
    for (const auto& [key, value] : fields_->fields()) {
      if (read_.count(key) == 0) unknown.push_back(key);
    }
    if (unknown.empty()) return absl::OkStatus();
    std::sort(unknown.begin(), unknown.end());
    std::vector<std::string> known(read_.begin(), read_.end());
    return Invalid(Path(unknown.front()),
                   absl::StrCat("unknown key (known: ", absl::StrJoin(known, ", "), ")"),
                   Describe(fields_->fields().at(unknown.front())));
  }

 private:
  ObjectReader(const pb::Struct& fields, std::string path)
      : fields_(&fields), path_(std::move(path)) {}

  const pb::Struct* fields_;
  std::string path_;
  std::set<std::string> read_;
};

using Presets = std::map<std::string, std::vector<ChannelShare>>;

absl::StatusOr<std::vector<ChannelShare>> ParseChannelList(
    const std::vector<const pb::Value*>& items, const std::string& path) {
  std::vector<ChannelShare> shares;
  for (size_t i = 0; i < items.size(); ++i) {
    UNGGUL_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Make(*items[i], Index(path, i)));
    ChannelShare c;
    UNGGUL_RETURN_IF_ERROR(r.String("channel", &c.channel));
    UNGGUL_RETURN_IF_ERROR(r.Int("weight", &c.weight));
    UNGGUL_RETURN_IF_ERROR(r.Int("size_pct", &c.size_pct));
    UNGGUL_RETURN_IF_ERROR(r.Done());
    shares.push_back(std::move(c));
  }
  return shares;
}

absl::StatusOr<ProductSpec> ParseProduct(const pb::Value& v, const std::string& path,
                                         const Presets& presets) {
  UNGGUL_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Make(v, path));
  ProductSpec p;
  UNGGUL_RETURN_IF_ERROR(r.String("suffix", &p.suffix));
  UNGGUL_RETURN_IF_ERROR(r.String("name", &p.name, false));
  UNGGUL_RETURN_IF_ERROR(r.String("brand", &p.brand, false));
  UNGGUL_RETURN_IF_ERROR(r.String("category", &p.category, false));
  UNGGUL_RETURN_IF_ERROR(r.String("subcategory", &p.subcategory, false));
  UNGGUL_RETURN_IF_ERROR(r.String("description", &p.description, false));
  UNGGUL_RETURN_IF_ERROR(r.String("story", &p.story, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("launch_days_before", &p.launch_days_before, false));

  UNGGUL_ASSIGN_OR_RETURN(std::vector<const pb::Value*> skus, r.List("skus", false));
  for (size_t i = 0; i < skus.size(); ++i) {
    UNGGUL_ASSIGN_OR_RETURN(ObjectReader s, ObjectReader::Make(*skus[i], Index(r.Path("skus"), i)));
    SkuSpec sku;
    UNGGUL_RETURN_IF_ERROR(s.String("code", &sku.code));
    UNGGUL_RETURN_IF_ERROR(s.String("net_content", &sku.net_content));
    UNGGUL_RETURN_IF_ERROR(s.String("net_unit", &sku.net_unit));
    UNGGUL_RETURN_IF_ERROR(s.String("packaging", &sku.packaging));
    UNGGUL_RETURN_IF_ERROR(s.Int("price_idr", &sku.price_idr));
    UNGGUL_RETURN_IF_ERROR(s.Int("item_milli", &sku.item_milli));
    UNGGUL_RETURN_IF_ERROR(s.Int("weight", &sku.weight));
    UNGGUL_RETURN_IF_ERROR(s.Done());
    p.skus.push_back(std::move(sku));
  }

  std::string model;
  UNGGUL_RETURN_IF_ERROR(r.String("model", &model, false));
  if (model == "cycle") {
    p.model = ProductModel::kCycle;
  } else if (model == "service") {
    p.model = ProductModel::kService;
  } else if (!model.empty() && model != "monthly") {
    return Invalid(r.Path("model"), "must be monthly, cycle or service",
                   absl::StrCat("\"", model, "\""));
  }
  UNGGUL_RETURN_IF_ERROR(r.String("batch_unit", &p.batch_unit, false));
  UNGGUL_RETURN_IF_ERROR(r.Bool("batch_per_sku", &p.batch_per_sku, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("batches_min", &p.batches_min, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("batches_max", &p.batches_max, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("month_min", &p.month_min, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("month_max", &p.month_max, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("cycle_days", &p.cycle_days, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("cycle_jitter", &p.cycle_jitter, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("batch_min", &p.batch_min, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("batch_max", &p.batch_max, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("step", &p.step, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("duration_min", &p.duration_min, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("duration_max", &p.duration_max, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("reject_permille_max", &p.reject_permille_max, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("shelf_days", &p.shelf_days, false));
  UNGGUL_RETURN_IF_ERROR(r.Bool("print_expiry", &p.print_expiry, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("prod_lebaran_pct", &p.prod_lebaran_pct, false));

  UNGGUL_ASSIGN_OR_RETURN(std::vector<const pb::Value*> inputs, r.List("inputs", false));
  for (size_t i = 0; i < inputs.size(); ++i) {
    UNGGUL_ASSIGN_OR_RETURN(ObjectReader s,
                            ObjectReader::Make(*inputs[i], Index(r.Path("inputs"), i)));
    InputSpec in;
    UNGGUL_RETURN_IF_ERROR(s.String("material", &in.material));
    UNGGUL_RETURN_IF_ERROR(s.String("origin_type", &in.origin_type));
    UNGGUL_RETURN_IF_ERROR(s.String("regency", &in.regency));
    UNGGUL_RETURN_IF_ERROR(s.String("unit", &in.unit));
    UNGGUL_RETURN_IF_ERROR(s.Int("permille", &in.permille));
    UNGGUL_RETURN_IF_ERROR(s.Int("price_idr", &in.price_idr));
    UNGGUL_RETURN_IF_ERROR(s.String("supplier_ref", &in.supplier_ref));
    UNGGUL_RETURN_IF_ERROR(s.Done());
    p.inputs.push_back(std::move(in));
  }
  UNGGUL_RETURN_IF_ERROR(r.Int("overhead_idr", &p.overhead_idr, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("inmates_min", &p.inmates_min, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("inmates_max", &p.inmates_max, false));
  UNGGUL_RETURN_IF_ERROR(r.String("workshop", &p.workshop, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("staff_no", &p.staff_no, false));
  UNGGUL_RETURN_IF_ERROR(r.String("sale_unit", &p.sale_unit, false));
  UNGGUL_RETURN_IF_ERROR(r.Bool("whole_items", &p.whole_items, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("sales_per_week_tenths", &p.sales_per_week_tenths, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("demand_lebaran_pct", &p.demand_lebaran_pct, false));
  UNGGUL_RETURN_IF_ERROR(r.Bool("exhibits", &p.exhibits, false));

  // "channels": a preset name from channel_presets, or the list itself.
  UNGGUL_ASSIGN_OR_RETURN(const pb::Value* channels, r.Find("channels", false));
  if (channels != nullptr && channels->kind_case() == pb::Value::kStringValue) {
    const auto it = presets.find(channels->string_value());
    if (it == presets.end()) {
      return Invalid(r.Path("channels"), "must name one of channel_presets", Describe(*channels));
    }
    p.channels = it->second;
  } else if (channels != nullptr) {
    UNGGUL_ASSIGN_OR_RETURN(std::vector<const pb::Value*> items, r.List("channels", false));
    UNGGUL_ASSIGN_OR_RETURN(p.channels, ParseChannelList(items, r.Path("channels")));
  }
  UNGGUL_RETURN_IF_ERROR(r.Int("same_regency_pct", &p.same_regency_pct, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("same_province_pct", &p.same_province_pct, false));
  UNGGUL_ASSIGN_OR_RETURN(std::vector<const pb::Value*> regencies, r.List("out_regencies", false));
  for (size_t i = 0; i < regencies.size(); ++i) {
    if (regencies[i]->kind_case() != pb::Value::kStringValue) {
      return Invalid(Index(r.Path("out_regencies"), i), "must be a string",
                     Describe(*regencies[i]));
    }
    p.out_regencies.push_back(regencies[i]->string_value());
  }
  UNGGUL_RETURN_IF_ERROR(r.Int("service_min", &p.service_min, false));
  UNGGUL_RETURN_IF_ERROR(r.Int("service_max", &p.service_max, false));
  UNGGUL_RETURN_IF_ERROR(r.Done());
  return p;
}

absl::StatusOr<UptSpec> ParseUpt(const pb::Value& v, size_t index, const Presets& presets) {
  // Paths below a UPT start with its code ("SMS-LP-LAHAT.products[0]…") when it has one.
  std::string path = Index("upts", index);
  if (v.kind_case() == pb::Value::kStructValue) {
    const auto it = v.struct_value().fields().find("upt_code");
    if (it != v.struct_value().fields().end() &&
        it->second.kind_case() == pb::Value::kStringValue && !it->second.string_value().empty()) {
      path = it->second.string_value();
    }
  }
  UNGGUL_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Make(v, path));
  UptSpec u;
  UNGGUL_RETURN_IF_ERROR(r.String("upt_code", &u.upt_code));
  UNGGUL_RETURN_IF_ERROR(r.String("staff_code", &u.staff_code));

  UNGGUL_ASSIGN_OR_RETURN(std::vector<const pb::Value*> products, r.List("products"));
  for (size_t i = 0; i < products.size(); ++i) {
    UNGGUL_ASSIGN_OR_RETURN(ProductSpec p,
                            ParseProduct(*products[i], Index(r.Path("products"), i), presets));
    u.products.push_back(std::move(p));
  }

  UNGGUL_ASSIGN_OR_RETURN(std::vector<const pb::Value*> certs, r.List("certs"));
  for (size_t i = 0; i < certs.size(); ++i) {
    UNGGUL_ASSIGN_OR_RETURN(ObjectReader s,
                            ObjectReader::Make(*certs[i], Index(r.Path("certs"), i)));
    CertSpec c;
    UNGGUL_RETURN_IF_ERROR(s.String("id_suffix", &c.id_suffix));
    UNGGUL_RETURN_IF_ERROR(s.String("product_suffix", &c.product_suffix));
    UNGGUL_RETURN_IF_ERROR(s.String("type", &c.type));
    UNGGUL_RETURN_IF_ERROR(s.String("number_base", &c.number_base));
    UNGGUL_RETURN_IF_ERROR(s.String("issuer", &c.issuer));
    UNGGUL_RETURN_IF_ERROR(s.String("holder", &c.holder));
    UNGGUL_RETURN_IF_ERROR(s.Int("issued_days_before_end", &c.issued_days_before_end));
    UNGGUL_RETURN_IF_ERROR(s.Int("valid_years", &c.valid_years));
    UNGGUL_RETURN_IF_ERROR(s.String("scope_skus", &c.scope_skus));
    UNGGUL_RETURN_IF_ERROR(s.Done());
    u.certs.push_back(std::move(c));
  }

  UNGGUL_ASSIGN_OR_RETURN(std::vector<const pb::Value*> trainings, r.List("trainings"));
  for (size_t i = 0; i < trainings.size(); ++i) {
    UNGGUL_ASSIGN_OR_RETURN(ObjectReader s,
                            ObjectReader::Make(*trainings[i], Index(r.Path("trainings"), i)));
    TrainingSpec t;
    UNGGUL_RETURN_IF_ERROR(s.String("program", &t.program));
    UNGGUL_RETURN_IF_ERROR(s.String("provider", &t.provider));
    UNGGUL_RETURN_IF_ERROR(s.String("product_suffix", &t.product_suffix));
    UNGGUL_RETURN_IF_ERROR(s.String("scheme", &t.scheme));
    UNGGUL_RETURN_IF_ERROR(s.Int("days_min", &t.days_min));
    UNGGUL_RETURN_IF_ERROR(s.Int("days_max", &t.days_max));
    UNGGUL_RETURN_IF_ERROR(s.Int("participants_min", &t.participants_min));
    UNGGUL_RETURN_IF_ERROR(s.Int("participants_max", &t.participants_max));
    UNGGUL_RETURN_IF_ERROR(s.Done());
    u.trainings.push_back(std::move(t));
  }
  UNGGUL_RETURN_IF_ERROR(r.Done());
  return u;
}

}  // namespace

absl::StatusOr<std::vector<UptSpec>> ParseFixtureSpecs(absl::string_view json) {
  pb::Value root;
  pb::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const pb::util::Status parsed =
      pb::util::JsonStringToMessage(pb::StringPiece(json.data(), json.size()), &root, options);
  if (!parsed.ok()) {
    return Invalid("fixture spec", "must be valid JSON", parsed.message().as_string());
  }
  if (root.kind_case() != pb::Value::kStructValue) {
    return Invalid("fixture spec", "must be an object", Describe(root));
  }
  UNGGUL_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Make(root, ""));

  Presets presets;
  UNGGUL_ASSIGN_OR_RETURN(const pb::Value* preset_value, r.Find("channel_presets", false));
  if (preset_value != nullptr) {
    UNGGUL_ASSIGN_OR_RETURN(ObjectReader p, ObjectReader::Make(*preset_value, "channel_presets"));
    for (const auto& [name, value] : preset_value->struct_value().fields()) {
      UNGGUL_ASSIGN_OR_RETURN(std::vector<const pb::Value*> items, p.List(name));
      UNGGUL_ASSIGN_OR_RETURN(presets[name], ParseChannelList(items, p.Path(name)));
    }
  }

  std::vector<UptSpec> upts;
  std::set<std::string> codes;
  UNGGUL_ASSIGN_OR_RETURN(std::vector<const pb::Value*> items, r.List("upts"));
  for (size_t i = 0; i < items.size(); ++i) {
    UNGGUL_ASSIGN_OR_RETURN(UptSpec u, ParseUpt(*items[i], i, presets));
    if (!codes.insert(u.upt_code).second) {
      return Invalid(Index("upts", i) + ".upt_code", "must be unique",
                     absl::StrCat("\"", u.upt_code, "\" twice"));
    }
    upts.push_back(std::move(u));
  }
  UNGGUL_RETURN_IF_ERROR(r.Done());
  return upts;
}

}  // namespace unggul::cli
