#include "common/rocksdb/owned_rocks_db.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/rocksdb/rocks_status.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"

namespace unggul {
namespace {

using ::unggul::testing::IsOk;
using ::unggul::testing::ScopedTempDir;
using ::unggul::testing::StatusIs;

TEST(OwnedRocksDbTest, WritesSurviveReopen) {
  ScopedTempDir dir;
  {
    UNGGUL_ASSERT_OK_AND_ASSIGN(auto db, OwnedRocksDb::Open(dir.path() + "/db", {"a", "b"}, true));
    EXPECT_TRUE(db->write_options().sync);
    ASSERT_TRUE(db->db().Put(db->write_options(), db->cf("b"), "k", "v").ok());
  }
  UNGGUL_ASSERT_OK_AND_ASSIGN(auto db, OwnedRocksDb::Open(dir.path() + "/db", {"a", "b"}, false));
  std::string value;
  ASSERT_TRUE(db->db().Get(rocksdb::ReadOptions(), db->cf("b"), "k", &value).ok());
  EXPECT_EQ(value, "v");
  EXPECT_TRUE(db->db().Get(rocksdb::ReadOptions(), db->cf("a"), "k", &value).IsNotFound());
}

TEST(OwnedRocksDbTest, SecondOpenOfSameDirIsRefused) {
  ScopedTempDir dir;
  UNGGUL_ASSERT_OK_AND_ASSIGN(auto db, OwnedRocksDb::Open(dir.path() + "/db", {"a"}, false));
  EXPECT_THAT(OwnedRocksDb::Open(dir.path() + "/db", {"a"}, false).status(),
              StatusIs(absl::StatusCode::kAborted));
}

TEST(RocksStatusTest, MapsCodes) {
  EXPECT_THAT(FromRocksStatus(rocksdb::Status::OK(), "x"), IsOk());
  EXPECT_THAT(FromRocksStatus(rocksdb::Status::Corruption("bad block"), "get"),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(FromRocksStatus(rocksdb::Status::Busy(), "put"),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(FromRocksStatus(rocksdb::Status::TryAgain(), "put"),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(FromRocksStatus(rocksdb::Status::ShutdownInProgress(), "put"),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(FromRocksStatus(rocksdb::Status::IOError("disk"), "put"),
              StatusIs(absl::StatusCode::kInternal));
  EXPECT_EQ(FromRocksStatus(rocksdb::Status::IOError("disk"), "put batch B1").message(),
            "put batch B1: IO error: disk");
}

TEST(MigrateStepwiseTest, RunsEachStepThenStoresItsVersionAndStopsAtAFailure) {
  std::vector<std::string> log;
  uint32_t version = 1;
  auto step = [&](uint32_t from) -> absl::Status {
    log.push_back(absl::StrCat("step ", from));
    if (from == 3) return absl::DataLossError("bad row");
    return absl::OkStatus();
  };
  auto store = [&](uint32_t to) {
    log.push_back(absl::StrCat("store ", to));
    return absl::OkStatus();
  };
  EXPECT_EQ(MigrateStepwise(&version, 3, step, store), absl::OkStatus());
  EXPECT_EQ(version, 3u);
  EXPECT_EQ(log, (std::vector<std::string>{"step 1", "store 2", "step 2", "store 3"}));
  log.clear();
  EXPECT_EQ(MigrateStepwise(&version, 5, step, store).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(version, 3u);  // the failed step stored nothing: the next start redoes it
  EXPECT_EQ(log, (std::vector<std::string>{"step 3"}));
  EXPECT_EQ(MigrateStepwise(&version, 3, step, store), absl::OkStatus());  // nothing to do
}

}  // namespace
}  // namespace unggul
