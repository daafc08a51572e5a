#include "services/node/grpc/record_rpcs.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/records/kinds.h"
#include "common/status/status_macros.h"
#include "unggul/node/v1/node_service.pb.h"

namespace unggul::node {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MessageFactory;

// The non-product record kind whose message is `message`, or nullptr.
const RecordKindInfo* KindWithMessage(const Descriptor* message) {
  for (const RecordKindInfo& kind : RecordKinds()) {
    if (kind.message == message && kind.number != static_cast<int>(RecordKind::kProduct)) {
      return &kind;
    }
  }
  return nullptr;
}

// Field `number` of `message` when it has the given type (and, for messages, descriptor).
const FieldDescriptor* FieldOf(const Descriptor* message, int number, FieldDescriptor::Type type,
                               bool repeated = false) {
  const FieldDescriptor* f = message->FindFieldByNumber(number);
  if (f == nullptr || f->type() != type || f->is_repeated() != repeated) return nullptr;
  return f;
}

std::optional<RecordRpcTable::Method> Classify(const google::protobuf::MethodDescriptor& m) {
  if (m.client_streaming() || m.server_streaming()) return std::nullopt;
  const Descriptor* in = m.input_type();
  const Descriptor* out = m.output_type();
  RecordRpcTable::Method method;
  const FieldDescriptor* out_record = FieldOf(out, 1, FieldDescriptor::TYPE_MESSAGE);
  const FieldDescriptor* out_records = FieldOf(out, 1, FieldDescriptor::TYPE_MESSAGE, true);
  if (in == v1::ListRecordsRequest::descriptor()) {
    const FieldDescriptor* token = FieldOf(out, 2, FieldDescriptor::TYPE_STRING);
    if (out_records == nullptr || token == nullptr || token->name() != "next_page_token") {
      return std::nullopt;
    }
    method.shape = RecordRpcTable::Shape::kList;
    method.kind = KindWithMessage(out_records->message_type());
    method.response_field = out_records;
    method.response_extra = token;
  } else {
    if (out_record == nullptr) return std::nullopt;
    method.kind = KindWithMessage(out_record->message_type());
    method.response_field = out_record;
    const FieldDescriptor* request_id = FieldOf(in, 1, FieldDescriptor::TYPE_STRING);
    const FieldDescriptor* in_record = FieldOf(in, 2, FieldDescriptor::TYPE_MESSAGE);
    const FieldDescriptor* replayed = FieldOf(out, 2, FieldDescriptor::TYPE_BOOL);
    if (in->field_count() == 2 && request_id != nullptr && request_id->name() == "request_id" &&
        in_record != nullptr && in_record->message_type() == out_record->message_type() &&
        replayed != nullptr && replayed->name() == "replayed") {
      method.shape = RecordRpcTable::Shape::kWrite;
      method.request_field = in_record;
      method.response_extra = replayed;
    } else if (in->field_count() == 1 && request_id != nullptr) {
      method.shape = RecordRpcTable::Shape::kGet;
      method.request_field = request_id;
    } else {
      return std::nullopt;
    }
  }
  if (method.kind == nullptr) return std::nullopt;
  MessageFactory* factory = MessageFactory::generated_factory();
  method.request_prototype = factory->GetPrototype(in);
  method.response_prototype = factory->GetPrototype(out);
  return method;
}

}  // namespace

RecordRpcTable::RecordRpcTable(const google::protobuf::ServiceDescriptor& service) {
  for (int i = 0; i < service.method_count(); ++i) {
    const google::protobuf::MethodDescriptor& m = *service.method(i);
    if (std::optional<Method> method = Classify(m)) {
      methods_.emplace(absl::StrCat("/", service.full_name(), "/", m.name()), *method);
    }
  }
}

const RecordRpcTable::Method* RecordRpcTable::Find(absl::string_view path) const {
  auto it = methods_.find(path);
  return it == methods_.end() ? nullptr : &it->second;
}

bool RecordRpcTable::Serves(const google::protobuf::MethodDescriptor& method) const {
  return Find(absl::StrCat("/", method.service()->full_name(), "/", method.name())) != nullptr;
}

absl::StatusOr<std::unique_ptr<Message>> RecordRpcTable::Call(NodeCore& core, const Method& method,
                                                              const Message& request) {
  const auto* reflection = request.GetReflection();
  std::unique_ptr<Message> response(method.response_prototype->New());
  const auto* out = response->GetReflection();
  const RecordKind kind = static_cast<RecordKind>(method.kind->number);
  switch (method.shape) {
    case Shape::kWrite: {
      v1::Record record;
      record.GetReflection()
          ->MutableMessage(&record, method.kind->field)
          ->CopyFrom(reflection->GetMessage(request, method.request_field));
      const std::string request_id =
          reflection->GetString(request, request.GetDescriptor()->FindFieldByNumber(1));
      UNGGUL_ASSIGN_OR_RETURN(Written<v1::Record> written,
                              core.WriteRecord(std::move(record), request_id));
      out->MutableMessage(response.get(), method.response_field)
          ->CopyFrom(written.value.GetReflection()->GetMessage(written.value, method.kind->field));
      out->SetBool(response.get(), method.response_extra, written.replayed);
      break;
    }
    case Shape::kGet: {
      UNGGUL_ASSIGN_OR_RETURN(
          v1::Record record,
          core.GetRecord(kind, reflection->GetString(request, method.request_field)));
      out->MutableMessage(response.get(), method.response_field)
          ->CopyFrom(record.GetReflection()->GetMessage(record, method.kind->field));
      break;
    }
    case Shape::kList: {
      UNGGUL_ASSIGN_OR_RETURN(
          ListPage page,
          core.ListRecords(kind, static_cast<const v1::ListRecordsRequest&>(request)));
      for (v1::Record& record : page.records) {
        out->AddMessage(response.get(), method.response_field)
            ->CopyFrom(record.GetReflection()->GetMessage(record, method.kind->field));
      }
      out->SetString(response.get(), method.response_extra, std::move(page.next_page_token));
      break;
    }
  }
  return response;
}

}  // namespace unggul::node
