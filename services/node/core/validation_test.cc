#include "services/node/core/validation.h"

#include <functional>
#include <string>
#include <vector>

#include "common/records/kinds.h"
#include "common/testing/status_matchers.h"
#include "common/time/dates.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace unggul::node {
namespace {

using ::testing::HasSubstr;
using ::unggul::testing::IsOk;
using ::unggul::testing::StatusIs;

ValidationContext Ctx() {
  ValidationContext ctx;
  ctx.upt_code = "SMS-LP-LAHAT";
  ctx.today = *ParseDate("2026-11-29", "today");
  return ctx;
}

v1::Product GoodProduct() {
  v1::Product p;
  p.set_product_id("SMS-LP-LAHAT-GSJM");
  p.set_name("Gula Semut Jahe Merah");
  p.set_brand("Gula Semut Lahat");
  p.set_category(v1::CATEGORY_PANGAN_OLAHAN);
  p.set_launch_date("2024-08-17");
  v1::Sku* sku = p.add_skus();
  sku->set_sku_code("GSJM250");
  sku->set_net_content(250);
  sku->set_net_content_unit(v1::UNIT_G);
  sku->set_packaging_type(v1::PACKAGING_TYPE_PLASTIC);
  sku->set_list_price_idr(30000);
  return p;
}

v1::ProductionBatch GoodBatch() {
  v1::ProductionBatch b;
  b.set_batch_code("SMS-LP-LAHAT-GSJM250-261102-01");
  b.set_product_id("SMS-LP-LAHAT-GSJM");
  b.set_sku_code("GSJM250");
  b.set_start_date("2026-11-02");
  b.set_end_date("2026-11-04");
  b.set_qty_produced(22.5);
  b.set_qty_rejected(0.5);
  b.set_unit(v1::UNIT_KG);
  b.set_expiry_date("2027-11-02");
  b.set_inmates_engaged_count(8);
  b.set_inmate_person_days(24);
  v1::MaterialInput* in = b.add_inputs();
  in->set_material("gula aren");
  in->set_origin_type(v1::ORIGIN_TYPE_LOCAL_FARMER);
  in->set_origin_regency_code("16.04");
  in->set_qty(20);
  in->set_unit(v1::UNIT_KG);
  in->set_cost_idr(300000);
  return b;
}

v1::Sale GoodSale() {
  v1::Sale s;
  s.set_sale_id("SMS-LP-LAHAT-S-261110-001");
  s.set_product_id("SMS-LP-LAHAT-GSJM");
  s.set_sale_date("2026-11-10");
  s.set_qty(3);
  s.set_unit(v1::UNIT_PCS);
  s.set_unit_price_idr(30000);
  s.set_channel(v1::CHANNEL_VISITOR_COUNTER);
  s.set_buyer_region(v1::BUYER_REGION_SAME_REGENCY);
  return s;
}

v1::Certification GoodCert() {
  v1::Certification c;
  c.set_certification_id("SMS-LP-LAHAT-PIRT-01");
  c.set_product_id("SMS-LP-LAHAT-GSJM");
  c.set_type(v1::CERTIFICATION_TYPE_SPP_IRT);
  c.set_number("2091604010123-29");
  c.set_issuer("Dinas Kesehatan Kabupaten Lahat");
  c.set_issued_date("2024-09-01");
  c.set_valid_until("2029-09-01");
  return c;
}

v1::Training GoodTraining() {
  v1::Training t;
  t.set_training_id("SMS-LP-LAHAT-T-2026-01");
  t.set_program_name("Pengolahan gula semut");
  t.set_provider("BPVP Palembang");
  t.set_start_date("2026-03-02");
  t.set_end_date("2026-03-06");
  t.set_participants_count(12);
  t.set_completed_count(11);
  t.set_certificates_count(10);
  return t;
}

TEST(ValidationTest, GoodRecordsPass) {
  EXPECT_THAT(ValidateProduct(GoodProduct(), Ctx()), IsOk());
  EXPECT_THAT(ValidateBatch(GoodBatch(), Ctx()), IsOk());
  EXPECT_THAT(ValidateSale(GoodSale(), Ctx()), IsOk());
  EXPECT_THAT(ValidateCertification(GoodCert(), Ctx()), IsOk());
  EXPECT_THAT(ValidateTraining(GoodTraining(), Ctx()), IsOk());
}

struct Case {
  const char* name;
  std::function<absl::Status()> run;
  const char* expected;  // substring: the field and the rule
};

class RuleTest : public ::testing::TestWithParam<Case> {};

TEST_P(RuleTest, RejectsWithFieldAndRule) {
  EXPECT_THAT(GetParam().run(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(GetParam().expected)));
}

template <typename T>
std::function<absl::Status()> Product(T mutate) {
  return [mutate] {
    v1::Product p = GoodProduct();
    mutate(p);
    return ValidateProduct(p, Ctx());
  };
}
template <typename T>
std::function<absl::Status()> Batch(T mutate) {
  return [mutate] {
    v1::ProductionBatch b = GoodBatch();
    mutate(b);
    return ValidateBatch(b, Ctx());
  };
}
template <typename T>
std::function<absl::Status()> Sale(T mutate) {
  return [mutate] {
    v1::Sale s = GoodSale();
    mutate(s);
    return ValidateSale(s, Ctx());
  };
}
template <typename T>
std::function<absl::Status()> Cert(T mutate) {
  return [mutate] {
    v1::Certification c = GoodCert();
    mutate(c);
    return ValidateCertification(c, Ctx());
  };
}
v1::CustomerReturn GoodReturn() {
  v1::CustomerReturn r;
  r.set_return_id("SMS-LP-LAHAT-GSJM-RET-0001");
  r.set_product_id("SMS-LP-LAHAT-GSJM");
  r.set_sku_code("GSJM250");
  r.set_return_date("2026-11-20");
  r.set_qty(2);
  r.set_unit(v1::UNIT_PCS);
  r.set_reason(v1::RETURN_REASON_DEFECT);
  r.set_sale_id("SMS-LP-LAHAT-S-0042");
  return r;
}
template <typename T>
std::function<absl::Status()> Return(T mutate) {
  return [mutate] {
    v1::CustomerReturn r = GoodReturn();
    mutate(r);
    return ValidateCustomerReturn(r, Ctx());
  };
}
v1::Settlement GoodSettlement() {
  v1::Settlement s;
  s.set_settlement_id("SMS-LP-LAHAT-GSJM-STL-202607");
  s.set_product_id("SMS-LP-LAHAT-GSJM");
  s.set_period_start("2026-07");
  s.set_period_end("2026-09");
  s.set_gross_sales_idr(27'000'000);
  s.set_cogs_idr(13'000'000);
  s.set_net_profit_idr(14'000'000);
  s.set_premi_total_idr(7'000'000);
  s.set_pnbp_deposited_idr(2'100'000);
  s.set_billing_code("820261004123456");
  s.set_ntpn("0A1B2C3D4E5F6789");
  s.set_capital_retained_idr(4'900'000);
  return s;
}
template <typename T>
std::function<absl::Status()> Settlement(T mutate) {
  return [mutate] {
    v1::Settlement s = GoodSettlement();
    mutate(s);
    return ValidateSettlement(s, Ctx());
  };
}
template <typename T>
std::function<absl::Status()> Training(T mutate) {
  return [mutate] {
    v1::Training t = GoodTraining();
    mutate(t);
    return ValidateTraining(t, Ctx());
  };
}

INSTANTIATE_TEST_SUITE_P(
    Rules, RuleTest,
    ::testing::Values(
        Case{"ProductIdEmpty", Product([](v1::Product& p) { p.clear_product_id(); }),
             "product.product_id: is required"},
        Case{"ProductIdOtherUpt",
             Product([](v1::Product& p) { p.set_product_id("SMS-LP-PAGARALAM-KOPI"); }),
             "product.product_id: must start with this node's UPT code"},
        Case{"ProductIdLowercase",
             Product([](v1::Product& p) { p.set_product_id("SMS-LP-LAHAT-gula"); }),
             "product.product_id: must use only A-Z 0-9 . _ -"},
        Case{"ProductIdTooLong", Product([](v1::Product& p) {
               p.set_product_id("SMS-LP-LAHAT-" + std::string(60, 'A'));
             }),
             "product.product_id: must be at most 64 characters"},
        Case{"ProductUptCode", Product([](v1::Product& p) { p.set_upt_code("SMS-LP-SEKAYU"); }),
             "product.upt_code: must be this node's UPT"},
        Case{"ProductNameMissing", Product([](v1::Product& p) { p.clear_name(); }),
             "product.name: is required"},
        Case{"ProductNameTooLong",
             Product([](v1::Product& p) { p.set_name(std::string(121, 'x')); }),
             "product.name: must be at most 120 characters"},
        Case{"ProductNameControl", Product([](v1::Product& p) { p.set_name("Gula\x01"); }),
             "product.name: must not contain control characters"},
        Case{"ProductCategoryMissing",
             Product([](v1::Product& p) { p.set_category(v1::CATEGORY_UNSPECIFIED); }),
             "product.category: is required"},
        Case{"ProductCategoryUnknown",
             Product([](v1::Product& p) { p.set_category(static_cast<v1::Category>(99)); }),
             "product.category: unknown value 99"},
        Case{"ProductLaunchFuture",
             Product([](v1::Product& p) { p.set_launch_date("2026-12-25"); }),
             "product.launch_date: must not be in the future"},
        Case{"ProductLaunchMalformed",
             Product([](v1::Product& p) { p.set_launch_date("17/08/2024"); }),
             "product.launch_date: must be a date YYYY-MM-DD"},
        Case{"SkuDuplicate", Product([](v1::Product& p) { *p.add_skus() = p.skus(0); }),
             "product.skus[1].sku_code: must be unique"},
        Case{"SkuNetContent",
             Product([](v1::Product& p) { p.mutable_skus(0)->set_net_content(0); }),
             "product.skus[0].net_content: must be > 0"},
        Case{"SkuUnit",
             Product([](v1::Product& p) { p.mutable_skus(0)->clear_net_content_unit(); }),
             "product.skus[0].net_content_unit: is required"},
        Case{"SkuPrice", Product([](v1::Product& p) { p.mutable_skus(0)->set_list_price_idr(-1); }),
             "product.skus[0].list_price_idr: must be >= 0 rupiah"},
        Case{"SkuBarcode", Product([](v1::Product& p) { p.mutable_skus(0)->set_barcode("12345"); }),
             "product.skus[0].barcode: must be 8, 12, 13 or 14 digits"},
        Case{"BatchCodeMissing", Batch([](v1::ProductionBatch& b) { b.clear_batch_code(); }),
             "batch.batch_code: is required"},
        Case{"BatchProductMissing", Batch([](v1::ProductionBatch& b) { b.clear_product_id(); }),
             "batch.product_id: is required"},
        Case{"BatchStartMissing", Batch([](v1::ProductionBatch& b) { b.clear_start_date(); }),
             "batch.start_date: is required"},
        Case{"BatchStartFuture", Batch([](v1::ProductionBatch& b) {
               b.set_start_date("2026-12-01");
               b.clear_end_date();
             }),
             "batch.start_date: must not be in the future"},
        Case{"BatchEndBeforeStart",
             Batch([](v1::ProductionBatch& b) { b.set_end_date("2026-11-01"); }),
             "batch.end_date: must be on or after start_date"},
        Case{"BatchQtyZero", Batch([](v1::ProductionBatch& b) { b.set_qty_produced(0); }),
             "batch.qty_produced: must be > 0"},
        Case{"BatchQtyNaN", Batch([](v1::ProductionBatch& b) { b.set_qty_produced(std::nan("")); }),
             "batch.qty_produced: must be a finite number"},
        Case{"BatchRejectedNegative", Batch([](v1::ProductionBatch& b) { b.set_qty_rejected(-1); }),
             "batch.qty_rejected: must be >= 0"},
        Case{"BatchRejectedAboveProduced",
             Batch([](v1::ProductionBatch& b) { b.set_qty_rejected(30); }),
             "batch.qty_rejected: must be <= qty_produced (30 > 22.5)"},
        Case{"BatchUnitMissing", Batch([](v1::ProductionBatch& b) { b.clear_unit(); }),
             "batch.unit: is required"},
        Case{"BatchUnitUnknown",
             Batch([](v1::ProductionBatch& b) { b.set_unit(static_cast<v1::Unit>(77)); }),
             "batch.unit: unknown value 77"},
        Case{"BatchExpiryBeforeStart",
             Batch([](v1::ProductionBatch& b) { b.set_expiry_date("2026-01-01"); }),
             "batch.expiry_date: must be on or after start_date"},
        Case{"BatchInputMaterial",
             Batch([](v1::ProductionBatch& b) { b.mutable_inputs(0)->clear_material(); }),
             "batch.inputs[0].material: is required"},
        Case{"BatchInputOrigin",
             Batch([](v1::ProductionBatch& b) { b.mutable_inputs(0)->clear_origin_type(); }),
             "batch.inputs[0].origin_type: is required"},
        Case{"BatchInputRegency", Batch([](v1::ProductionBatch& b) {
               b.mutable_inputs(0)->set_origin_regency_code("1604");
             }),
             "batch.inputs[0].origin_regency_code: must be a regency code NN.NN"},
        Case{"BatchInputQty",
             Batch([](v1::ProductionBatch& b) { b.mutable_inputs(0)->set_qty(-2); }),
             "batch.inputs[0].qty: must be > 0"},
        Case{"BatchInputCost",
             Batch([](v1::ProductionBatch& b) { b.mutable_inputs(0)->set_cost_idr(-5); }),
             "batch.inputs[0].cost_idr: must be >= 0 rupiah"},
        Case{"BatchDirectCost", Batch([](v1::ProductionBatch& b) { b.set_direct_cost_idr(-1); }),
             "batch.direct_cost_idr: must be >= 0 rupiah"},
        Case{"BatchInmates", Batch([](v1::ProductionBatch& b) { b.set_inmates_engaged_count(-1); }),
             "batch.inmates_engaged_count: must be 0..10000"},
        Case{"BatchPersonDays", Batch([](v1::ProductionBatch& b) { b.set_inmate_person_days(-3); }),
             "batch.inmate_person_days: must be >= 0"},
        Case{"SaleDateMissing", Sale([](v1::Sale& s) { s.clear_sale_date(); }),
             "sale.sale_date: is required"},
        Case{"SaleDateFuture", Sale([](v1::Sale& s) { s.set_sale_date("2027-01-01"); }),
             "sale.sale_date: must not be in the future"},
        Case{"SaleQty", Sale([](v1::Sale& s) { s.set_qty(0); }), "sale.qty: must be > 0"},
        Case{"SaleNoPriceNoRevenue", Sale([](v1::Sale& s) { s.set_unit_price_idr(0); }),
             "sale.revenue_idr: is required when unit_price_idr is 0"},
        Case{"SaleNegativeRevenue", Sale([](v1::Sale& s) { s.set_revenue_idr(-100); }),
             "sale.revenue_idr: must be >= 0 rupiah"},
        Case{"SaleChannel", Sale([](v1::Sale& s) { s.clear_channel(); }),
             "sale.channel: is required"},
        Case{"SaleRegion", Sale([](v1::Sale& s) { s.clear_buyer_region(); }),
             "sale.buyer_region: is required"},
        Case{"SaleIdOtherUpt", Sale([](v1::Sale& s) { s.set_sale_id("SMS-RT-PALEMBANG-S1"); }),
             "sale.sale_id: must start with this node's UPT code"},
        Case{"CertType", Cert([](v1::Certification& c) { c.clear_type(); }),
             "certification.type: is required"},
        Case{"CertPirtDigits", Cert([](v1::Certification& c) { c.set_number("12345"); }),
             "certification.number: P-IRT number must have 15 digits"},
        Case{"CertPirtPackaging",
             Cert([](v1::Certification& c) { c.set_number("9091604010123-29"); }),
             "P-IRT digit 1 (packaging) must be 1..8"},
        Case{"CertPirtFoodType",
             Cert([](v1::Certification& c) { c.set_number("2991604010123-29"); }),
             "P-IRT digits 2-3 (food type) must be 01..16"},
        Case{"CertPirtProvince",
             Cert([](v1::Certification& c) { c.set_number("2090004010123-29"); }),
             "P-IRT digits 4-5 (province) must be 11..96"},
        Case{"CertHalal", Cert([](v1::Certification& c) {
               c.set_type(v1::CERTIFICATION_TYPE_HALAL);
               c.set_number("HALAL-123");
             }),
             "halal number must be \"ID\" + 8..30 digits"},
        Case{"CertNib", Cert([](v1::Certification& c) {
               c.set_type(v1::CERTIFICATION_TYPE_NIB);
               c.set_number("12345678901");
             }),
             "NIB must have 13 digits"},
        Case{"CertBpom", Cert([](v1::Certification& c) {
               c.set_type(v1::CERTIFICATION_TYPE_BPOM_MD);
               c.set_number("MD 1234");
             }),
             "BPOM MD number must be \"MD\" + 12 digits"},
        Case{"CertIssuer", Cert([](v1::Certification& c) { c.clear_issuer(); }),
             "certification.issuer: is required"},
        Case{"CertValidity", Cert([](v1::Certification& c) { c.set_valid_until("2020-01-01"); }),
             "certification.valid_until: must be on or after issued_date"},
        Case{"TrainingParticipants", Training([](v1::Training& t) { t.set_participants_count(0); }),
             "training.participants_count: must be 1..10000"},
        Case{"TrainingCompleted", Training([](v1::Training& t) { t.set_completed_count(13); }),
             "training.completed_count: must be 0..participants_count (12), got 13"},
        Case{"TrainingCertificates",
             Training([](v1::Training& t) { t.set_certificates_count(12); }),
             "training.certificates_count: must be 0..completed_count (11), got 12"},
        Case{"TrainingProvider", Training([](v1::Training& t) { t.clear_provider(); }),
             "training.provider: is required"},
        Case{"ReturnQtyZero", Return([](v1::CustomerReturn& r) { r.set_qty(0); }),
             "customer_return.qty: must be > 0"},
        Case{"ReturnReasonMissing", Return([](v1::CustomerReturn& r) { r.clear_reason(); }),
             "customer_return.reason: is required"},
        Case{"ReturnUnitMissing", Return([](v1::CustomerReturn& r) { r.clear_unit(); }),
             "customer_return.unit: is required"},
        Case{"ReturnFuture", Return([](v1::CustomerReturn& r) { r.set_return_date("2026-12-05"); }),
             "customer_return.return_date: must not be in the future"},
        Case{"ReturnSaleOtherUpt",
             Return([](v1::CustomerReturn& r) { r.set_sale_id("SMS-LP-SEKAYU-S-1"); }),
             "customer_return.sale_id: must start with this node's UPT code"},
        Case{"ReturnNoteTooLong",
             Return([](v1::CustomerReturn& r) { r.set_note(std::string(501, 'x')); }),
             "customer_return.note"},
        Case{"SettlementStartMonth",
             Settlement([](v1::Settlement& s) { s.set_period_start("2026-7"); }),
             "settlement.period_start: must be a month YYYY-MM, got \"2026-7\""},
        Case{"SettlementEndBeforeStart",
             Settlement([](v1::Settlement& s) { s.set_period_end("2026-06"); }),
             "settlement.period_end: must not be before period_start (2026-07), got 2026-06"},
        Case{"SettlementLongerThanAYear",
             Settlement([](v1::Settlement& s) { s.set_period_start("2025-09"); }),
             "settlement.period_end: a settlement covers at most 12 months, got 13"},
        Case{"SettlementFuture", Settlement([](v1::Settlement& s) { s.set_period_end("2027-01"); }),
             "settlement.period_end: must not be in the future, got 2027-01"},
        Case{"SettlementNegativePremi",
             Settlement([](v1::Settlement& s) { s.set_premi_total_idr(-1); }),
             "settlement.premi_total_idr: must be >= 0 rupiah, got -1"},
        Case{"SettlementProfitAboveSales",
             Settlement([](v1::Settlement& s) { s.set_net_profit_idr(28'000'000); }),
             "settlement.net_profit_idr: must not exceed gross_sales_idr (27000000)"},
        Case{"SettlementBillingCode",
             Settlement([](v1::Settlement& s) { s.set_billing_code("82026100412345"); }),
             "settlement.billing_code: must be 15 digits (SIMPONI) or empty"},
        Case{"SettlementNtpnMissing", Settlement([](v1::Settlement& s) { s.clear_ntpn(); }),
             "settlement.ntpn: is required when pnbp_deposited_idr > 0"},
        Case{"SettlementNtpnShape",
             Settlement([](v1::Settlement& s) { s.set_ntpn("0a1b2c3d4e5f6789"); }),
             "settlement.ntpn: must be 16 capital letters or digits"},
        Case{"SettlementOtherUpt",
             Settlement([](v1::Settlement& s) { s.set_settlement_id("SMS-LP-SEKAYU-STL-1"); }),
             "settlement.settlement_id: must start with this node's UPT code"}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(ValidationTest, CustomerReturnIsAccepted) {
  EXPECT_THAT(ValidateCustomerReturn(GoodReturn(), Ctx()), IsOk());
}

TEST(ValidationTest, SettlementOfAQuarterWithDepositIsAccepted) {
  EXPECT_THAT(ValidateSettlement(GoodSettlement(), Ctx()), IsOk());
  v1::Settlement loss = GoodSettlement();  // a loss: no premi, no PNBP, no NTPN needed
  loss.set_net_profit_idr(-2'000'000);
  loss.set_premi_total_idr(0);
  loss.set_pnbp_deposited_idr(0);
  loss.clear_ntpn();
  loss.clear_billing_code();
  EXPECT_THAT(ValidateSettlement(loss, Ctx()), IsOk());
}

TEST(ValidationTest, OneDayOfClockSkewIsAccepted) {
  v1::Sale s = GoodSale();
  s.set_sale_date("2026-11-30");  // tomorrow in Jakarta: within the skew
  EXPECT_THAT(ValidateSale(s, Ctx()), IsOk());
  s.set_sale_date("2026-12-01");
  EXPECT_THAT(ValidateSale(s, Ctx()), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ValidationTest, CertificateNumberLayouts) {
  EXPECT_THAT(ValidateCertificateNumber("n", v1::CERTIFICATION_TYPE_SPP_IRT, "209160401012329"),
              IsOk());
  EXPECT_THAT(ValidateCertificateNumber("n", v1::CERTIFICATION_TYPE_HALAL, "ID33110000662051022"),
              IsOk());
  EXPECT_THAT(
      ValidateCertificateNumber("n", v1::CERTIFICATION_TYPE_BPOM_MD, "BPOM RI MD 224510001234"),
      IsOk());
  EXPECT_THAT(ValidateCertificateNumber("n", v1::CERTIFICATION_TYPE_NIB, "9120001234567"), IsOk());
  EXPECT_THAT(ValidateCertificateNumber("n", v1::CERTIFICATION_TYPE_MEREK, "IDM000123456"), IsOk());
}

TEST(ValidationTest, RequestIdRules) {
  EXPECT_THAT(ValidateRequestId(""), IsOk());
  EXPECT_THAT(ValidateRequestId("import:batch:SMS-LP-LAHAT-B1"), IsOk());
  EXPECT_THAT(ValidateRequestId("has space"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("request_id")));
  EXPECT_THAT(ValidateRequestId(std::string(129, 'a')),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at most 128")));
}

TEST(KindRulesTest, EveryKindButProductsHasRules) {
  for (const RecordKindInfo& kind : RecordKinds()) {
    const KindRules* rules = RulesFor(static_cast<RecordKind>(kind.number));
    if (kind.number == static_cast<int>(RecordKind::kProduct)) {
      EXPECT_EQ(rules, nullptr);
    } else {
      ASSERT_NE(rules, nullptr) << kind.plural << " has no entry in validation.cc's table";
      EXPECT_NE(rules->validate, nullptr) << kind.plural;
    }
  }
}

}  // namespace
}  // namespace unggul::node

namespace unggul::node {
namespace {

// Every (free_text) field of every record kind refuses an identity number, written plainly or
// grouped, and names the field without echoing the value.
TEST(FreeTextTest, IdentityNumbersAreRefusedInEveryFreeTextField) {
  int checked = 0;
  for (const RecordKindInfo& kind : RecordKinds()) {
    const google::protobuf::Descriptor* d =
        v1::Record::descriptor()->FindFieldByNumber(kind.number)->message_type();
    for (int i = 0; i < d->field_count(); ++i) {
      const google::protobuf::FieldDescriptor* f = d->field(i);
      if (!f->options().GetExtension(v1::free_text)) continue;
      ++checked;
      for (const std::string& text :
           {std::string("Ketua kelompok 1671012345670001"), std::string("NIK 1671 0123 4567 0001"),
            std::string("NIP 19800101-200501-1-001")}) {
        v1::Record record;
        google::protobuf::Message* m = record.GetReflection()->MutableMessage(
            &record, v1::Record::descriptor()->FindFieldByNumber(kind.number));
        m->GetReflection()->SetString(m, f, text);
        const absl::Status s = CheckFreeText(*m, kind.field_name);
        EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << f->full_name() << ": " << text;
        EXPECT_NE(s.message().find(absl::StrCat(kind.field_name, ".", f->name(),
                                                ": must not contain an identity number")),
                  std::string::npos)
            << s;
        EXPECT_EQ(s.message().find("0001"), std::string::npos) << "the value is not echoed: " << s;
      }
      // Phone numbers, billing codes and years are fine.
      v1::Record ok;
      google::protobuf::Message* m = ok.GetReflection()->MutableMessage(
          &ok, v1::Record::descriptor()->FindFieldByNumber(kind.number));
      m->GetReflection()->SetString(m, f,
                                    "Pameran 2026, hubungi 0812-3456-7890, kode 820260101234567");
      EXPECT_TRUE(CheckFreeText(*m, kind.field_name).ok()) << f->full_name();
    }
  }
  EXPECT_GE(checked, 10);
}

}  // namespace
}  // namespace unggul::node
