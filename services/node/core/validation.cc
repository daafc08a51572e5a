#include "services/node/core/validation.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "common/status/echo.h"
#include "common/status/status_macros.h"
#include "common/time/dates.h"
#include "common/time/month.h"

namespace unggul::node {
namespace {

constexpr double kMaxQty = 1e12;
constexpr int64_t kMaxMoney = 1'000'000'000'000'000;  // Rp 10^15

absl::Status Bad(absl::string_view field, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", rule));
}

// Number of UTF-8 code points; -1 when the bytes are not valid UTF-8 (proto3 strings are UTF-8
// already, but a C++ caller can pass anything).
int64_t Utf8Length(absl::string_view s) {
  int64_t n = 0;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xe  ? 3
                 : (c >> 3) == 0x1e ? 4
                                    : 0;
    if (len == 0 || i + len > s.size()) return -1;
    for (size_t j = 1; j < len; ++j) {
      if ((static_cast<unsigned char>(s[i + j]) >> 6) != 0x2) return -1;
    }
    i += len;
    ++n;
  }
  return n;
}

// Text of min..max characters without control characters (newlines and tabs allowed when
// `multiline`).
absl::Status CheckText(absl::string_view field, absl::string_view value, int64_t min, int64_t max,
                       bool multiline = false) {
  const int64_t len = Utf8Length(value);
  if (len < 0) return Bad(field, "must be valid UTF-8");
  if (len < min) {
    return min == 1 ? Bad(field, "is required")
                    : Bad(field, absl::StrCat("must be at least ", min, " characters"));
  }
  if (len > max) {
    return Bad(field, absl::StrCat("must be at most ", max, " characters, got ", len));
  }
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) {
      if (multiline && (c == '\n' || c == '\t' || c == '\r')) continue;
      return Bad(field, "must not contain control characters");
    }
  }
  return absl::OkStatus();
}

