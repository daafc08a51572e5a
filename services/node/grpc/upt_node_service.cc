#include "services/node/grpc/upt_node_service.h"

#include <atomic>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/records/kinds.h"
#include "common/status/echo.h"
#include "common/status/grpc_status.h"
#include "common/time/clock.h"
#include "common/tls/tls.h"

namespace unggul::node {
namespace {

// Moves a StatusOr's value into the response via `set`, or returns its status.
template <typename T, typename Set>
grpc::Status Reply(absl::StatusOr<T> result, Set set) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  set(*std::move(result));
  return grpc::Status::OK;
}

absl::StatusOr<const RecordKindInfo*> KindByPlural(absl::string_view plural) {
  if (const RecordKindInfo* kind = FindRecordKindByPlural(plural); kind != nullptr) return kind;
  std::string known;
  for (const RecordKindInfo& kind : RecordKinds()) {
    absl::StrAppend(&known, known.empty() ? "" : ", ", kind.plural);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("kind: must be one of ", known, ", got \"", Echo(plural), "\""));
}

}  // namespace

// Serves the RecordRpcTable's methods: one unary call per reactor, the core call on the
// executor.
class UptNodeServiceImpl::TableService final : public grpc::CallbackGenericService {
 public:
  TableService(NodeCore& core, const RecordRpcTable& table, Executor& executor)
      : core_(core), table_(table), executor_(executor) {}

  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override {
    return new Call(*this, table_.Find(ctx->method()), ctx->method());
  }

 private:
  class Call final : public grpc::ServerGenericBidiReactor {
   public:
    Call(TableService& service, const RecordRpcTable::Method* method, const std::string& path)
        : service_(service), method_(method) {
      if (method_ == nullptr) {
        Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                            absl::StrCat("unknown method ", Echo(path))));
        return;
      }
      StartRead(&request_);
    }

    void OnReadDone(bool ok) override {
      if (!ok) {
        Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "request: missing"));
        return;
      }
      service_.executor_.Schedule([this] { Run(); });
    }

    void OnDone() override { delete this; }

   private:
    void Run() {
      std::unique_ptr<google::protobuf::Message> request(method_->request_prototype->New());
      std::vector<grpc::Slice> slices;
      std::string bytes;
      if (request_.Dump(&slices).ok()) {
        for (const grpc::Slice& slice : slices) {
          bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
        }
      }
      if (!request->ParseFromString(bytes)) {
        Finish(grpc::Status(
            grpc::StatusCode::INVALID_ARGUMENT,
            absl::StrCat("request: not a valid ", request->GetDescriptor()->full_name())));
        return;
      }
      absl::StatusOr<std::unique_ptr<google::protobuf::Message>> response =
          RecordRpcTable::Call(service_.core_, *method_, *request);
      if (!response.ok()) {
        Finish(ToGrpcStatus(response.status()));
        return;
      }
      const std::string out = (*response)->SerializeAsString();
      grpc::Slice slice(out);
      response_ = grpc::ByteBuffer(&slice, 1);
      StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
    }

    TableService& service_;
    const RecordRpcTable::Method* method_;
    grpc::ByteBuffer request_;
    grpc::ByteBuffer response_;
  };

  NodeCore& core_;
  const RecordRpcTable& table_;
  Executor& executor_;
};

namespace {

const google::protobuf::ServiceDescriptor& UptNodeDescriptor() {
  return *v1::NodeInfo::descriptor()->file()->FindServiceByName("UptNode");
}

}  // namespace

UptNodeServiceImpl::UptNodeServiceImpl(NodeCore& core, Executor& executor)
    : core_(core),
      table_(UptNodeDescriptor()),
      table_service_(std::make_unique<TableService>(core, table_, executor)) {
  const google::protobuf::ServiceDescriptor& service = UptNodeDescriptor();
  for (int i = 0; i < service.method_count(); ++i) {
    if (table_.Serves(*service.method(i))) MarkMethodGeneric(i);
  }
}

UptNodeServiceImpl::~UptNodeServiceImpl() = default;

void UptNodeServiceImpl::Register(grpc::ServerBuilder& builder) {
  builder.RegisterService(this);
  builder.RegisterCallbackGenericService(table_service_.get());
}

grpc::Status UptNodeServiceImpl::GetNodeInfo(grpc::ServerContext*, const v1::GetNodeInfoRequest*,
                                             v1::NodeInfo* response) {
  *response = core_.GetNodeInfo();
  return grpc::Status::OK;
}

