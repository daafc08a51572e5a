#pragma once

// A Kanwil for core and adapter tests: the RocksDB store in a temp dir, a registry of three
// Sumatera Selatan UPTs (Lahat, Sekayu, Rutan Palembang), the SyncCore over them, a FakeClock at
// 2026-11-29 10:00 Jakarta, and Apply() to add records as a UPT's next sync batch. Setup
// failures are test failures. Not thread-safe; one per test.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/testing/fake_clock.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"
#include "services/aggregator/core/sync_core.h"
#include "services/aggregator/store/rocksdb_kanwil_store.h"

namespace unggul::aggregator::testing {

inline constexpr char kLahat[] = "SMS-LP-LAHAT";
inline constexpr char kSekayu[] = "SMS-LP-SEKAYU";
inline constexpr char kRutanPalembang[] = "SMS-RT-PALEMBANG";
inline constexpr char kTestIncarnation[] = "0123456789abcdef0123456789abcdef";

class KanwilTestBed {
 public:
  KanwilTestBed() : clock_(absl::FromUnixSeconds(1795921200)) {
    RocksDbKanwilStore::Options o;
    o.path = dir_.path() + "/db";
    o.sync_writes = false;
    auto store = RocksDbKanwilStore::Open(o);
    EXPECT_TRUE(store.ok()) << store.status();
    if (store.ok()) store_ = *std::move(store);
    sync_ = std::make_unique<SyncCore>(*store_, clock_, SyncLimits());
    EXPECT_TRUE(
        sync_
            ->LoadRegistry(
                {{kLahat, "Lapas Kelas IIA Lahat", "LAPAS", "", "IIA", "16.04", "SUMSEL", false},
                 {kSekayu, "Lapas Kelas IIB Sekayu", "LAPAS", "", "IIB", "16.06", "SUMSEL", false},
                 {kRutanPalembang, "Rutan Kelas I Palembang", "RUTAN", "", "I", "16.71", "SUMSEL",
                  false}},
                "h")
            .ok());
  }

  RocksDbKanwilStore& store() { return *store_; }
  SyncCore& sync() { return *sync_; }
  ::unggul::testing::FakeClock& clock() { return clock_; }

  // Applies `records` to the UPT's replica as its next sync batch.
  void Apply(const std::string& upt, std::vector<node::v1::Record> records) {
    std::vector<IncomingChange> changes;
    uint64_t& seq = seq_[upt];
    for (node::v1::Record& r : records) changes.push_back({++seq, std::move(r)});
    EXPECT_TRUE(
        ApplyChanges(*store_, upt, kTestIncarnation, changes, seq, absl::ToUnixMillis(clock_.Now()))
            .ok());
  }

 private:
  ::unggul::testing::ScopedTempDir dir_;
  ::unggul::testing::FakeClock clock_;
  std::unique_ptr<RocksDbKanwilStore> store_;
  std::unique_ptr<SyncCore> sync_;
  std::map<std::string, uint64_t> seq_;
};

}  // namespace unggul::aggregator::testing
