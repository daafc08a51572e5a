#pragma once

// Stateless validation of node records and requests. Every failure is InvalidArgument with a
// message "<field>: <rule>[, got ...]" naming the field path (e.g. "batch.inputs[1].qty") and
// the rule. Stateful rules (product exists, is active, SKU belongs to it) live in NodeCore.
// Thread-safe, no state.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
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

absl::Status ValidateProduct(const v1::Product& product, const ValidationContext& ctx);
absl::Status ValidateBatch(const v1::ProductionBatch& batch, const ValidationContext& ctx);
absl::Status ValidateSale(const v1::Sale& sale, const ValidationContext& ctx);
absl::Status ValidateCertification(const v1::Certification& cert, const ValidationContext& ctx);
absl::Status ValidateTraining(const v1::Training& training, const ValidationContext& ctx);
absl::Status ValidateLabour(const v1::MonthlyLabour& labour, const ValidationContext& ctx);
absl::Status ValidateSettlement(const v1::Settlement& settlement, const ValidationContext& ctx);
absl::Status ValidateCustomerReturn(const v1::CustomerReturn& r, const ValidationContext& ctx);

// The layout of a certificate number for its type (P-IRT, BPOM MD, halal, NIB); other types
// only need 1..64 printable characters.
absl::Status ValidateCertificateNumber(absl::string_view field, v1::CertificationType type,
                                       absl::string_view number);

}  // namespace unggul::node
