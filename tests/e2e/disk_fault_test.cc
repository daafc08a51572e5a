// Disk faults with the real binaries: a node and a Kanwil whose disk fills up (a small tmpfs
// mounted by the test, so it needs root; skipped otherwise), and data directories that are
// locked by another process or on a read-only filesystem.
//
// What a user relies on: while the disk is full, writes are refused with RESOURCE_EXHAUSTED and a
// message naming the directory, reads go on, nothing stored before is lost, the process keeps
// running, and writing (and syncing) resumes by itself once space is freed. Waits are on events:
// port FIFOs, WaitForSync with a deadline.

#include <sys/statvfs.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/process.h"

namespace unggul::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kUpt[] = "SMS-LP-LAHAT";
// RocksDB preallocates its ~70 MiB write-ahead log, so the small disks are 128 MiB.
constexpr char kDiskSize[] = "size=128m";
constexpr int kReserveMb = 16;
// util-linux (Debian's mount package; the test runs argv without a shell or PATH search).
constexpr char kMount[] = "/usr/bin/mount";
constexpr char kUmount[] = "/usr/bin/umount";
constexpr char kFallocate[] = "/usr/bin/fallocate";

std::string BatchJson(int i) {
  return absl::StrCat(R"({"batch_code":"SMS-LP-LAHAT-GSJM-DF-)", i,
                      R"(","product_id":"SMS-LP-LAHAT-GSJM","start_date":"2026-10-02",)",
                      R"("qty_produced":20,"unit":"UNIT_KG","inmates_engaged_count":6})");
}

class DiskFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root (CI runs as root)";
    std::ofstream(dir_.path() + "/registry.csv")
        << "upt_code,official_name,type,subtype,class,regency_code,kanwil_code,"
           "needs_verification\n"
           "SMS-LP-LAHAT,Lapas Kelas IIA Lahat,LAPAS,,IIA,16.04,SUMSEL,false\n";
  }

  void TearDown() override {
    for (Process* p : {&node_, &kanwil_}) {
      if (p->running()) {
        p->Signal(SIGKILL);
        p->Wait();
      }
    }
    for (const std::string& m : mounts_) {
      ::unggul::testing::Run({kUmount, "-l", m}).status().IgnoreError();  // best effort
    }
  }

  // A fresh tmpfs of kDiskSize at <tmp>/<name>.
  std::string Mount(const std::string& name) {
    const std::string path = dir_.path() + "/" + name;
    std::filesystem::create_directories(path);
    absl::StatusOr<RunResult> r =
        ::unggul::testing::Run({kMount, "-t", "tmpfs", "-o", kDiskSize, "tmpfs", path});
    EXPECT_TRUE(r.ok() && r->exit_code == 0) << (r.ok() ? r->err : r.status().ToString());
    mounts_.push_back(path);
    return path;
  }

  // Fills the filesystem at `path` until `leave_mb` MiB are available.
  void Fill(const std::string& path, int leave_mb) {
    struct statvfs st;
    ASSERT_EQ(statvfs(path.c_str(), &st), 0);
    const int64_t avail = static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
    const int64_t fill = avail - (static_cast<int64_t>(leave_mb) << 20);
    ASSERT_GT(fill, 0);
    RunResult r =
        ::unggul::testing::Run({kFallocate, "-l", absl::StrCat(fill), path + "/filler"}).value();
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  void Free(const std::string& path) { ASSERT_EQ(std::remove((path + "/filler").c_str()), 0); }

  // Starts a server; the port comes from a FIFO (deadline 60 s).
  int Start(Process& process, const std::vector<std::string>& argv, const std::string& name) {
    absl::StatusOr<StartedServer> server =
        StartServer(argv, absl::StrCat(dir_.path(), "/port-", name, "-", starts_++),
                    dir_.path() + "/" + name + ".log");
    EXPECT_TRUE(server.ok()) << server.status();
    if (!server.ok()) return 0;
    process = std::move(server->process);
    return server->port;
  }

  int StartKanwil(const std::string& data_dir) {
    return Start(kanwil_,
                 {KANWIL_AGGREGATOR_BIN, "--insecure", "--data_dir=" + data_dir,
                  "--registry_file=" + dir_.path() + "/registry.csv",
                  absl::StrCat("--min_free_disk_mb=", kReserveMb)},
                 "kanwil");
  }

  int StartNode(const std::string& data_dir, int kanwil_port) {
    return Start(
        node_,
        {UPT_NODE_BIN, "--insecure", std::string("--upt_code=") + kUpt, "--data_dir=" + data_dir,
         absl::StrCat("--aggregator_addr=127.0.0.1:", kanwil_port), "--sync_heartbeat=200ms",
         "--sync_max_backoff=500ms", absl::StrCat("--min_free_disk_mb=", kReserveMb)},
        "node");
  }

  RunResult Ctl(int port, const std::vector<std::string>& args) {
    return RunCtl(UNGGULCTL_BIN, port, args);
  }

  RunResult RecordBatch(int port, int i) {
    return Ctl(port,
               {"batch", "record", "--json", BatchJson(i), "--request-id", absl::StrCat("df-", i)});
  }

  // "digest" of `unggulctl info` on a node, and the Kanwil's digest of the UPT.
  std::string NodeDigest(int port) {
    RunResult r = Ctl(port, {"info"});
    for (absl::string_view line : absl::StrSplit(r.out, '\n')) {
      std::vector<std::string> f = absl::StrSplit(line, ' ', absl::SkipEmpty());
      if (f.size() == 2 && f[0] == "digest") return f[1];
    }
    return "";
  }
  std::string KanwilDigest(int port) {
    RunResult r = Ctl(port, {"kanwil", "digest", kUpt});
    return r.out;
  }

  ScopedTempDir dir_;
  std::vector<std::string> mounts_;
  int starts_ = 0;
  Process node_ = Process::Start({"/bin/true"}, "/dev/null").value();
  Process kanwil_ = Process::Start({"/bin/true"}, "/dev/null").value();
};

