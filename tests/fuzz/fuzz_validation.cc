// The node's validators and the export projection on any record: validation answers OK or
// InvalidArgument/FailedPrecondition, never crashes; projecting is idempotent.

#include <cstddef>
#include <cstdint>

#include "common/records/kinds.h"
#include "common/records/records.h"
#include "services/node/core/validation.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  unggul::node::v1::Record record;
  if (!record.ParseFromArray(data, static_cast<int>(size))) return 0;
  unggul::node::ValidationContext ctx;
  ctx.upt_code = "SMS-LP-LAHAT";
  ctx.today = 20790;  // 2026-12-03
  const std::optional<unggul::RecordKind> kind = unggul::KindOf(record);
  if (kind) {
    if (const unggul::node::KindRules* rules = unggul::node::RulesFor(*kind); rules != nullptr) {
      const absl::Status s = rules->validate(record, ctx);
      UNGGUL_FUZZ_CHECK(s.ok() || s.code() == absl::StatusCode::kInvalidArgument ||
                        s.code() == absl::StatusCode::kFailedPrecondition);
    } else if (record.has_product()) {
      const absl::Status s = unggul::node::ValidateProduct(record.product(), ctx);
      UNGGUL_FUZZ_CHECK(s.ok() || s.code() == absl::StatusCode::kInvalidArgument);
    }
    (void)unggul::node::CheckFreeText(record, "record");
  }
  const unggul::node::v1::Record once = unggul::ExportProjection(record);
  const unggul::node::v1::Record twice = unggul::ExportProjection(once);
  UNGGUL_FUZZ_CHECK(unggul::DeterministicBytes(once) == unggul::DeterministicBytes(twice));
  return 0;
}
