#include "services/aggregator/store/stored_values.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/records/records.h"
#include "common/status/status_macros.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/reflection.h"
#include "unggul/kanwil/storage/v1/storage.pb.h"

namespace unggul::aggregator::store_internal {
namespace {

namespace kv1 = ::unggul::kanwil::v1;
namespace st = ::unggul::kanwil::storage::v1;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Status CopyByName(const Message& from, Message& to);

absl::Status Mismatch(const FieldDescriptor& f, const FieldDescriptor& t) {
  return absl::InternalError(absl::StrCat(f.full_name(), ": cannot be kept in ", t.full_name(),
                                          " (type or cardinality differs)"));
}

bool IsEnumOrInt32(const FieldDescriptor& f) {
  return f.cpp_type() == FieldDescriptor::CPPTYPE_ENUM ||
         f.cpp_type() == FieldDescriptor::CPPTYPE_INT32;
}

// One element (index < 0: the singular field) of `f` in `from` into `t` of `to`.
absl::Status CopyValue(const Message& from, const FieldDescriptor& f, int index, Message& to,
                       const FieldDescriptor& t) {
  const Reflection& in = *from.GetReflection();
  const Reflection& out = *to.GetReflection();
  const bool rep = index >= 0;
  using C = FieldDescriptor::CppType;
  if (f.cpp_type() == C::CPPTYPE_MESSAGE) {
    const Message& value = rep ? in.GetRepeatedMessage(from, &f, index) : in.GetMessage(from, &f);
    if (t.type() == FieldDescriptor::TYPE_BYTES) {
      std::string bytes = DeterministicBytes(value);
      rep ? out.AddString(&to, &t, std::move(bytes)) : out.SetString(&to, &t, std::move(bytes));
      return absl::OkStatus();
    }
    if (t.cpp_type() != C::CPPTYPE_MESSAGE) return Mismatch(f, t);
    Message* target = rep ? out.AddMessage(&to, &t) : out.MutableMessage(&to, &t);
    if (target->GetDescriptor() == value.GetDescriptor()) {
      target->CopyFrom(value);
      return absl::OkStatus();
    }
    return CopyByName(value, *target);
  }
  if (f.type() == FieldDescriptor::TYPE_BYTES && t.cpp_type() == C::CPPTYPE_MESSAGE) {
    const std::string bytes = rep ? in.GetRepeatedString(from, &f, index) : in.GetString(from, &f);
    Message* target = rep ? out.AddMessage(&to, &t) : out.MutableMessage(&to, &t);
    if (!target->ParseFromString(bytes)) {
      return absl::DataLossError(
          absl::StrCat(f.full_name(), ": undecodable ", target->GetDescriptor()->full_name()));
    }
    return absl::OkStatus();
  }
  if (IsEnumOrInt32(f) && IsEnumOrInt32(t)) {
    const int value =
        f.cpp_type() == C::CPPTYPE_ENUM
            ? (rep ? in.GetRepeatedEnumValue(from, &f, index) : in.GetEnumValue(from, &f))
            : (rep ? in.GetRepeatedInt32(from, &f, index) : in.GetInt32(from, &f));
    if (t.cpp_type() == C::CPPTYPE_ENUM) {
      rep ? out.AddEnumValue(&to, &t, value) : out.SetEnumValue(&to, &t, value);
    } else {
      rep ? out.AddInt32(&to, &t, value) : out.SetInt32(&to, &t, value);
    }
    return absl::OkStatus();
  }
  if (f.type() != t.type()) return Mismatch(f, t);
  switch (f.cpp_type()) {
#define UNGGUL_COPY(CPPTYPE, NAME)                                      \
  case C::CPPTYPE:                                                      \
    rep ? out.Add##NAME(&to, &t, in.GetRepeated##NAME(from, &f, index)) \
        : out.Set##NAME(&to, &t, in.Get##NAME(from, &f));               \
    return absl::OkStatus();
    UNGGUL_COPY(CPPTYPE_INT32, Int32)
    UNGGUL_COPY(CPPTYPE_INT64, Int64)
    UNGGUL_COPY(CPPTYPE_UINT32, UInt32)
    UNGGUL_COPY(CPPTYPE_UINT64, UInt64)
    UNGGUL_COPY(CPPTYPE_DOUBLE, Double)
    UNGGUL_COPY(CPPTYPE_FLOAT, Float)
    UNGGUL_COPY(CPPTYPE_BOOL, Bool)
    UNGGUL_COPY(CPPTYPE_STRING, String)
#undef UNGGUL_COPY
    default:
      return Mismatch(f, t);
  }
}

// Every set field of `from` into the field of the same name of `to` (which is cleared first).
absl::Status CopyByName(const Message& from, Message& to) {
  to.Clear();
  std::vector<const FieldDescriptor*> fields;
  from.GetReflection()->ListFields(from, &fields);
  for (const FieldDescriptor* f : fields) {
    const FieldDescriptor* t = to.GetDescriptor()->FindFieldByName(f->name());
    if (t == nullptr) {
      return absl::InternalError(absl::StrCat(f->full_name(), ": ", to.GetDescriptor()->full_name(),
                                              " has no field of that name"));
    }
    if (t->is_repeated() != f->is_repeated()) return Mismatch(*f, *t);
    if (!f->is_repeated()) {
      UNGGUL_RETURN_IF_ERROR(CopyValue(from, *f, -1, to, *t));
      continue;
    }
    const int n = from.GetReflection()->FieldSize(from, f);
    for (int i = 0; i < n; ++i) UNGGUL_RETURN_IF_ERROR(CopyValue(from, *f, i, to, *t));
  }
  return absl::OkStatus();
}

template <typename Stored>
absl::StatusOr<std::string> Encode(const Message& api) {
  Stored stored;
  UNGGUL_RETURN_IF_ERROR(CopyByName(api, stored));
  return stored.SerializeAsString();
}

template <typename Stored, typename Api>
absl::StatusOr<Api> Decode(absl::string_view bytes) {
  Stored stored;
  if (!stored.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(
        absl::StrCat("undecodable ", Stored::descriptor()->name(), " (", bytes.size(), " bytes)"));
  }
  Api api;
  UNGGUL_RETURN_IF_ERROR(CopyByName(stored, api));
  return api;
}

}  // namespace

absl::StatusOr<std::string> EncodeRollup(const kv1::MonthlyRollup& rollup) {
  st::StoredRollup stored;
  if (rollup.revenue_by_channel().empty() && rollup.revenue_by_region().empty()) {
    UNGGUL_RETURN_IF_ERROR(CopyByName(rollup, *stored.mutable_rollup()));
  } else {
    kv1::MonthlyRollup figures = rollup;  // without the API's name-keyed view
    figures.clear_revenue_by_channel();
    figures.clear_revenue_by_region();
    UNGGUL_RETURN_IF_ERROR(CopyByName(figures, *stored.mutable_rollup()));
  }
  return stored.SerializeAsString();
}

absl::StatusOr<kv1::MonthlyRollup> DecodeRollup(absl::string_view bytes) {
  st::StoredRollup stored;
  if (!stored.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat("undecodable StoredRollup (", bytes.size(), " bytes)"));
  }
  kv1::MonthlyRollup rollup;
  UNGGUL_RETURN_IF_ERROR(CopyByName(stored.rollup(), rollup));
  return rollup;
}

