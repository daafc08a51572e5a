#include "common/csv/csv.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"
#include "services/cli/record_csv.h"
#include "unggul/node/v1/records.pb.h"

namespace unggul::cli {
namespace {

const RecordKindInfo& Batches() { return *FindRecordKindByPlural("batches"); }

std::string CsvJoin(const std::vector<std::string>& cells) {
  std::vector<std::string> escaped;
  for (const std::string& c : cells) escaped.push_back(CsvEscape(c));
  return absl::StrJoin(escaped, ",");
}

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::unggul::testing::StatusIs;

TEST(CsvTest, QuotesNewlinesAndLineNumbers) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(
      std::vector<CsvRow> rows,
      ParseCsv("a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\n\n2,\"multi\nline\",z\n3,,\n"));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].line, 1);
  EXPECT_EQ(rows[1].cells, (std::vector<std::string>{"1", "x, y", "say \"hi\""}));
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[2].line, 4);  // blank line 3 skipped
  EXPECT_EQ(rows[2].cells[1], "multi\nline");
  EXPECT_EQ(rows[3].line, 6);
  EXPECT_EQ(rows[3].cells, (std::vector<std::string>{"3", "", ""}));
}

TEST(CsvTest, MalformedQuotingIsAnErrorWithLine) {
  EXPECT_THAT(ParseCsv("a,b\n1,\"open\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 2: unterminated")));
  EXPECT_THAT(ParseCsv("a,b\n1,\"x\"y\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 2")));
}

// Regression (fuzz_csv): a first cell that starts with a byte-order mark keeps it.
TEST(CsvTest, ACellStartingWithAByteOrderMarkRoundTrips) {
  const std::string bom = "\xEF\xBB\xBF";
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::vector<CsvRow> rows, ParseCsv(CsvEscape(bom + "x") + "\n"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].cells, std::vector<std::string>{bom + "x"});
}

TEST(CsvTest, EscapeRoundTrips) {
  const std::string cell = "Kopi \"LAPAGA\", 200 g\nbubuk";
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::vector<CsvRow> rows, ParseCsv(CsvEscape(cell) + ",x\n"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].cells[0], cell);
  EXPECT_EQ(CsvEscape("plain"), "plain");
}

TEST(RecordCsvTest, EnumNamesShortFullAndCaseInsensitive) {
  EXPECT_EQ(*ParseEnumName(node::v1::Unit_descriptor(), "kg", "unit"), node::v1::UNIT_KG);
  EXPECT_EQ(*ParseEnumName(node::v1::Unit_descriptor(), "UNIT_M2", "unit"), node::v1::UNIT_M2);
  EXPECT_EQ(*ParseEnumName(node::v1::Channel_descriptor(), "staff_odopp", "channel"),
            node::v1::CHANNEL_STAFF_ODOPP);
  EXPECT_EQ(*ParseEnumName(node::v1::Unit_descriptor(), "", "unit"), 0);
  EXPECT_THAT(ParseEnumName(node::v1::Unit_descriptor(), "kilo", "unit").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("column unit: unknown value \"kilo\" (one of g, kg,")));
  EXPECT_THAT(ParseEnumName(node::v1::Unit_descriptor(), "UNSPECIFIED", "unit").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(EnumShortName(node::v1::Category_descriptor(), node::v1::CATEGORY_PANGAN_OLAHAN),
            "PANGAN_OLAHAN");
}

TEST(RecordCsvTest, HeaderChecks) {
  CsvRow header{1, {"batch_code", "product_id", "start_date", "qty_produced", "unit", "colour"}};
  EXPECT_THAT(ReadHeader(Batches(), header).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown column \"colour\"")));
  CsvRow missing{1, {"batch_code", "product_id", "start_date", "unit"}};
  EXPECT_THAT(ReadHeader(Batches(), missing).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("missing required column \"qty_produced\"")));
}

