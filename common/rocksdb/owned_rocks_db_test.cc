#include "common/rocksdb/owned_rocks_db.h"

#include <string>

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

}  // namespace
}  // namespace unggul
