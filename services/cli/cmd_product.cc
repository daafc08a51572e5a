// unggulctl product: create, update, get, list and retire the products of this UPT (the
// product-specific RPCs of the node API).

#include <cstdint>
#include <iostream>
#include <memory>
#include <string>

#include "common/records/records.h"
#include "services/cli/cli_common.h"
#include "services/cli/commands.h"
#include "services/cli/record_csv.h"

namespace unggul::cli {
namespace {

namespace v1 = ::unggul::node::v1;

struct UpdateFlags {
  WriteFlags write;
  int64_t expected_version = 0;
};

struct ProductListFlags {
  std::string category;
  std::string status;
  ListFlags list;
};

struct RetireFlags {
  std::string product_id;
  std::string reason;
  std::string request_id;
};

void AddCreate(CLI::App* product, CliContext& ctx) {
  auto f = std::make_shared<WriteFlags>();
  CLI::App* cmd = product->add_subcommand("create", "Register a product");
  f->Add(cmd, "product");
  ctx.OnRun(cmd, [&ctx, f]() -> absl::Status {
    v1::CreateProductRequest req;
    UNGGUL_RETURN_IF_ERROR(ParseRecordJson(f->json, f->file, req.mutable_product()));
    req.set_request_id(f->request_id);
    UNGGUL_ASSIGN_OR_RETURN(v1::ProductResponse r, ctx.Node()->CreateProduct(req));
    PrintRecord(ctx, r, r.product(), r.replayed(), true);
    return absl::OkStatus();
  });
}

void AddUpdate(CLI::App* product, CliContext& ctx) {
  auto f = std::make_shared<UpdateFlags>();
  CLI::App* cmd = product->add_subcommand("update", "Replace a product's fields and SKUs");
  f->write.Add(cmd, "product");
  cmd->add_option("--expected-version", f->expected_version,
                  "Apply only if the stored version is this (else ABORTED)");
  ctx.OnRun(cmd, [&ctx, f]() -> absl::Status {
    v1::UpdateProductRequest req;
    UNGGUL_RETURN_IF_ERROR(ParseRecordJson(f->write.json, f->write.file, req.mutable_product()));
    req.set_request_id(f->write.request_id);
    req.set_expected_version(f->expected_version);
    UNGGUL_ASSIGN_OR_RETURN(v1::ProductResponse r, ctx.Node()->UpdateProduct(req));
    PrintRecord(ctx, r, r.product(), r.replayed(), true);
    return absl::OkStatus();
  });
}

void AddGet(CLI::App* product, CliContext& ctx) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = product->add_subcommand("get", "Show one product");
  cmd->add_option("product_id", *id, "Product id")->required();
  ctx.OnRun(cmd, [&ctx, id]() -> absl::Status {
    v1::GetProductRequest req;
    req.set_product_id(*id);
    UNGGUL_ASSIGN_OR_RETURN(v1::ProductResponse r, ctx.Node()->GetProduct(req));
    PrintRecord(ctx, r, r.product(), false, false);
    return absl::OkStatus();
  });
}

void AddList(CLI::App* product, CliContext& ctx) {
  auto f = std::make_shared<ProductListFlags>();
  CLI::App* cmd = product->add_subcommand("list", "List products");
  cmd->add_option("--category", f->category, "Only this category, e.g. PANGAN_OLAHAN");
  cmd->add_option("--status", f->status, "Only this status: ACTIVE, PAUSED, DISCONTINUED");
  f->list.Add(cmd, false);
  ctx.OnRun(cmd, [&ctx, f]() -> absl::Status {
    v1::ListProductsRequest req;
    UNGGUL_ASSIGN_OR_RETURN(int cat,
                            ParseEnumName(v1::Category_descriptor(), f->category, "--category"));
    UNGGUL_ASSIGN_OR_RETURN(int st,
                            ParseEnumName(v1::ProductStatus_descriptor(), f->status, "--status"));
    req.set_category(static_cast<v1::Category>(cat));
    req.set_status(static_cast<v1::ProductStatus>(st));
    req.set_page_size(f->list.page_size);
    req.set_page_token(f->list.page_token);
    auto c = ctx.Node();
    UNGGUL_ASSIGN_OR_RETURN(
        v1::ListProductsResponse r,
        FetchPages<v1::ListProductsResponse>(
            req, f->list.all, [&](const v1::ListProductsRequest& q) { return c->ListProducts(q); },
            [](v1::ListProductsResponse& x) { return x.mutable_products(); }));
    PrintList(ctx, r, r.products(), *FindRecordKind(static_cast<int>(RecordKind::kProduct)));
    return absl::OkStatus();
  });
}

void AddRetire(CLI::App* product, CliContext& ctx) {
  auto f = std::make_shared<RetireFlags>();
  CLI::App* cmd = product->add_subcommand("retire", "Discontinue a product (terminal)");
  cmd->add_option("product_id", f->product_id, "Product id")->required();
  cmd->add_option("--reason", f->reason, "Why it is retired")->required();
  cmd->add_option("--request-id", f->request_id, "Idempotency key");
  ctx.OnRun(cmd, [&ctx, f]() -> absl::Status {
    v1::RetireProductRequest req;
    req.set_product_id(f->product_id);
    req.set_reason(f->reason);
    req.set_request_id(f->request_id);
    UNGGUL_ASSIGN_OR_RETURN(v1::ProductResponse r, ctx.Node()->RetireProduct(req));
    PrintRecord(ctx, r, r.product(), r.replayed(), true);
    return absl::OkStatus();
  });
}

}  // namespace

void RegisterProductCommands(CLI::App& app, CliContext& ctx) {
  CLI::App* product = app.add_subcommand("product", "Products of this UPT");
  product->require_subcommand(1);
  AddCreate(product, ctx);
  AddUpdate(product, ctx);
  AddGet(product, ctx);
  AddList(product, ctx);
  AddRetire(product, ctx);
}

}  // namespace unggul::cli
