#pragma once

// KanwilSync on gRPC's callback API: one SyncReactor per node stream. Reactions never block:
// each received message is handled on the Executor (RocksDB work), whose task sends the replies
// and only then starts the next read. At most one read and one write in flight per stream;
// writes queue in an outbox; Finish exactly once, after the outbox drains. `core` and
// `executor` must outlive the service and every stream (main drains the server first).

#include "common/executor/executor.h"
#include "common/tls/tls.h"
#include "services/aggregator/core/publication_hub.h"
#include "services/aggregator/core/sync_core.h"
#include "unggul/sync/v1/sync.grpc.pb.h"

namespace unggul::aggregator {

// Who may open a sync stream. With `require_identity` (mutual TLS) the peer's certificate must
// name a UPT node of `kanwil` whose serial is not in `revoked`; that UPT is the only one its Hello
// may name. Without it (--insecure) the Hello's UPT code is taken on trust.
struct SyncAdmission {
  bool require_identity = false;
  std::string kanwil;
  tls::RevocationList* revoked = nullptr;
};

class KanwilSyncServiceImpl final : public sync::v1::KanwilSync::CallbackService {
 public:
  // `hub` (optional) pushes designation publications down every streaming node's stream.
  KanwilSyncServiceImpl(SyncCore& core, Executor& executor, PublicationHub* hub = nullptr,
                        SyncAdmission admission = SyncAdmission())
      : core_(core), executor_(executor), hub_(hub), admission_(std::move(admission)) {}

  grpc::ServerBidiReactor<sync::v1::NodeMessage, sync::v1::AggregatorMessage>* Sync(
      grpc::CallbackServerContext* context) override;

 private:
  SyncCore& core_;
  Executor& executor_;
  PublicationHub* hub_;
  const SyncAdmission admission_;
};

}  // namespace unggul::aggregator