TEST(RecordCsvTest, BatchRowWithInputs) {
  CsvRow header{1, {"batch_code", "product_id", "start_date", "qty_produced", "unit", "inputs"}};
  UNGGUL_ASSERT_OK_AND_ASSIGN(ColumnIndex columns, ReadHeader(Batches(), header));
  CsvRow row{2,
             {"SMS-LP-LAHAT-B1", "SMS-LP-LAHAT-GSJM", "2026-10-05", "24.5", "kg",
              "gula aren|LOCAL_FARMER|16.04|22|kg|330000|Kelompok Tani Aren Lahat;"
              "jahe merah|SAE_INTERNAL|16.04|3|kg|0|"}};
  UNGGUL_ASSERT_OK_AND_ASSIGN(node::v1::Record record, RecordFromRow(Batches(), columns, row));
  const node::v1::ProductionBatch& b = record.batch();
  EXPECT_DOUBLE_EQ(b.qty_produced(), 24.5);
  ASSERT_EQ(b.inputs_size(), 2);
  EXPECT_EQ(b.inputs(0).origin_type(), node::v1::ORIGIN_TYPE_LOCAL_FARMER);
  EXPECT_EQ(b.inputs(0).cost_idr(), 330000);
  EXPECT_EQ(b.inputs(0).supplier_ref(), "Kelompok Tani Aren Lahat");
  EXPECT_EQ(b.inputs(1).origin_type(), node::v1::ORIGIN_TYPE_SAE_INTERNAL);
  row.cells[3] = "24,5";
  EXPECT_THAT(RecordFromRow(Batches(), columns, row).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("column qty_produced: must be a number")));
}

TEST(RecordCsvTest, ColumnsComeFromTheMessageWithoutNodeSetFields) {
  EXPECT_THAT(CsvColumns(*FindRecordKindByPlural("labour")),
              ElementsAre("report_id", "product_id", "month", "distinct_inmates_engaged",
                          "inmate_person_days"));
  const std::vector<std::string> batch = CsvColumns(Batches());
  EXPECT_THAT(batch, Not(Contains("recorded_at_unix_ms")));
  EXPECT_THAT(batch, Not(Contains("inmates_small_cell")));
  EXPECT_THAT(batch, Contains("inputs"));
  EXPECT_THAT(CsvColumns(*FindRecordKindByPlural("products")), Not(Contains("version")));
}

TEST(RecordCsvTest, EveryKindRoundTripsThroughItsRow) {
  // A record with every kind of cell: text, decimals, whole numbers, enums, repeated messages.
  node::v1::Record product;
  node::v1::Product* p = product.mutable_product();
  p->set_product_id("SMS-LP-LAHAT-GSJM");
  p->set_name("Gula Semut Jahe Merah, 250 g");  // a comma: quoted by the CSV writer
  p->set_category(node::v1::CATEGORY_PANGAN_OLAHAN);
  node::v1::Sku* sku = p->add_skus();
  sku->set_sku_code("GSJM250");
  sku->set_net_content(250);
  sku->set_net_content_unit(node::v1::UNIT_G);
  sku->set_list_price_idr(30000);
  node::v1::Record batch;
  node::v1::ProductionBatch* b = batch.mutable_batch();
  b->set_batch_code("SMS-LP-LAHAT-GSJM250-261102-01");
  b->set_product_id("SMS-LP-LAHAT-GSJM");
  b->set_start_date("2026-11-02");
  b->set_qty_produced(24.35);
  b->set_unit(node::v1::UNIT_KG);
  b->set_inmates_engaged_count(8);
  node::v1::MaterialInput* in = b->add_inputs();
  in->set_material("jahe merah");
  in->set_origin_type(node::v1::ORIGIN_TYPE_LOCAL_FARMER);
  in->set_qty(0.1);
  in->set_unit(node::v1::UNIT_KG);
  node::v1::Record cert;
  cert.mutable_certification()->set_certification_id("SMS-LP-LAHAT-PIRT-1");
  cert.mutable_certification()->add_scope_skus("GSJM250");
  cert.mutable_certification()->add_scope_skus("GSJM500");
  for (const node::v1::Record& record : {product, batch, cert}) {
    const RecordKindInfo& kind = *KindInfoOf(record);
    const std::vector<std::string> columns = CsvColumns(kind);
    const std::string text = absl::StrCat(CsvJoin(columns), "\n", CsvJoin(RowOfRecord(record)));
    UNGGUL_ASSERT_OK_AND_ASSIGN(std::vector<CsvRow> rows, ParseCsv(text));
    ASSERT_EQ(rows.size(), 2u);
    UNGGUL_ASSERT_OK_AND_ASSIGN(ColumnIndex index, ReadHeader(kind, rows[0]));
    UNGGUL_ASSERT_OK_AND_ASSIGN(node::v1::Record back, RecordFromRow(kind, index, rows[1]));
    EXPECT_EQ(back.DebugString(), record.DebugString()) << kind.plural << ": " << text;
  }
}

}  // namespace
}  // namespace unggul::cli
