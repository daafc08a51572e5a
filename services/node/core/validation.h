#pragma once

// Stateless validation of node records and requests. Every failure is InvalidArgument with a
// message "<field>: <rule>[, got ...]" naming the field path (e.g. "batch.inputs[1].qty") and
// the rule. The rules of each immutable record kind are registered in one table (RulesFor):
// adding a kind means adding its validator there. NodeCore reads what the rules need from the
// store (the owning product, other settlements). Thread-safe, no state.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/records/records.h"
#include "unggul/node/v1/records.pb.h"

namespace unggul::node {

struct ValidationContext {
  std::string upt_code;         // the node's UPT; record ids must start with "<upt_code>-"
  int32_t today = 0;            // Jakarta calendar day, days since the epoch
  int32_t max_future_days = 1;  // clock skew allowed for "not in the future"
};

absl::Status ValidateRequestId(absl::string_view request_id);
// Also the rule for product_id references in other records and list filters.
absl::Status ValidateRecordId(absl::string_view field, absl::string_view id,
                              const ValidationContext& ctx);

// Every text field marked (free_text) in records.proto, at any depth of `message`: refuses an
// identity number in it (a run of 16 or more digits, spaces, dots or dashes between digits
// allowed), naming the field (`path`.field) but not echoing the value.
absl::Status CheckFreeText(const google::protobuf::Message& message, absl::string_view path);
absl::Status ValidateProduct(const v1::Product& product, const ValidationContext& ctx);
absl::Status ValidateBatch(const v1::ProductionBatch& batch, const ValidationContext& ctx);
absl::Status ValidateSale(const v1::Sale& sale, const ValidationContext& ctx);
absl::Status ValidateCertification(const v1::Certification& cert, const ValidationContext& ctx);
absl::Status ValidateTraining(const v1::Training& training, const ValidationContext& ctx);
absl::Status ValidateLabour(const v1::MonthlyLabour& labour, const ValidationContext& ctx);
absl::Status ValidateSettlement(const v1::Settlement& settlement, const ValidationContext& ctx);
absl::Status ValidateCustomerReturn(const v1::CustomerReturn& r, const ValidationContext& ctx);

// The rules of one immutable record kind (every kind but products, whose create/update/retire
// rules are NodeCore's own).
struct KindRules {
  // Field rules of the kind's message (the Validate* functions above).
  absl::Status (*validate)(const v1::Record& record, const ValidationContext& ctx) = nullptr;
  // Fills values derived from others before the write (a sale's revenue from qty x unit price);
  // nullptr when the record is stored as written. InvalidArgument when the result is out of range.
  absl::Status (*complete)(v1::Record& record) = nullptr;
  // Rules against the owning product, which NodeCore reads from the store (the product is ACTIVE,
  // SKU codes are the product's); nullptr when there are none.
  absl::Status (*check_product)(const v1::Record& record, const v1::Product& product) = nullptr;
};

// The rules of `kind`; nullptr for products and for kinds without rules (which the node does not
// accept: kinds_test checks that every kind but products has rules).
const KindRules* RulesFor(RecordKind kind);

// The layout of a certificate number for its type (P-IRT, BPOM MD, halal, NIB); other types
// only need 1..64 printable characters.
absl::Status ValidateCertificateNumber(absl::string_view field, v1::CertificationType type,
                                       absl::string_view number);

}  // namespace unggul::node
