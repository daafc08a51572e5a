// The scoring-model loader: any JSON is a valid model or a clean InvalidArgument.

#include <cstddef>
#include <cstdint>

#include "services/aggregator/ranking/model.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view json(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<unggul::kanwil::v1::ScoringModel> model =
      unggul::aggregator::ParseScoringModel(json);
  if (!model.ok()) {
    UNGGUL_FUZZ_CHECK(model.status().code() == absl::StatusCode::kInvalidArgument);
  }
  return 0;
}