namespace {

// Who is waiting, for the per-caller limit: the identity of the client certificate, else the
// host the call came from (not the port: one client may open many connections).
std::string CallerOf(const grpc::CallbackServerContext& context) {
  if (std::optional<tls::Peer> peer = tls::PeerOf(*context.auth_context())) {
    return pki::SpiffeUri(peer->id);
  }
  const std::string address = context.peer();  // e.g. "ipv4:127.0.0.1:50622"
  const size_t colon = address.rfind(':');
  return colon == std::string::npos || colon < 5 ? address : address.substr(0, colon);
}

class WaitForSyncReactor final : public grpc::ServerUnaryReactor {
 public:
  WaitForSyncReactor(NodeCore& core, grpc::CallbackServerContext* context,
                     const v1::WaitForSyncRequest& request, v1::NodeInfo* response)
      : core_(core) {
    // Without a client deadline, wait at most 10 minutes.
    const absl::Duration timeout =
        std::min(absl::FromChrono(context->deadline()) - RealClock().Now(), absl::Minutes(10));
    absl::StatusOr<uint64_t> id = core_.StartWaitForSync(
        request, timeout, CallerOf(*context), [this, response](absl::StatusOr<v1::NodeInfo> info) {
          if (!info.ok()) return Finish(ToGrpcStatus(info.status()));
          *response = *std::move(info);
          Finish(grpc::Status::OK);
        });
    if (!id.ok()) {
      Finish(ToGrpcStatus(id.status()));
      return;
    }
    id_ = *id;
    // A cancel that came before the id was known: OnCancel could not name the wait.
    if (context->IsCancelled()) core_.CancelWait(id_);
  }
  void OnCancel() override {
    if (id_ != 0) core_.CancelWait(id_);  // frees the wait at once (CANCELLED)
  }
  void OnDone() override { delete this; }

 private:
  NodeCore& core_;
  std::atomic<uint64_t> id_{0};
};

}  // namespace

grpc::ServerUnaryReactor* UptNodeServiceImpl::WaitForSync(grpc::CallbackServerContext* context,
                                                          const v1::WaitForSyncRequest* request,
                                                          v1::NodeInfo* response) {
  return new WaitForSyncReactor(core_, context, *request, response);
}

grpc::Status UptNodeServiceImpl::CreateProduct(grpc::ServerContext*,
                                               const v1::CreateProductRequest* request,
                                               v1::ProductResponse* response) {
  return Reply(core_.CreateProduct(*request), [&](Written<v1::Product> w) {
    *response->mutable_product() = std::move(w.value);
    response->set_replayed(w.replayed);
  });
}

grpc::Status UptNodeServiceImpl::UpdateProduct(grpc::ServerContext*,
                                               const v1::UpdateProductRequest* request,
                                               v1::ProductResponse* response) {
  return Reply(core_.UpdateProduct(*request), [&](Written<v1::Product> w) {
    *response->mutable_product() = std::move(w.value);
    response->set_replayed(w.replayed);
  });
}

grpc::Status UptNodeServiceImpl::GetProduct(grpc::ServerContext*,
                                            const v1::GetProductRequest* request,
                                            v1::ProductResponse* response) {
  return Reply(core_.GetProduct(request->product_id()),
               [&](v1::Product p) { *response->mutable_product() = std::move(p); });
}

grpc::Status UptNodeServiceImpl::ListProducts(grpc::ServerContext*,
                                              const v1::ListProductsRequest* request,
                                              v1::ListProductsResponse* response) {
  return Reply(core_.ListProducts(*request),
               [&](v1::ListProductsResponse r) { *response = std::move(r); });
}

grpc::Status UptNodeServiceImpl::RetireProduct(grpc::ServerContext*,
                                               const v1::RetireProductRequest* request,
                                               v1::ProductResponse* response) {
  return Reply(core_.RetireProduct(*request), [&](Written<v1::Product> w) {
    *response->mutable_product() = std::move(w.value);
    response->set_replayed(w.replayed);
  });
}

grpc::Status UptNodeServiceImpl::WriteRecord(grpc::ServerContext*,
                                             const v1::WriteRecordRequest* request,
                                             v1::WriteRecordResponse* response) {
  return Reply(core_.WriteRecord(request->record(), request->request_id()),
               [&](Written<v1::Record> w) {
                 *response->mutable_record() = std::move(w.value);
                 response->set_replayed(w.replayed);
               });
}

grpc::Status UptNodeServiceImpl::GetRecord(grpc::ServerContext*,
                                           const v1::GetRecordRequest* request,
                                           v1::GetRecordResponse* response) {
  absl::StatusOr<const RecordKindInfo*> kind = KindByPlural(request->kind());
  if (!kind.ok()) return ToGrpcStatus(kind.status());
  return Reply(core_.GetRecord(static_cast<RecordKind>((*kind)->number), request->id()),
               [&](v1::Record r) { *response->mutable_record() = std::move(r); });
}

grpc::Status UptNodeServiceImpl::ListRecordsOfKind(grpc::ServerContext*,
                                                   const v1::ListRecordsOfKindRequest* request,
                                                   v1::ListRecordsOfKindResponse* response) {
  absl::StatusOr<const RecordKindInfo*> kind = KindByPlural(request->kind());
  if (!kind.ok()) return ToGrpcStatus(kind.status());
  return Reply(core_.ListRecords(static_cast<RecordKind>((*kind)->number), request->filter()),
               [&](ListPage page) {
                 for (v1::Record& r : page.records) *response->add_records() = std::move(r);
                 response->set_next_page_token(std::move(page.next_page_token));
               });
}

grpc::Status UptNodeServiceImpl::ListDesignations(grpc::ServerContext*,
                                                  const v1::ListDesignationsRequest* request,
                                                  v1::ListDesignationsResponse* response) {
  return Reply(core_.ListDesignations(*request),
               [&](v1::ListDesignationsResponse r) { *response = std::move(r); });
}

}  // namespace unggul::node
