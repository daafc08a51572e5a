// unggulctl kanwil: the Kanwil dashboard API (give the aggregator's address with --addr). The
// replica views live here (upts, products, product, digest); the ranking, incident and
// designation commands in cmd_kanwil_*.cc.

#include "services/cli/cmd_kanwil.h"

#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_format.h"
#include "common/records/records.h"
#include "common/time/clock.h"
#include "services/cli/cli_common.h"
#include "services/cli/commands.h"
#include "services/cli/record_csv.h"

namespace unggul::cli {
namespace {

namespace v1 = ::unggul::node::v1;

struct ProductsFlags {
  std::string upt;
  std::string category;
  ListFlags list;
};

void AddUpts(CLI::App* kanwil, CliContext& ctx) {
  auto silent_days = std::make_shared<int>(3);
  CLI::App* upts =
      kanwil->add_subcommand("upts", "Every registered UPT with sync state, lag and digest");
  upts->add_option("--silent-days", *silent_days,
                   "Flag UPTs not connected and not heard from for more than this many days")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  ctx.OnRun(upts, [&ctx, silent_days]() -> absl::Status {
    UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::ListUptsResponse r, ctx.Kanwil()->ListUpts());
    std::cout << (ctx.json() ? ToJson(r) + "\n" : RenderUpts(r, RealClock().Now(), *silent_days));
    return absl::OkStatus();
  });
}

void AddProducts(CLI::App* kanwil, CliContext& ctx) {
  auto f = std::make_shared<ProductsFlags>();
  CLI::App* cmd = kanwil->add_subcommand("products", "Replicated products");
  cmd->add_option("--upt", f->upt, "Only this UPT");
  cmd->add_option("--category", f->category, "Only this category");
  f->list.Add(cmd, false);
  ctx.OnRun(cmd, [&ctx, f]() -> absl::Status {
    kanwil::v1::ListProductsRequest req;
    req.set_upt_code(f->upt);
    UNGGUL_ASSIGN_OR_RETURN(int cat,
                            ParseEnumName(v1::Category_descriptor(), f->category, "--category"));
    req.set_category(static_cast<v1::Category>(cat));
    req.set_page_size(f->list.page_size);
    req.set_page_token(f->list.page_token);
    auto c = ctx.Kanwil();
    UNGGUL_ASSIGN_OR_RETURN(
        kanwil::v1::ListProductsResponse r,
        FetchPages<kanwil::v1::ListProductsResponse>(
            req, f->list.all,
            [&](const kanwil::v1::ListProductsRequest& q) { return c->ListProducts(q); },
            [](kanwil::v1::ListProductsResponse& x) { return x.mutable_products(); }));
    PrintList(ctx, r, r.products(), *FindRecordKind(static_cast<int>(RecordKind::kProduct)));
    return absl::OkStatus();
  });
}

void AddProduct(CLI::App* kanwil, CliContext& ctx) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = kanwil->add_subcommand("product", "One product with its monthly rollups");
  cmd->add_option("product_id", *id, "Product id")->required();
  ctx.OnRun(cmd, [&ctx, id]() -> absl::Status {
    UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::GetProductResponse r, ctx.Kanwil()->GetProduct(*id));
    std::cout << (ctx.json() ? ToJson(r) + "\n" : RenderKanwilProduct(r));
    return absl::OkStatus();
  });
}

void AddDigest(CLI::App* kanwil, CliContext& ctx) {
  auto upt = std::make_shared<std::string>();
  CLI::App* cmd = kanwil->add_subcommand("digest", "Digest of a UPT's replica");
  cmd->add_option("upt_code", *upt, "UPT code")->required();
  ctx.OnRun(cmd, [&ctx, upt]() -> absl::Status {
    UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::UptDigest r, ctx.Kanwil()->GetUptDigest(*upt));
    std::cout << (ctx.json() ? ToJson(r) + "\n"
                             : absl::StrFormat("%s hwm=%d digest=%s\n", r.upt_code(), r.hwm(),
                                               DigestString(r.digest())));
    return absl::OkStatus();
  });
}

}  // namespace

void RegisterKanwilCommands(CLI::App& app, CliContext& ctx) {
  CLI::App* kanwil = app.add_subcommand(
      "kanwil", "Kanwil dashboard API (give the aggregator's address with --addr)");
  kanwil->require_subcommand(1);
  AddUpts(kanwil, ctx);
  AddProducts(kanwil, ctx);
  AddProduct(kanwil, ctx);
  AddDigest(kanwil, ctx);
  AddKanwilRankingCommands(kanwil, ctx);
  AddKanwilIncidentCommands(kanwil, ctx);
  AddKanwilDesignationCommands(kanwil, ctx);
}

}  // namespace unggul::cli
