// The Kanwil's storage value decoders: any bytes decode or fail as DataLoss, and a decoded value
// encodes and decodes to the same value.

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/records/records.h"
#include "services/aggregator/store/stored_values.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace si = ::unggul::aggregator::store_internal;

template <typename Api>
void RoundTrip(absl::string_view bytes, absl::StatusOr<Api> (*decode)(absl::string_view),
               absl::StatusOr<std::string> (*encode)(const Api&)) {
  absl::StatusOr<Api> value = decode(bytes);
  if (!value.ok()) {
    UNGGUL_FUZZ_CHECK(value.status().code() == absl::StatusCode::kDataLoss);
    return;
  }
  absl::StatusOr<std::string> encoded = encode(*value);
  UNGGUL_FUZZ_CHECK(encoded.ok());
  absl::StatusOr<Api> again = decode(*encoded);
  UNGGUL_FUZZ_CHECK(again.ok());
  // Byte equality (deterministic serialisation), so a NaN figure compares equal to itself.
  UNGGUL_FUZZ_CHECK(unggul::DeterministicBytes(*value) == unggul::DeterministicBytes(*again));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  RoundTrip(bytes, &si::DecodeRollup, &si::EncodeRollup);
  RoundTrip(bytes, &si::DecodeAssessment, &si::EncodeAssessment);
  RoundTrip(bytes, &si::DecodeIncident, &si::EncodeIncident);
  RoundTrip(bytes, &si::DecodeDesignation, &si::EncodeDesignation);
  RoundTrip(bytes, &si::DecodeAuditEntry, &si::EncodeAuditEntry);
  RoundTrip(bytes, &si::DecodePublication, &si::EncodePublication);
  return 0;
}
