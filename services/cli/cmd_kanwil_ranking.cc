// unggulctl kanwil ranking, score, map, assess and verify-labour: the SPUP ranking of a period
// and the inputs it takes from Kanwil staff (panel scores, labour report verification, gate G5).

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/cli/cmd_kanwil.h"
#include "services/cli/output.h"
#include "services/cli/record_csv.h"

namespace unggul::cli {

namespace v1 = ::unggul::node::v1;

void RankFlags::Add(CLI::App* cmd) {
  cmd->add_option("--from", from, "First month YYYY-MM (default: last 12 complete months)");
  cmd->add_option("--to", to, "Last month YYYY-MM");
  cmd->add_option("--upt", upt, "Cohort: only this UPT");
  cmd->add_option("--category", category, "Cohort: only this category");
}

absl::StatusOr<kanwil::v1::GetRankingRequest> RankFlags::Request() const {
  kanwil::v1::GetRankingRequest req;
  req.set_start_month(from);
  req.set_end_month(to);
  req.set_upt_code(upt);
  UNGGUL_ASSIGN_OR_RETURN(int cat,
                          ParseEnumName(v1::Category_descriptor(), category, "--category"));
  req.set_category(static_cast<v1::Category>(cat));
  for (const std::string& w : weights) {
    const size_t eq = w.find('=');
    double value = 0;
    if (eq == std::string::npos || !absl::SimpleAtod(w.substr(eq + 1), &value)) {
      return absl::InvalidArgumentError(absl::StrCat("--weight: must be CODE=VALUE, got ", w));
    }
    (*req.mutable_weight_overrides())[w.substr(0, eq)] = value;
  }
  return req;
}

namespace {

struct RankingFlags {
  RankFlags rank;
  int limit = 50;
  bool full = false;
};

struct ScoreFlags {
  std::string product_id;
  RankFlags rank;
};

struct AssessFlags {
  std::string product_id;
  std::string indicator;
  std::string assessor;
  int score = 0;
  bool conflict_of_interest = false;
  bool external = false;
  RankFlags rank;
};

struct VerifyFlags {
  std::string upt;
  std::string by;
  std::string from;
  std::string to;
};

void AddRanking(CLI::App* kanwil, CliContext& ctx) {
  auto f = std::make_shared<RankingFlags>();
  CLI::App* cmd = kanwil->add_subcommand("ranking", "SPUP ranking table with sensitivity");
  f->rank.Add(cmd);
  cmd->add_option("--weight", f->rank.weights, "What-if weight CODE=VALUE (repeatable)");
  cmd->add_option("--limit", f->limit, "Products to show in rank order (0 = all)")
      ->default_val(50)
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--full", f->full,
                "With -o json: every indicator, gate and floor (default: summary view; the table "
                "shows why each product is not ranked either way; `kanwil score` breaks one "
                "product down)");
  ctx.OnRun(cmd, [&ctx, f]() -> absl::Status {
    if (f->full && !ctx.json()) {
      return absl::InvalidArgumentError(
          "--full: only with -o json (the table already shows why each product is not ranked; "
          "`kanwil score PRODUCT` breaks one product down)");
    }
    UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::GetRankingRequest req, f->rank.Request());
    req.set_view(f->full ? kanwil::v1::RANKING_VIEW_FULL : kanwil::v1::RANKING_VIEW_SUMMARY);
    // Pages of one snapshot, merged into the first response, over one connection.
    auto client = ctx.Kanwil();
    kanwil::v1::Ranking merged;
    do {
      // Pages of at most 100: every server takes them (--max_page_size is 100..1000).
      const int left = f->limit == 0 ? 100 : f->limit - merged.products_size();
      req.set_page_size(std::min(100, left));
      UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::Ranking page, client->GetRanking(req));
      if (req.page_token().empty()) {
        merged = page;
      } else {
        merged.mutable_products()->MergeFrom(page.products());
        merged.mutable_close_calls()->MergeFrom(page.close_calls());
        for (int q = 0; q < merged.sensitivity_size() && q < page.sensitivity_size(); ++q) {
          merged.mutable_sensitivity(q)->mutable_products()->MergeFrom(
              page.sensitivity(q).products());
        }
      }
      req.set_page_token(page.next_page_token());
      merged.set_next_page_token(page.next_page_token());
    } while (!req.page_token().empty() && (f->limit == 0 || merged.products_size() < f->limit));
    std::cout << (ctx.json() ? ToJson(merged) + "\n" : RenderRanking(merged));
    return absl::OkStatus();
  });
}

