// Tests of the fixture spec loader (fixture_spec.h): the embedded sumsel.json parses to the
// expected UPTs and products, and malformed specs are refused with the JSON path named.

#include "services/cli/fixture_spec.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace unggul::cli {
namespace {

using ::testing::HasSubstr;

TEST(FixtureSpecTest, EmbeddedSpecParses) {
  const absl::StatusOr<std::vector<UptSpec>> specs = ParseFixtureSpecs(EmbeddedSumselSpecJson());
  ASSERT_TRUE(specs.ok()) << specs.status();
  ASSERT_EQ(specs->size(), 10u);
  size_t products = 0, certs = 0, trainings = 0;
  for (const UptSpec& u : *specs) {
    products += u.products.size();
    certs += u.certs.size();
    trainings += u.trainings.size();
  }
  EXPECT_EQ(products, 16u);
  EXPECT_EQ(certs, 11u);
  EXPECT_EQ(trainings, 24u);

  const UptSpec& lahat = specs->front();
  EXPECT_EQ(lahat.upt_code, "SMS-LP-LAHAT");
  EXPECT_EQ(lahat.staff_code, "LHT");
  ASSERT_EQ(lahat.products.size(), 1u);
  const ProductSpec& gsjm = lahat.products[0];
  EXPECT_EQ(gsjm.suffix, "GSJM");
  ASSERT_EQ(gsjm.skus.size(), 2u);
  EXPECT_EQ(gsjm.skus[1].code, "GSJM500");
  EXPECT_EQ(gsjm.skus[1].price_idr, 55000);
  EXPECT_EQ(gsjm.model, ProductModel::kMonthly);
  EXPECT_EQ(gsjm.duration_min, 1);  // omitted: the struct default
  EXPECT_EQ(gsjm.duration_max, 2);
  ASSERT_EQ(gsjm.channels.size(), 5u);  // the "retail_food" preset
  EXPECT_EQ(gsjm.channels[0].channel, "VISITOR_COUNTER");
  EXPECT_EQ(gsjm.channels[0].weight, 35);
  EXPECT_EQ(specs->back().upt_code, "SMS-LP-SURULANGUN");
  EXPECT_EQ(specs->back().products.back().model, ProductModel::kService);
}

// A one-UPT spec whose first product has two SKUs; `sku1` is the second SKU's tail.
std::string Spec(const std::string& sku1, const std::string& product_tail = "",
                 const std::string& top_tail = "") {
  return absl::StrCat(R"({
    "channel_presets": {"p": [{"channel": "STAFF_ODOPP", "weight": 1, "size_pct": 100}]},
    "upts": [{
      "upt_code": "SMS-LP-LAHAT", "staff_code": "LHT",
      "products": [{
        "suffix": "GSJM", "channels": "p",
        "skus": [
          {"code": "A", "net_content": "1", "net_unit": "g", "packaging": "PLASTIC",
           "price_idr": 1, "item_milli": 1, "weight": 1},
          {"code": "B", "net_content": "1", "net_unit": "g", "packaging": "PLASTIC",
           "item_milli": 1, "weight": 1)",
                      sku1, "}]", product_tail, R"(}],
      "certs": [], "trainings": []
    }])",
                      top_tail, "}");
}

TEST(FixtureSpecTest, MinimalSpecParses) {
  const absl::StatusOr<std::vector<UptSpec>> specs = ParseFixtureSpecs(Spec(R"(, "price_idr": 7)"));
  ASSERT_TRUE(specs.ok()) << specs.status();
  ASSERT_EQ(specs->size(), 1u);
  EXPECT_EQ((*specs)[0].products[0].skus[1].price_idr, 7);
  EXPECT_EQ((*specs)[0].products[0].batch_unit, "pcs");
  EXPECT_EQ((*specs)[0].products[0].channels.size(), 1u);
}

void ExpectRefused(const std::string& json, const std::string& message) {
  const absl::StatusOr<std::vector<UptSpec>> specs = ParseFixtureSpecs(json);
  ASSERT_FALSE(specs.ok());
  EXPECT_EQ(specs.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(specs.status().message()), HasSubstr(message));
}

TEST(FixtureSpecTest, WrongTypeNamesThePath) {
  ExpectRefused(Spec(R"(, "price_idr": "55000")"),
                R"(SMS-LP-LAHAT.products[0].skus[1].price_idr: must be an integer, got "55000")");
  ExpectRefused(Spec(R"(, "price_idr": 1.5)"),
                "SMS-LP-LAHAT.products[0].skus[1].price_idr: must be an integer, got 1.5");
  ExpectRefused(Spec(R"(, "price_idr": 1)", R"(, "exhibits": "yes")"),
                R"(SMS-LP-LAHAT.products[0].exhibits: must be true or false, got "yes")");
  ExpectRefused(Spec(R"(, "price_idr": 1)", R"(, "staff_no": 3000000000)"),
                "SMS-LP-LAHAT.products[0].staff_no: must be an integer in");
  ExpectRefused(Spec(R"(, "price_idr": 1)", R"(, "inputs": {})"),
                "SMS-LP-LAHAT.products[0].inputs: must be a list, got an object");
}

TEST(FixtureSpecTest, UnknownKeyNamesThePath) {
  ExpectRefused(Spec(R"(, "price_idr": 1, "colour": "red")"),
                R"(SMS-LP-LAHAT.products[0].skus[1].colour: unknown key)");
  ExpectRefused(Spec(R"(, "price_idr": 1)", R"(, "batch_units": "kg")"),
                "SMS-LP-LAHAT.products[0].batch_units: unknown key");
  ExpectRefused(Spec(R"(, "price_idr": 1)", "", R"(, "version": 2)"), "version: unknown key");
}

TEST(FixtureSpecTest, MissingKeyAndBadValuesAreRefused) {
  ExpectRefused(Spec(""), "SMS-LP-LAHAT.products[0].skus[1].price_idr: is required");
  ExpectRefused(
      Spec(R"(, "price_idr": 1)", R"(, "model": "weekly")"),
      R"(SMS-LP-LAHAT.products[0].model: must be monthly, cycle or service, got "weekly")");
  std::string json = Spec(R"(, "price_idr": 1)");
  json.replace(json.find(R"("channels": "p")"), 15, R"("channels": "q")");
  ExpectRefused(json, R"(SMS-LP-LAHAT.products[0].channels: must name one of channel_presets)");
  ExpectRefused("{\"upts\": [", "fixture spec: must be valid JSON");
  ExpectRefused("[]", "fixture spec: must be an object, got a list");
  ExpectRefused(R"({"upts": [7]})", "upts[0]: must be an object, got 7");
}

}  // namespace
}  // namespace unggul::cli
