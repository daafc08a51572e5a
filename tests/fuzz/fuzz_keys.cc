// Key codecs of both databases: any bytes decode to a key or a clean error, and a decoded key
// encodes back to the same bytes.

#include <cstddef>
#include <cstdint>
#include <string>

#include "services/aggregator/store/keys.h"
#include "services/node/store/keys.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

template <typename Key>
void RoundTrip(absl::string_view bytes) {
  absl::StatusOr<Key> key = Key::Decode(bytes);
  if (!key.ok()) return;
  const std::string again = key->Encode();
  UNGGUL_FUZZ_CHECK(again == std::string(bytes));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  RoundTrip<unggul::node::RecordKey>(bytes);
  RoundTrip<unggul::node::ChangelogKey>(bytes);
  RoundTrip<unggul::node::RequestKey>(bytes);
  RoundTrip<unggul::node::RequestTimeKey>(bytes);
  RoundTrip<unggul::aggregator::UptKey>(bytes);
  RoundTrip<unggul::aggregator::ReplicaKey>(bytes);
  RoundTrip<unggul::aggregator::RollupKey>(bytes);
  RoundTrip<unggul::aggregator::RegistryKey>(bytes);
  RoundTrip<unggul::aggregator::AuditKey>(bytes);
  RoundTrip<unggul::aggregator::PublicationKey>(bytes);
  RoundTrip<unggul::aggregator::DesignationKey>(bytes);
  RoundTrip<unggul::aggregator::IncidentKey>(bytes);
  return 0;
}