void AddScore(CLI::App* kanwil, CliContext& ctx) {
  auto f = std::make_shared<ScoreFlags>();
  CLI::App* cmd = kanwil->add_subcommand("score", "One product's full SPUP breakdown");
  cmd->add_option("product_id", f->product_id, "Product id")->required();
  f->rank.Add(cmd);
  ctx.OnRun(cmd, [&ctx, f]() -> absl::Status {
    kanwil::v1::GetProductScoreRequest req;
    req.set_product_id(f->product_id);
    req.set_start_month(f->rank.from);
    req.set_end_month(f->rank.to);
    UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::ProductScore r, ctx.Kanwil()->GetProductScore(req));
    std::cout << (ctx.json() ? ToJson(r) + "\n" : RenderProductScore(r));
    return absl::OkStatus();
  });
}

void AddMap(CLI::App* kanwil, CliContext& ctx) {
  auto f = std::make_shared<RankFlags>();
  CLI::App* cmd = kanwil->add_subcommand("map", "Pemetaan: products by category x UPT");
  f->Add(cmd);
  ctx.OnRun(cmd, [&ctx, f]() -> absl::Status {
    UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::GetRankingRequest req, f->Request());
    UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::ProductMap r, ctx.Kanwil()->GetProductMap(req));
    std::cout << (ctx.json() ? ToJson(r) + "\n" : RenderProductMap(r));
    return absl::OkStatus();
  });
}

void AddAssess(CLI::App* kanwil, CliContext& ctx) {
  auto f = std::make_shared<AssessFlags>();
  CLI::App* cmd = kanwil->add_subcommand(
      "assess", "Record an assessor's panel score (rubric 0..4) for C3, C4, D2 or D4");
  cmd->add_option("product_id", f->product_id, "Product id")->required();
  cmd->add_option("--indicator", f->indicator, "C3, C4, D2 or D4")->required();
  cmd->add_option("--assessor", f->assessor, "Assessor id")->required();
  cmd->add_option("--score", f->score, "0..4")->required();
  cmd->add_flag("--conflict-of-interest", f->conflict_of_interest, "Declared conflict (excluded)");
  cmd->add_flag("--external", f->external, "External assessor");
  f->rank.Add(cmd);
  ctx.OnRun(cmd, [&ctx, f]() -> absl::Status {
    kanwil::v1::Assessment assessment;
    assessment.set_product_id(f->product_id);
    assessment.set_indicator(f->indicator);
    assessment.set_assessor_id(f->assessor);
    assessment.set_score(f->score);
    assessment.set_conflict_of_interest(f->conflict_of_interest);
    assessment.set_external(f->external);
    assessment.set_start_month(f->rank.from);
    assessment.set_end_month(f->rank.to);
    UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::Assessment r, ctx.Kanwil()->SubmitAssessment(assessment));
    std::cout << (ctx.json() ? ToJson(r) + "\n" : RenderDetail(r));
    return absl::OkStatus();
  });
}

void AddVerifyLabour(CLI::App* kanwil, CliContext& ctx) {
  auto f = std::make_shared<VerifyFlags>();
  CLI::App* cmd = kanwil->add_subcommand(
      "verify-labour", "Verify a UPT's monthly labour reports of a period (gate G5)");
  cmd->add_option("--upt", f->upt, "UPT code")->required();
  cmd->add_option("--by", f->by, "Verifying Kanwil staff user")->required();
  cmd->add_option("--from", f->from, "First month YYYY-MM (default: last 12 months)");
  cmd->add_option("--to", f->to, "Last month YYYY-MM");
  ctx.OnRun(cmd, [&ctx, f]() -> absl::Status {
    kanwil::v1::VerifyMonthlyReportsRequest req;
    req.set_upt_code(f->upt);
    req.set_start_month(f->from);
    req.set_end_month(f->to);
    req.set_verified_by(f->by);
    UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::VerifyMonthlyReportsResponse r,
                            ctx.Kanwil()->VerifyMonthlyReports(req));
    std::cout << (ctx.json() ? ToJson(r) + "\n"
                             : absl::StrCat(f->upt, ": ", r.product_months_verified(),
                                            " product-month report(s) verified\n"));
    return absl::OkStatus();
  });
}

}  // namespace

void AddKanwilRankingCommands(CLI::App* kanwil, CliContext& ctx) {
  AddRanking(kanwil, ctx);
  AddScore(kanwil, ctx);
  AddMap(kanwil, ctx);
  AddAssess(kanwil, ctx);
  AddVerifyLabour(kanwil, ctx);
}

}  // namespace unggul::cli