absl::StatusOr<std::string> EncodeAssessment(const kv1::Assessment& assessment) {
  return Encode<st::StoredAssessment>(assessment);
}
absl::StatusOr<kv1::Assessment> DecodeAssessment(absl::string_view bytes) {
  return Decode<st::StoredAssessment, kv1::Assessment>(bytes);
}
absl::StatusOr<std::string> EncodeIncident(const kv1::Incident& incident) {
  return Encode<st::StoredIncident>(incident);
}
absl::StatusOr<kv1::Incident> DecodeIncident(absl::string_view bytes) {
  return Decode<st::StoredIncident, kv1::Incident>(bytes);
}
absl::StatusOr<std::string> EncodeDesignation(const kv1::Designation& designation) {
  return Encode<st::StoredDesignation>(designation);
}
absl::StatusOr<kv1::Designation> DecodeDesignation(absl::string_view bytes) {
  return Decode<st::StoredDesignation, kv1::Designation>(bytes);
}
absl::StatusOr<std::string> EncodeAuditEntry(const kv1::AuditEntry& entry) {
  return Encode<st::StoredAuditEntry>(entry);
}
absl::StatusOr<kv1::AuditEntry> DecodeAuditEntry(absl::string_view bytes) {
  return Decode<st::StoredAuditEntry, kv1::AuditEntry>(bytes);
}
absl::StatusOr<std::string> EncodePublication(const kv1::Publication& publication) {
  return Encode<st::StoredPublication>(publication);
}
absl::StatusOr<kv1::Publication> DecodePublication(absl::string_view bytes) {
  return Decode<st::StoredPublication, kv1::Publication>(bytes);
}

}  // namespace unggul::aggregator::store_internal