constexpr char kProductJson[] =
    R"({"product_id":"SMS-LP-LAHAT-GSJM","name":"Gula Semut Jahe Merah",)"
    R"("category":"CATEGORY_PANGAN_OLAHAN"})";

TEST_F(DiskFaultTest, NodeRefusesWritesWhileItsDiskIsFullKeepsReadingAndResumesByItself) {
  const int k = StartKanwil(dir_.path() + "/kanwil");
  const std::string disk = Mount("node-disk");
  int n = StartNode(disk + "/db", k);
  ASSERT_EQ(Ctl(n, {"product", "create", "--json", kProductJson}).exit_code, 0);
  ASSERT_EQ(RecordBatch(n, 1).exit_code, 0);

  Fill(disk, kReserveMb / 2);
  RunResult r = RecordBatch(n, 2);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("RESOURCE_EXHAUSTED: put batch SMS-LP-LAHAT-GSJM-DF-2: disk full"));
  EXPECT_THAT(r.err, HasSubstr(disk + "/db, below the reserve of 16.0 MiB"));
  r = Ctl(n, {"batch", "get", "SMS-LP-LAHAT-GSJM-DF-1"});  // reads go on
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Ctl(n, {"info"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("last_seq                2"));  // nothing half-written

  Free(disk);
  r = RecordBatch(n, 2);  // the retry of the refused write, same request id
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("(written)"));

  // Acknowledged writes survive kill -9, and the Kanwil ends with the same records.
  node_.Signal(SIGKILL);
  node_.Wait();
  n = StartNode(disk + "/db", k);
  ASSERT_EQ(Ctl(n, {"batch", "get", "SMS-LP-LAHAT-GSJM-DF-2"}).exit_code, 0);
  ASSERT_EQ(Ctl(n, {"sync", "wait", "--wait", "60"}).exit_code, 0);
  EXPECT_EQ(NodeDigest(n).substr(0, 2), "3/");
  EXPECT_THAT(KanwilDigest(k), HasSubstr(NodeDigest(n)));
}

TEST_F(DiskFaultTest, KanwilWithAFullDiskStopsApplyingServesReadsAndCatchesUp) {
  const std::string disk = Mount("kanwil-disk");
  const int k = StartKanwil(disk + "/db");
  const int n = StartNode(dir_.path() + "/node", k);
  ASSERT_EQ(Ctl(n, {"product", "create", "--json", kProductJson}).exit_code, 0);
  ASSERT_EQ(Ctl(n, {"sync", "wait", "--wait", "60"}).exit_code, 0);

  Fill(disk, kReserveMb / 2);
  for (int i = 1; i <= 20; ++i) ASSERT_EQ(RecordBatch(n, i).exit_code, 0);  // the node writes on
  // The Kanwil refuses to apply: the node's changes stay unacknowledged and it says why.
  RunResult r = Ctl(n, {"sync", "wait", "--wait", "3"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("DEADLINE_EXCEEDED"));
  r = Ctl(n, {"info"});
  EXPECT_THAT(r.out, HasSubstr("sync.last_error"));
  EXPECT_THAT(r.out, HasSubstr("disk full"));
  r = Ctl(k, {"kanwil", "upts"});  // the Kanwil serves reads meanwhile
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("SMS-LP-LAHAT"));

  Free(disk);
  r = Ctl(n, {"sync", "wait", "--wait", "60"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(NodeDigest(n).substr(0, 3), "21/");
  EXPECT_THAT(KanwilDigest(k), HasSubstr(NodeDigest(n)));
}

TEST_F(DiskFaultTest, LockedAndReadOnlyDataDirectoriesAreRefusedByName) {
  const std::string disk = Mount("ro-disk");
  const std::string db = disk + "/db";
  const int k = StartKanwil(dir_.path() + "/kanwil");
  StartNode(db, k);
  // A second node on the same directory: refused, the directory named, the first one unharmed.
  RunResult r =
      ::unggul::testing::Run({UPT_NODE_BIN, "--insecure", std::string("--upt_code=") + kUpt,
                              "--data_dir=" + db, "--listen=127.0.0.1:0"})
          .value();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("data directory " + db + " is in use by another process"));
  // The same for a second Kanwil on the live Kanwil's directory.
  r = ::unggul::testing::Run(
          {KANWIL_AGGREGATOR_BIN, "--insecure", "--data_dir=" + dir_.path() + "/kanwil",
           "--registry_file=" + dir_.path() + "/registry.csv", "--listen=127.0.0.1:0"})
          .value();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("is in use by another process"));

  node_.Signal(SIGTERM);
  ASSERT_EQ(node_.Wait(), 0);
  r = ::unggul::testing::Run({kMount, "-o", "remount,ro", disk}).value();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = ::unggul::testing::Run({UPT_NODE_BIN, "--insecure", std::string("--upt_code=") + kUpt,
                              "--data_dir=" + db, "--listen=127.0.0.1:0"})
          .value();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("data directory " + db + " is on a read-only filesystem"));
}

}  // namespace
}  // namespace unggul::testing