bool IsCodeChar(char c) {
  return absl::ascii_isupper(static_cast<unsigned char>(c)) ||
         absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

absl::Status CheckCode(absl::string_view field, absl::string_view value, size_t max) {
  if (value.empty()) return Bad(field, "is required");
  if (value.size() > max) {
    return Bad(field, absl::StrCat("must be at most ", max, " characters, got ", value.size()));
  }
  for (char c : value) {
    if (!IsCodeChar(c)) {
      return Bad(field, absl::StrCat("must use only A-Z 0-9 . _ -, got \"", Echo(value), "\""));
    }
  }
  return absl::OkStatus();
}

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::Status CheckQty(absl::string_view field, double v, bool positive) {
  if (!std::isfinite(v)) return Bad(field, "must be a finite number");
  if (positive && v <= 0) return Bad(field, absl::StrCat("must be > 0, got ", v));
  if (!positive && v < 0) return Bad(field, absl::StrCat("must be >= 0, got ", v));
  if (v > kMaxQty) return Bad(field, absl::StrCat("must be <= ", kMaxQty, ", got ", v));
  return absl::OkStatus();
}

constexpr absl::CivilDay kEpoch(1970, 1, 1);

// A month "YYYY-MM" (a real month, year >= 1970).
absl::StatusOr<absl::CivilMonth> CheckMonth(absl::string_view field, const std::string& value) {
  UNGGUL_ASSIGN_OR_RETURN(const Month month, Month::Parse(value, field));
  return month.civil();
}

absl::Status CheckMoney(absl::string_view field, int64_t v) {
  if (v < 0) return Bad(field, absl::StrCat("must be >= 0 rupiah, got ", v));
  if (v > kMaxMoney) return Bad(field, absl::StrCat("must be <= ", kMaxMoney, " rupiah, got ", v));
  return absl::OkStatus();
}

absl::Status CheckCount(absl::string_view field, int64_t v, int64_t min, int64_t max) {
  if (v < min || v > max) {
    return Bad(field, absl::StrCat("must be ", min, "..", max, ", got ", v));
  }
  return absl::OkStatus();
}

template <typename IsValid>
absl::Status CheckEnum(absl::string_view field, int value, IsValid is_valid, bool required) {
  if (!is_valid(value)) return Bad(field, absl::StrCat("unknown value ", value));
  if (required && value == 0) return Bad(field, "is required");
  return absl::OkStatus();
}

// Optional or required date, not after today + skew when `not_future`. Returns the day or -1
// when empty and optional.
absl::StatusOr<int32_t> CheckDate(absl::string_view field, absl::string_view value, bool required,
                                  bool not_future, const ValidationContext& ctx) {
  if (value.empty()) {
    if (required) return Bad(field, "is required");
    return -1;
  }
  UNGGUL_ASSIGN_OR_RETURN(int32_t day, ParseDate(value, field));
  if (not_future && day > ctx.today + ctx.max_future_days) {
    return Bad(field, absl::StrCat("must not be in the future (today is ", FormatDate(ctx.today),
                                   " Asia/Jakarta), got ", value));
  }
  return day;
}

absl::Status CheckNotBefore(absl::string_view field, int32_t day, absl::string_view other_field,
                            int32_t other_day) {
  if (day >= 0 && other_day >= 0 && day < other_day) {
    return Bad(field, absl::StrCat("must be on or after ", other_field, " (", FormatDate(day),
                                   " < ", FormatDate(other_day), ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckRegencyCode(absl::string_view field, absl::string_view value) {
  if (value.empty()) return absl::OkStatus();
  if (value.size() != 5 || value[2] != '.' || !AllDigits(value.substr(0, 2)) ||
      !AllDigits(value.substr(3, 2))) {
    return Bad(field, absl::StrCat("must be a regency code NN.NN, got \"", Echo(value), "\""));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateRequestId(absl::string_view request_id) {
  if (request_id.empty()) return absl::OkStatus();
  if (request_id.size() > 128) return Bad("request_id", "must be at most 128 characters");
  for (char c : request_id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != ':' &&
        c != '-') {
      return Bad("request_id", "must use only A-Z a-z 0-9 . _ : -");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateRecordId(absl::string_view field, absl::string_view id,
                              const ValidationContext& ctx) {
  UNGGUL_RETURN_IF_ERROR(CheckCode(field, id, 64));
  const std::string prefix = absl::StrCat(ctx.upt_code, "-");
  if (!absl::StartsWith(id, prefix) || id.size() == prefix.size()) {
    return Bad(field, absl::StrCat("must start with this node's UPT code \"", prefix,
                                   "\" followed by a name, got \"", Echo(id), "\""));
  }
  return absl::OkStatus();
}

absl::Status ValidateCertificateNumber(absl::string_view field, v1::CertificationType type,
                                       absl::string_view number) {
  UNGGUL_RETURN_IF_ERROR(CheckText(field, number, 1, 64));
  std::string compact;
  for (char c : number) {
    if (c != '-' && c != ' ' && c != '.') compact.push_back(c);
  }
  switch (type) {
    case v1::CERTIFICATION_TYPE_SPP_IRT: {
      // P-IRT: d1 packaging (1-8), d2-3 food type (01-16), d4-7 province+regency,
      // d8-9 product seq, d10-13 producer seq in the regency, d14-15 expiry year.
      if (compact.size() != 15 || !AllDigits(compact)) {
        return Bad(field, absl::StrCat("P-IRT number must have 15 digits (e.g. "
                                       "\"2091604010123-29\"), got \"",
                                       Echo(number), "\""));
      }
      const int packaging = compact[0] - '0';
      if (packaging < 1 || packaging > 8) {
        return Bad(field, absl::StrCat("P-IRT digit 1 (packaging) must be 1..8, got ", packaging));
      }
      const int food_type = (compact[1] - '0') * 10 + (compact[2] - '0');
      if (food_type < 1 || food_type > 16) {
        return Bad(field,
                   absl::StrCat("P-IRT digits 2-3 (food type) must be 01..16, got ", food_type));
      }
      const int province = (compact[3] - '0') * 10 + (compact[4] - '0');
      if (province < 11 || province > 96) {
        return Bad(field,
                   absl::StrCat("P-IRT digits 4-5 (province) must be 11..96, got ", province));
      }
      return absl::OkStatus();
    }
    case v1::CERTIFICATION_TYPE_BPOM_MD: {
      absl::string_view rest = compact;
      absl::ConsumePrefix(&rest, "BPOMRI");
      if (!absl::ConsumePrefix(&rest, "MD") || rest.size() != 12 || !AllDigits(rest)) {
        return Bad(field, absl::StrCat("BPOM MD number must be \"MD\" + 12 digits, got \"",
                                       Echo(number), "\""));
      }
      return absl::OkStatus();
    }
    case v1::CERTIFICATION_TYPE_HALAL: {
      absl::string_view rest = compact;
      if (!absl::ConsumePrefix(&rest, "ID") || rest.size() < 8 || rest.size() > 30 ||
          !AllDigits(rest)) {
        return Bad(field, absl::StrCat("halal number must be \"ID\" + 8..30 digits, got \"",
                                       Echo(number), "\""));
      }
      return absl::OkStatus();
    }
    case v1::CERTIFICATION_TYPE_NIB:
      if (compact.size() != 13 || !AllDigits(compact)) {
        return Bad(field, absl::StrCat("NIB must have 13 digits, got \"", Echo(number), "\""));
      }
      return absl::OkStatus();
    default:
      return absl::OkStatus();
  }
}

namespace {

// The longest run of digits in `text`, digits separated by single spaces, dots or dashes
// counted as one run ("1671 2345 6789 0001" is 16).
int LongestDigitRun(absl::string_view text) {
  int best = 0;
  int run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      best = std::max(best, ++run);
    } else if (!((c == ' ' || c == '.' || c == '-') && run > 0 && i + 1 < text.size() &&
                 text[i + 1] >= '0' && text[i + 1] <= '9')) {
      run = 0;
    }
  }
  return best;
}

}  // namespace

absl::Status CheckFreeText(const google::protobuf::Message& message, absl::string_view path) {
  const google::protobuf::Reflection& r = *message.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  r.ListFields(message, &fields);
  for (const google::protobuf::FieldDescriptor* f : fields) {
    const std::string field = absl::StrCat(path, ".", f->name());
    if (f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
      const int n = f->is_repeated() ? r.FieldSize(message, f) : 1;
      for (int i = 0; i < n; ++i) {
        UNGGUL_RETURN_IF_ERROR(CheckFreeText(
            f->is_repeated() ? r.GetRepeatedMessage(message, f, i) : r.GetMessage(message, f),
            f->is_repeated() ? absl::StrCat(field, "[", i, "]") : field));
      }
      continue;
    }
    if (!f->options().GetExtension(v1::free_text) || f->is_repeated()) continue;
    if (LongestDigitRun(r.GetString(message, f)) >= 16) {
      return Bad(field,
                 "must not contain an identity number (a run of 16 or more digits, like a NIK or "
                 "NIP): free text leaves the node");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateProduct(const v1::Product& p, const ValidationContext& ctx) {
  UNGGUL_RETURN_IF_ERROR(CheckFreeText(p, "product"));
  UNGGUL_RETURN_IF_ERROR(ValidateRecordId("product.product_id", p.product_id(), ctx));
  if (!p.upt_code().empty() && p.upt_code() != ctx.upt_code) {
    return Bad("product.upt_code",
               absl::StrCat("must be this node's UPT ", ctx.upt_code, ", got ", p.upt_code()));
  }
  UNGGUL_RETURN_IF_ERROR(CheckText("product.name", p.name(), 1, 120));
  UNGGUL_RETURN_IF_ERROR(CheckText("product.brand", p.brand(), 0, 80));
  UNGGUL_RETURN_IF_ERROR(CheckEnum("product.category", p.category(), v1::Category_IsValid, true));
  UNGGUL_RETURN_IF_ERROR(CheckText("product.subcategory", p.subcategory(), 0, 80));
  UNGGUL_RETURN_IF_ERROR(CheckText("product.description", p.description(), 0, 2000, true));
  UNGGUL_RETURN_IF_ERROR(CheckText("product.story", p.story(), 0, 4000, true));
  UNGGUL_RETURN_IF_ERROR(
      CheckDate("product.launch_date", p.launch_date(), false, true, ctx).status());
  UNGGUL_RETURN_IF_ERROR(CheckEnum("product.status", p.status(), v1::ProductStatus_IsValid, false));
  UNGGUL_RETURN_IF_ERROR(CheckText("product.retired_reason", p.retired_reason(), 0, 500));
  if (p.skus_size() > 50) return Bad("product.skus", "must have at most 50 SKUs");
  std::set<std::string> codes;
  for (int i = 0; i < p.skus_size(); ++i) {
    const v1::Sku& sku = p.skus(i);
    const std::string f = absl::StrCat("product.skus[", i, "]");
    UNGGUL_RETURN_IF_ERROR(CheckCode(absl::StrCat(f, ".sku_code"), sku.sku_code(), 32));
    if (!codes.insert(sku.sku_code()).second) {
      return Bad(absl::StrCat(f, ".sku_code"), absl::StrCat("must be unique within the product, \"",
                                                            sku.sku_code(), "\" repeats"));
    }
    UNGGUL_RETURN_IF_ERROR(CheckQty(absl::StrCat(f, ".net_content"), sku.net_content(), true));
    UNGGUL_RETURN_IF_ERROR(CheckEnum(absl::StrCat(f, ".net_content_unit"), sku.net_content_unit(),
                                     v1::Unit_IsValid, true));
    UNGGUL_RETURN_IF_ERROR(CheckEnum(absl::StrCat(f, ".packaging_type"), sku.packaging_type(),
                                     v1::PackagingType_IsValid, false));
    UNGGUL_RETURN_IF_ERROR(CheckMoney(absl::StrCat(f, ".list_price_idr"), sku.list_price_idr()));
    if (!sku.barcode().empty()) {
      const size_t n = sku.barcode().size();
      if (!AllDigits(sku.barcode()) || (n != 8 && n != 12 && n != 13 && n != 14)) {
        return Bad(absl::StrCat(f, ".barcode"), "must be 8, 12, 13 or 14 digits");
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateBatch(const v1::ProductionBatch& b, const ValidationContext& ctx) {
  UNGGUL_RETURN_IF_ERROR(ValidateRecordId("batch.batch_code", b.batch_code(), ctx));
  UNGGUL_RETURN_IF_ERROR(ValidateRecordId("batch.product_id", b.product_id(), ctx));
  if (!b.sku_code().empty()) UNGGUL_RETURN_IF_ERROR(CheckCode("batch.sku_code", b.sku_code(), 32));
  UNGGUL_ASSIGN_OR_RETURN(int32_t start,
                          CheckDate("batch.start_date", b.start_date(), true, true, ctx));
  UNGGUL_ASSIGN_OR_RETURN(int32_t end, CheckDate("batch.end_date", b.end_date(), false, true, ctx));
  UNGGUL_RETURN_IF_ERROR(CheckNotBefore("batch.end_date", end, "start_date", start));
  UNGGUL_RETURN_IF_ERROR(CheckQty("batch.qty_produced", b.qty_produced(), true));
  UNGGUL_RETURN_IF_ERROR(CheckQty("batch.qty_rejected", b.qty_rejected(), false));
  if (b.qty_rejected() > b.qty_produced()) {
    return Bad("batch.qty_rejected", absl::StrCat("must be <= qty_produced (", b.qty_rejected(),
                                                  " > ", b.qty_produced(), ")"));
  }
  UNGGUL_RETURN_IF_ERROR(CheckEnum("batch.unit", b.unit(), v1::Unit_IsValid, true));
  UNGGUL_RETURN_IF_ERROR(CheckEnum("batch.qc_result", b.qc_result(), v1::QcResult_IsValid, false));
  UNGGUL_ASSIGN_OR_RETURN(int32_t expiry,
                          CheckDate("batch.expiry_date", b.expiry_date(), false, false, ctx));
  UNGGUL_RETURN_IF_ERROR(CheckNotBefore("batch.expiry_date", expiry, "start_date", start));
  UNGGUL_RETURN_IF_ERROR(CheckText("batch.workshop_id", b.workshop_id(), 0, 64));
  if (b.inputs_size() > 50) return Bad("batch.inputs", "must have at most 50 inputs");
  for (int i = 0; i < b.inputs_size(); ++i) {
    const v1::MaterialInput& in = b.inputs(i);
    const std::string f = absl::StrCat("batch.inputs[", i, "]");
    UNGGUL_RETURN_IF_ERROR(CheckText(absl::StrCat(f, ".material"), in.material(), 1, 80));
    UNGGUL_RETURN_IF_ERROR(
        CheckEnum(absl::StrCat(f, ".origin_type"), in.origin_type(), v1::OriginType_IsValid, true));
    UNGGUL_RETURN_IF_ERROR(
        CheckRegencyCode(absl::StrCat(f, ".origin_regency_code"), in.origin_regency_code()));
    UNGGUL_RETURN_IF_ERROR(CheckQty(absl::StrCat(f, ".qty"), in.qty(), true));
    UNGGUL_RETURN_IF_ERROR(CheckEnum(absl::StrCat(f, ".unit"), in.unit(), v1::Unit_IsValid, true));
    UNGGUL_RETURN_IF_ERROR(CheckMoney(absl::StrCat(f, ".cost_idr"), in.cost_idr()));
    UNGGUL_RETURN_IF_ERROR(CheckText(absl::StrCat(f, ".supplier_ref"), in.supplier_ref(), 0, 80));
  }
  UNGGUL_RETURN_IF_ERROR(CheckMoney("batch.direct_cost_idr", b.direct_cost_idr()));
  UNGGUL_RETURN_IF_ERROR(
      CheckCount("batch.inmates_engaged_count", b.inmates_engaged_count(), 0, 10000));
  UNGGUL_RETURN_IF_ERROR(CheckQty("batch.inmate_person_days", b.inmate_person_days(), false));
  if (b.inmate_person_days() > 1e6) {
    return Bad("batch.inmate_person_days", "must be <= 1000000");
  }
  UNGGUL_RETURN_IF_ERROR(CheckText("batch.supervisor_staff_ref", b.supervisor_staff_ref(), 0, 64));
  return absl::OkStatus();
}

absl::Status ValidateSale(const v1::Sale& s, const ValidationContext& ctx) {
  UNGGUL_RETURN_IF_ERROR(ValidateRecordId("sale.sale_id", s.sale_id(), ctx));
  UNGGUL_RETURN_IF_ERROR(ValidateRecordId("sale.product_id", s.product_id(), ctx));
  if (!s.sku_code().empty()) UNGGUL_RETURN_IF_ERROR(CheckCode("sale.sku_code", s.sku_code(), 32));
  UNGGUL_RETURN_IF_ERROR(CheckDate("sale.sale_date", s.sale_date(), true, true, ctx).status());
  UNGGUL_RETURN_IF_ERROR(CheckQty("sale.qty", s.qty(), true));
  UNGGUL_RETURN_IF_ERROR(CheckEnum("sale.unit", s.unit(), v1::Unit_IsValid, true));
  UNGGUL_RETURN_IF_ERROR(CheckMoney("sale.unit_price_idr", s.unit_price_idr()));
  UNGGUL_RETURN_IF_ERROR(CheckMoney("sale.revenue_idr", s.revenue_idr()));
  if (s.unit_price_idr() == 0 && s.revenue_idr() == 0) {
    return Bad("sale.revenue_idr", "is required when unit_price_idr is 0");
  }
  UNGGUL_RETURN_IF_ERROR(CheckEnum("sale.channel", s.channel(), v1::Channel_IsValid, true));
  UNGGUL_RETURN_IF_ERROR(
      CheckEnum("sale.buyer_type", s.buyer_type(), v1::BuyerType_IsValid, false));
  UNGGUL_RETURN_IF_ERROR(
      CheckEnum("sale.buyer_region", s.buyer_region(), v1::BuyerRegion_IsValid, true));
  UNGGUL_RETURN_IF_ERROR(CheckRegencyCode("sale.buyer_regency_code", s.buyer_regency_code()));
  UNGGUL_RETURN_IF_ERROR(CheckText("sale.invoice_no", s.invoice_no(), 0, 64));
  UNGGUL_RETURN_IF_ERROR(
      CheckEnum("sale.payment_method", s.payment_method(), v1::PaymentMethod_IsValid, false));
  return absl::OkStatus();
}

absl::Status ValidateCertification(const v1::Certification& c, const ValidationContext& ctx) {
  UNGGUL_RETURN_IF_ERROR(
      ValidateRecordId("certification.certification_id", c.certification_id(), ctx));
  UNGGUL_RETURN_IF_ERROR(ValidateRecordId("certification.product_id", c.product_id(), ctx));
  UNGGUL_RETURN_IF_ERROR(
      CheckEnum("certification.type", c.type(), v1::CertificationType_IsValid, true));
  UNGGUL_RETURN_IF_ERROR(ValidateCertificateNumber("certification.number", c.type(), c.number()));
  UNGGUL_RETURN_IF_ERROR(CheckText("certification.issuer", c.issuer(), 1, 120));
  UNGGUL_RETURN_IF_ERROR(CheckText("certification.holder", c.holder(), 0, 120));
  UNGGUL_ASSIGN_OR_RETURN(int32_t issued,
                          CheckDate("certification.issued_date", c.issued_date(), true, true, ctx));
  UNGGUL_ASSIGN_OR_RETURN(
      int32_t until, CheckDate("certification.valid_until", c.valid_until(), false, false, ctx));
  UNGGUL_RETURN_IF_ERROR(CheckNotBefore("certification.valid_until", until, "issued_date", issued));
  std::set<std::string> seen;
  for (int i = 0; i < c.scope_skus_size(); ++i) {
    const std::string f = absl::StrCat("certification.scope_skus[", i, "]");
    UNGGUL_RETURN_IF_ERROR(CheckCode(f, c.scope_skus(i), 32));
    if (!seen.insert(c.scope_skus(i)).second) return Bad(f, "must not repeat");
  }
  return absl::OkStatus();
}

absl::Status ValidateTraining(const v1::Training& t, const ValidationContext& ctx) {
  UNGGUL_RETURN_IF_ERROR(ValidateRecordId("training.training_id", t.training_id(), ctx));
  if (!t.product_id().empty()) {
    UNGGUL_RETURN_IF_ERROR(ValidateRecordId("training.product_id", t.product_id(), ctx));
  }
  UNGGUL_RETURN_IF_ERROR(CheckText("training.program_name", t.program_name(), 1, 120));
  UNGGUL_RETURN_IF_ERROR(CheckText("training.provider", t.provider(), 1, 120));
  UNGGUL_ASSIGN_OR_RETURN(int32_t start,
                          CheckDate("training.start_date", t.start_date(), true, true, ctx));
  UNGGUL_ASSIGN_OR_RETURN(int32_t end,
                          CheckDate("training.end_date", t.end_date(), false, false, ctx));
  UNGGUL_RETURN_IF_ERROR(CheckNotBefore("training.end_date", end, "start_date", start));
  UNGGUL_RETURN_IF_ERROR(
      CheckCount("training.participants_count", t.participants_count(), 1, 10000));
  if (t.completed_count() < 0 || t.completed_count() > t.participants_count()) {
    return Bad("training.completed_count",
               absl::StrCat("must be 0..participants_count (", t.participants_count(), "), got ",
                            t.completed_count()));
  }
  if (t.certificates_count() < 0 || t.certificates_count() > t.completed_count()) {
    return Bad("training.certificates_count",
               absl::StrCat("must be 0..completed_count (", t.completed_count(), "), got ",
                            t.certificates_count()));
  }
  UNGGUL_RETURN_IF_ERROR(CheckEnum("training.certificate_scheme", t.certificate_scheme(),
                                   v1::CertificateScheme_IsValid, false));
  return absl::OkStatus();
}

absl::Status ValidateLabour(const v1::MonthlyLabour& l, const ValidationContext& ctx) {
  UNGGUL_RETURN_IF_ERROR(ValidateRecordId("labour.report_id", l.report_id(), ctx));
  UNGGUL_RETURN_IF_ERROR(ValidateRecordId("labour.product_id", l.product_id(), ctx));
  UNGGUL_ASSIGN_OR_RETURN(const absl::CivilMonth month, CheckMonth("labour.month", l.month()));
  if (absl::CivilDay(month) - kEpoch > ctx.today + ctx.max_future_days) {
    return Bad("labour.month", absl::StrCat("must not be in the future, got ", l.month()));
  }
  UNGGUL_RETURN_IF_ERROR(
      CheckCount("labour.distinct_inmates_engaged", l.distinct_inmates_engaged(), 0, 10000));
  UNGGUL_RETURN_IF_ERROR(CheckQty("labour.inmate_person_days", l.inmate_person_days(), false));
  if (l.inmate_person_days() > 1e6) return Bad("labour.inmate_person_days", "must be <= 1000000");
  return absl::OkStatus();
}

absl::Status ValidateCustomerReturn(const v1::CustomerReturn& r, const ValidationContext& ctx) {
  UNGGUL_RETURN_IF_ERROR(ValidateRecordId("customer_return.return_id", r.return_id(), ctx));
  UNGGUL_RETURN_IF_ERROR(ValidateRecordId("customer_return.product_id", r.product_id(), ctx));
  if (!r.sku_code().empty()) {
    UNGGUL_RETURN_IF_ERROR(CheckCode("customer_return.sku_code", r.sku_code(), 32));
  }
  UNGGUL_RETURN_IF_ERROR(
      CheckDate("customer_return.return_date", r.return_date(), true, true, ctx).status());
  UNGGUL_RETURN_IF_ERROR(CheckQty("customer_return.qty", r.qty(), true));
  UNGGUL_RETURN_IF_ERROR(CheckEnum("customer_return.unit", r.unit(), v1::Unit_IsValid, true));
  UNGGUL_RETURN_IF_ERROR(
      CheckEnum("customer_return.reason", r.reason(), v1::ReturnReason_IsValid, true));
  if (!r.sale_id().empty()) {
    UNGGUL_RETURN_IF_ERROR(ValidateRecordId("customer_return.sale_id", r.sale_id(), ctx));
  }
  UNGGUL_RETURN_IF_ERROR(CheckText("customer_return.note", r.note(), 0, 500));
  return absl::OkStatus();
}

absl::Status ValidateSettlement(const v1::Settlement& s, const ValidationContext& ctx) {
  UNGGUL_RETURN_IF_ERROR(ValidateRecordId("settlement.settlement_id", s.settlement_id(), ctx));
  UNGGUL_RETURN_IF_ERROR(ValidateRecordId("settlement.product_id", s.product_id(), ctx));
  UNGGUL_ASSIGN_OR_RETURN(const absl::CivilMonth start,
                          CheckMonth("settlement.period_start", s.period_start()));
  UNGGUL_ASSIGN_OR_RETURN(const absl::CivilMonth end,
                          CheckMonth("settlement.period_end", s.period_end()));
  if (end < start) {
    return Bad("settlement.period_end", absl::StrCat("must not be before period_start (",
                                                     s.period_start(), "), got ", s.period_end()));
  }
  if (end - start + 1 > 12) {
    return Bad("settlement.period_end",
               absl::StrCat("a settlement covers at most 12 months, got ", end - start + 1));
  }
  if (absl::CivilDay(end) - kEpoch > ctx.today + ctx.max_future_days) {
    return Bad("settlement.period_end",
               absl::StrCat("must not be in the future, got ", s.period_end()));
  }
  UNGGUL_RETURN_IF_ERROR(CheckMoney("settlement.gross_sales_idr", s.gross_sales_idr()));
  UNGGUL_RETURN_IF_ERROR(CheckMoney("settlement.cogs_idr", s.cogs_idr()));
  UNGGUL_RETURN_IF_ERROR(CheckMoney("settlement.premi_total_idr", s.premi_total_idr()));
  UNGGUL_RETURN_IF_ERROR(CheckMoney("settlement.pnbp_deposited_idr", s.pnbp_deposited_idr()));
  UNGGUL_RETURN_IF_ERROR(CheckMoney("settlement.capital_retained_idr", s.capital_retained_idr()));
  if (s.net_profit_idr() > s.gross_sales_idr()) {
    return Bad("settlement.net_profit_idr",
               absl::StrCat("must not exceed gross_sales_idr (", s.gross_sales_idr(), "), got ",
                            s.net_profit_idr()));
  }
  if (s.net_profit_idr() < -kMaxMoney) {
    return Bad("settlement.net_profit_idr", absl::StrCat("must be >= -", kMaxMoney, " rupiah"));
  }
  if (!s.billing_code().empty() && (s.billing_code().size() != 15 ||
                                    !std::all_of(s.billing_code().begin(), s.billing_code().end(),
                                                 [](char c) { return c >= '0' && c <= '9'; }))) {
    return Bad(
        "settlement.billing_code",
        absl::StrCat("must be 15 digits (SIMPONI) or empty, got \"", Echo(s.billing_code()), "\""));
  }
  if (!s.ntpn().empty() &&
      (s.ntpn().size() != 16 || !std::all_of(s.ntpn().begin(), s.ntpn().end(), [](char c) {
         return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
       }))) {
    return Bad("settlement.ntpn",
               absl::StrCat("must be 16 capital letters or digits, got \"", Echo(s.ntpn()), "\""));
  }
  if (s.pnbp_deposited_idr() > 0 && s.ntpn().empty()) {
    return Bad("settlement.ntpn", "is required when pnbp_deposited_idr > 0 (proof of deposit)");
  }
  return absl::OkStatus();
}

}  // namespace unggul::node

namespace unggul::node {
namespace {

absl::Status CheckSku(absl::string_view field, const v1::Product& product,
                      absl::string_view sku_code) {
  if (sku_code.empty()) return absl::OkStatus();
  for (const v1::Sku& sku : product.skus()) {
    if (sku.sku_code() == sku_code) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": \"", sku_code, "\" is not a SKU of product ", product.product_id()));
}

const char* StatusWord(v1::ProductStatus status) {
  switch (status) {
    case v1::PRODUCT_STATUS_PAUSED:
      return "paused";
    case v1::PRODUCT_STATUS_DISCONTINUED:
      return "discontinued";
    default:
      return "not active";
  }
}

absl::Status CompleteSale(v1::Record& record) {
  v1::Sale* sale = record.mutable_sale();
  if (sale->revenue_idr() != 0) return absl::OkStatus();
  const double revenue = std::llround(sale->qty() * static_cast<double>(sale->unit_price_idr()));
  if (revenue > 1e15) {
    return absl::InvalidArgumentError("sale.revenue_idr: qty * unit_price_idr is too large");
  }
  sale->set_revenue_idr(static_cast<int64_t>(revenue));
  return absl::OkStatus();
}

absl::Status BatchProductRules(const v1::Record& record, const v1::Product& product) {
  if (product.status() != v1::PRODUCT_STATUS_ACTIVE) {
    return absl::FailedPreconditionError(absl::StrCat("product ", product.product_id(), " is ",
                                                      StatusWord(product.status()),
                                                      "; batches need an ACTIVE product"));
  }
  return CheckSku("batch.sku_code", product, record.batch().sku_code());
}

absl::Status CertificationProductRules(const v1::Record& record, const v1::Product& product) {
  const v1::Certification& c = record.certification();
  for (int i = 0; i < c.scope_skus_size(); ++i) {
    UNGGUL_RETURN_IF_ERROR(
        CheckSku(absl::StrCat("certification.scope_skus[", i, "]"), product, c.scope_skus(i)));
  }
  return absl::OkStatus();
}

absl::Status ValidateExhibition(const v1::Record& record, const ValidationContext& ctx) {
  const v1::Exhibition& e = record.exhibition();
  UNGGUL_RETURN_IF_ERROR(ValidateRecordId("exhibition.exhibition_id", e.exhibition_id(), ctx));
  UNGGUL_RETURN_IF_ERROR(ValidateRecordId("exhibition.product_id", e.product_id(), ctx));
  UNGGUL_RETURN_IF_ERROR(CheckText("exhibition.event_name", e.event_name(), 1, 120));
  UNGGUL_ASSIGN_OR_RETURN(int32_t start,
                          CheckDate("exhibition.start_date", e.start_date(), true, true, ctx));
  UNGGUL_ASSIGN_OR_RETURN(int32_t end,
                          CheckDate("exhibition.end_date", e.end_date(), false, true, ctx));
  UNGGUL_RETURN_IF_ERROR(CheckNotBefore("exhibition.end_date", end, "start_date", start));
  UNGGUL_RETURN_IF_ERROR(CheckRegencyCode("exhibition.regency_code", e.regency_code()));
  UNGGUL_RETURN_IF_ERROR(CheckMoney("exhibition.sales_idr", e.sales_idr()));
  return CheckText("exhibition.award", e.award(), 0, 120);
}

// One entry per immutable kind, keyed by its oneof field number.
const absl::flat_hash_map<int, KindRules>& RuleTable() {
  static const auto* table = new absl::flat_hash_map<int, KindRules>{
      {v1::Record::kBatchFieldNumber,
       {[](const v1::Record& r, const ValidationContext& c) { return ValidateBatch(r.batch(), c); },
        nullptr, &BatchProductRules}},
      {v1::Record::kSaleFieldNumber,
       {[](const v1::Record& r, const ValidationContext& c) { return ValidateSale(r.sale(), c); },
        &CompleteSale,
        [](const v1::Record& r, const v1::Product& p) {
          return CheckSku("sale.sku_code", p, r.sale().sku_code());
        }}},
      {v1::Record::kCertificationFieldNumber,
       {[](const v1::Record& r, const ValidationContext& c) {
          return ValidateCertification(r.certification(), c);
        },
        nullptr, &CertificationProductRules}},
      {v1::Record::kTrainingFieldNumber, {[](const v1::Record& r, const ValidationContext& c) {
         return ValidateTraining(r.training(), c);
       }}},
      {v1::Record::kLabourFieldNumber, {[](const v1::Record& r, const ValidationContext& c) {
         return ValidateLabour(r.labour(), c);
       }}},
      {v1::Record::kSettlementFieldNumber, {[](const v1::Record& r, const ValidationContext& c) {
         return ValidateSettlement(r.settlement(), c);
       }}},
      {v1::Record::kCustomerReturnFieldNumber,
       {[](const v1::Record& r, const ValidationContext& c) {
          return ValidateCustomerReturn(r.customer_return(), c);
        },
        nullptr,
        [](const v1::Record& r, const v1::Product& p) {
          return CheckSku("customer_return.sku_code", p, r.customer_return().sku_code());
        }}},
      {v1::Record::kExhibitionFieldNumber, {&ValidateExhibition}},
  };
  return *table;
}

}  // namespace

const KindRules* RulesFor(RecordKind kind) {
  const auto& table = RuleTable();
  auto it = table.find(static_cast<int>(kind));
  return it == table.end() ? nullptr : &it->second;
}

}  // namespace unggul::node
