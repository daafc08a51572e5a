#pragma once

// The typed per-kind RPCs of the node API (RecordBatch/GetBatch/ListBatches, RecordSale, ...),
// served from one table read off the UptNode service descriptor instead of a hand-written
// handler per RPC. Each such RPC has one of three shapes, recognised by its message types:
//
//   Write  Record<Kind>Request{string request_id = 1; <Kind> x = 2}
//            -> <Kind>Response{<Kind> x = 1; bool replayed = 2}
//   Get    Get<Kind>Request{string <id> = 1} -> <Kind>Response{<Kind> x = 1; ...}
//   List   ListRecordsRequest -> List<Kinds>Response{repeated <Kind> x = 1;
//                                                    string next_page_token = 2}
//
// where <Kind> is a record kind's message (common/records/kinds.h) other than Product (whose
// RPCs have their own rules and stay hand-written). All three call NodeCore's one generic path.
// Protobuf and NodeCore only; the gRPC plumbing is in upt_node_service.cc. Thread-safe.

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "common/records/kinds.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "services/node/core/node_core.h"

namespace unggul::node {

class RecordRpcTable {
 public:
  enum class Shape { kWrite, kGet, kList };
  struct Method {
    Shape shape;
    const RecordKindInfo* kind = nullptr;
    const google::protobuf::Message* request_prototype = nullptr;
    const google::protobuf::Message* response_prototype = nullptr;
    const google::protobuf::FieldDescriptor* request_field = nullptr;   // the record or the id
    const google::protobuf::FieldDescriptor* response_field = nullptr;  // the record(s)
    // Write: `replayed`; List: `next_page_token`.
    const google::protobuf::FieldDescriptor* response_extra = nullptr;
  };

  // Every method of `service` that has one of the shapes above.
  explicit RecordRpcTable(const google::protobuf::ServiceDescriptor& service);

  // By full path, "/unggul.node.v1.UptNode/RecordBatch"; nullptr when the method is not here.
  const Method* Find(absl::string_view path) const;
  // Whether the method with this index in the service is served from the table.
  bool Serves(const google::protobuf::MethodDescriptor& method) const;
  int size() const { return static_cast<int>(methods_.size()); }

  // Runs one call: `request` must be of the method's request type. Returns the response message,
  // or the core's status.
  static absl::StatusOr<std::unique_ptr<google::protobuf::Message>> Call(
      NodeCore& core, const Method& method, const google::protobuf::Message& request);

 private:
  absl::flat_hash_map<std::string, Method> methods_;
};

}  // namespace unggul::node
