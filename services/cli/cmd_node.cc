// unggulctl commands about the node itself: info, sync wait and the designations it received.

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/cli/cli_common.h"
#include "services/cli/commands.h"

namespace unggul::cli {

namespace v1 = ::unggul::node::v1;

void RegisterInfoCommand(CLI::App& app, CliContext& ctx) {
  ctx.OnRun(app.add_subcommand("info", "Node identity, changelog position and record counts"),
            [&ctx]() -> absl::Status {
              UNGGUL_ASSIGN_OR_RETURN(v1::NodeInfo info, ctx.Node()->GetNodeInfo());
              std::cout << (ctx.json() ? ToJson(info) + "\n" : RenderNodeInfo(info));
              return absl::OkStatus();
            });
}

namespace {

struct SyncWaitFlags {
  uint64_t seq = 0;
  double seconds = 60;
  uint64_t designation_revision = 0;
};

}  // namespace

void RegisterSyncCommands(CLI::App& app, CliContext& ctx) {
  CLI::App* sync_cmd = app.add_subcommand("sync", "Replication of this node to the Kanwil");
  sync_cmd->require_subcommand(1);
  auto f = std::make_shared<SyncWaitFlags>();
  CLI::App* wait = sync_cmd->add_subcommand(
      "wait", "Block until the Kanwil acknowledged every change (or --seq N); exit 1 on timeout");
  wait->add_option("--seq", f->seq, "Changelog seq to wait for (default: the node's last)");
  wait->add_option("--wait", f->seconds, "Seconds to wait")->capture_default_str();
  wait->add_option("--designation-revision", f->designation_revision,
                   "Also wait for this designation publication revision");
  ctx.OnRun(wait, [&ctx, f]() -> absl::Status {
    std::unique_ptr<NodeClient> node = ctx.Node();
    absl::StatusOr<v1::NodeInfo> info =
        node->WaitForSync(f->seq, absl::Seconds(f->seconds), f->designation_revision);
    if (absl::IsDeadlineExceeded(info.status())) {
      // Say how far behind it still is (a fresh, short call).
      absl::StatusOr<v1::NodeInfo> now = node->GetNodeInfo();
      if (!now.ok()) return info.status();
      const v1::SyncStatus& s = now->sync();
      return absl::DeadlineExceededError(absl::StrCat(
          "not acknowledged within ", f->seconds, "s: the Kanwil acknowledged seq ", s.acked_seq(),
          " of ", f->seq > 0 ? f->seq : now->last_seq(), " (",
          (f->seq > 0 ? f->seq : now->last_seq()) -
              std::min<uint64_t>(s.acked_seq(), f->seq > 0 ? f->seq : now->last_seq()),
          " behind); sync ",
          s.aggregator_addr().empty() ? "is off (no --aggregator_addr)"
          : s.connected()             ? "is connected"
                                      : "is not connected",
          s.last_error().empty() ? "" : absl::StrCat(", last error: ", s.last_error())));
    }
    if (!info.ok()) return info.status();
    std::cout << (ctx.json() ? ToJson(*info) + "\n" : RenderNodeInfo(*info));
    return absl::OkStatus();
  });
}

void RegisterNodeDesignationsCommand(CLI::App& app, CliContext& ctx) {
  auto own_only = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "designations", "Produk unggulan designations this node received from the Kanwil");
  cmd->add_flag("--own", *own_only, "Only this UPT's products");
  ctx.OnRun(cmd, [&ctx, own_only]() -> absl::Status {
    v1::ListDesignationsRequest req;
    req.set_own_products_only(*own_only);
    UNGGUL_ASSIGN_OR_RETURN(v1::ListDesignationsResponse r, ctx.Node()->ListDesignations(req));
    std::cout << (ctx.json() ? ToJson(r) + "\n" : RenderNotices(r));
    return absl::OkStatus();
  });
}

}  // namespace unggul::cli
