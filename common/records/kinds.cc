#include "common/records/kinds.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "unggul/node/v1/node_service.pb.h"

namespace unggul {
namespace {

namespace pb = ::google::protobuf;
namespace v1 = ::unggul::node::v1;

[[noreturn]] void Broken(const std::string& what) {
  std::fprintf(stderr, "records.proto: %s\n", what.c_str());
  std::abort();
}

RecordKindInfo Describe(const pb::FieldDescriptor* field) {
  RecordKindInfo info;
  info.number = field->number();
  info.field = field;
  info.field_name = field->name();
  info.message = field->message_type();
  if (info.message == nullptr) Broken(absl::StrCat("Record.", field->name(), " is not a message"));
  const pb::MessageOptions& options = info.message->options();
  info.name = options.GetExtension(v1::kind_name);
  info.plural = options.GetExtension(v1::kind_plural);
  if (info.name.empty() || info.plural.empty()) {
    Broken(absl::StrCat(info.message->name(), " needs kind_name and kind_plural"));
  }
  auto one = [&](const pb::FieldDescriptor*& slot, const pb::FieldDescriptor* f, const char* opt) {
    if (slot != nullptr) Broken(absl::StrCat(info.message->name(), ": two ", opt, " fields"));
    if (f->type() != pb::FieldDescriptor::TYPE_STRING || f->is_repeated()) {
      Broken(absl::StrCat(info.message->name(), ".", f->name(), ": ", opt, " must be a string"));
    }
    slot = f;
  };
  for (int i = 0; i < info.message->field_count(); ++i) {
    const pb::FieldDescriptor* f = info.message->field(i);
    const pb::FieldOptions& fo = f->options();
    if (fo.GetExtension(v1::record_id)) one(info.id, f, "record_id");
    if (fo.GetExtension(v1::record_product)) one(info.product, f, "record_product");
    if (fo.GetExtension(v1::record_date)) one(info.date, f, "record_date");
    if (fo.GetExtension(v1::small_cell_count)) {
      if (f->type() != pb::FieldDescriptor::TYPE_INT32 || f->is_repeated()) {
        Broken(absl::StrCat(info.message->name(), ".", f->name(), ": small_cell_count on int32"));
      }
      info.small_cell_counts.push_back(f);
    }
    if (fo.GetExtension(v1::recorded_at)) {
      if (f->type() != pb::FieldDescriptor::TYPE_INT64 || info.recorded_at != nullptr) {
        Broken(absl::StrCat(info.message->name(), ": one int64 recorded_at field"));
      }
      info.recorded_at = f;
    }
    if (fo.GetExtension(v1::node_managed)) info.node_managed.push_back(f);
    if (fo.GetExtension(v1::small_cell_flag)) {
      if (f->type() != pb::FieldDescriptor::TYPE_BOOL || info.small_cell_flag != nullptr) {
        Broken(absl::StrCat(info.message->name(), ": one bool small_cell_flag"));
      }
      info.small_cell_flag = f;
    }
  }
  if (info.id == nullptr) Broken(absl::StrCat(info.message->name(), " has no record_id field"));
  info.monthly_rollup = options.GetExtension(v1::monthly_rollup);
  info.count = v1::RecordCounts::descriptor()->FindFieldByNumber(info.number);
  if (info.count == nullptr || info.count->type() != pb::FieldDescriptor::TYPE_INT64) {
    Broken(absl::StrCat("RecordCounts needs an int64 field numbered ", info.number, " for ",
                        info.message->name()));
  }
  if (info.monthly_rollup && (info.product == nullptr || info.date == nullptr)) {
    Broken(absl::StrCat(info.message->name(), ": monthly_rollup needs product and date fields"));
  }
  if (!info.small_cell_counts.empty() && info.small_cell_flag == nullptr) {
    Broken(absl::StrCat(info.message->name(), ": small-cell counts need a small_cell_flag"));
  }
  return info;
}

struct Registry {
  std::vector<RecordKindInfo> kinds;
  std::vector<const RecordKindInfo*> by_number;  // index = number
};

const Registry& GetRegistry() {
  static const Registry* registry = [] {
    auto* r = new Registry();
    const pb::OneofDescriptor* oneof = v1::Record::descriptor()->FindOneofByName("kind");
    if (oneof == nullptr) Broken("Record has no oneof kind");
    int max = 0;
    for (int i = 0; i < oneof->field_count(); ++i) {
      r->kinds.push_back(Describe(oneof->field(i)));
      max = std::max(max, r->kinds.back().number);
    }
    if (max > 127) Broken("record kind numbers must stay below 128 (one key byte)");
    std::sort(r->kinds.begin(), r->kinds.end(),
              [](const RecordKindInfo& a, const RecordKindInfo& b) { return a.number < b.number; });
    r->by_number.assign(static_cast<size_t>(max) + 1, nullptr);
    for (const RecordKindInfo& k : r->kinds) {
      for (const RecordKindInfo& other : r->kinds) {
        if (&other != &k && other.plural == k.plural) {
          Broken(absl::StrCat("two kinds with the plural ", k.plural));
        }
      }
      r->by_number[static_cast<size_t>(k.number)] = &k;
    }
    return r;
  }();
  return *registry;
}

}  // namespace

const std::vector<RecordKindInfo>& RecordKinds() { return GetRegistry().kinds; }

const RecordKindInfo* FindRecordKind(int number) {
  const Registry& r = GetRegistry();
  if (number <= 0 || static_cast<size_t>(number) >= r.by_number.size()) return nullptr;
  return r.by_number[static_cast<size_t>(number)];
}

const RecordKindInfo* FindRecordKindByPlural(absl::string_view plural) {
  for (const RecordKindInfo& k : RecordKinds()) {
    if (k.plural == plural) return &k;
  }
  return nullptr;
}

const RecordKindInfo* KindInfoOf(const node::v1::Record& record) {
  return FindRecordKind(static_cast<int>(record.kind_case()));
}

}  // namespace unggul
