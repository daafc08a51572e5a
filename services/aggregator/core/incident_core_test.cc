#include "services/aggregator/core/incident_core.h"

#include <memory>
#include <string>

#include "common/testing/fake_clock.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregator/store/rocksdb_kanwil_store.h"

namespace unggul::aggregator {
namespace {

namespace kv1 = ::unggul::kanwil::v1;
namespace v1 = ::unggul::node::v1;
using ::testing::HasSubstr;
using ::unggul::testing::StatusIs;

constexpr char kUpt[] = "SMS-LP-LAHAT";
constexpr char kGula[] = "SMS-LP-LAHAT-GSJM";

class IncidentCoreTest : public ::testing::Test {
 protected:
  // 2026-11-29 10:00 in Jakarta.
  IncidentCoreTest() : clock_(absl::FromUnixSeconds(1795921200)) {}

  void SetUp() override {
    RocksDbKanwilStore::Options o;
    o.path = dir_.path() + "/db";
    o.sync_writes = false;
    auto store = RocksDbKanwilStore::Open(o);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    sync_ = std::make_unique<SyncCore>(*store_, clock_, SyncLimits());
    ASSERT_TRUE(sync_
                    ->LoadRegistry({{kUpt, "Lapas Kelas IIA Lahat", "LAPAS", "", "IIA", "16.04",
                                     "SUMSEL", false}},
                                   "h")
                    .ok());
    IncomingChange product;
    product.seq = 1;
    product.record.mutable_product()->set_product_id(kGula);
    product.record.mutable_product()->set_name("Gula Semut Jahe Merah");
    product.record.mutable_product()->set_category(v1::CATEGORY_PANGAN_OLAHAN);
    ASSERT_TRUE(
        store_->ApplyChanges(kUpt, "0123456789abcdef0123456789abcdef", {product}, 1, 1).ok());
    core_ = std::make_unique<IncidentCore>(*store_, *store_, *sync_, clock_);
  }

  static kv1::RecordIncidentRequest Recall(const std::string& reference, const std::string& day) {
    kv1::RecordIncidentRequest req;
    kv1::Incident* in = req.mutable_incident();
    in->set_product_id(kGula);
    in->set_kind(kv1::INCIDENT_KIND_RECALL);
    in->set_reference(reference);
    in->set_opened_date(day);
    in->set_recorded_by("kasi.bimker.kanwil");
    return req;
  }

  ::unggul::testing::ScopedTempDir dir_;
  ::unggul::testing::FakeClock clock_;
  std::unique_ptr<RocksDbKanwilStore> store_;
  std::unique_ptr<SyncCore> sync_;
  std::unique_ptr<IncidentCore> core_;
};

TEST_F(IncidentCoreTest, RecordCloseAndListWithExactRules) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Incident opened,
                              core_->RecordIncident(Recall("BPOM-RECALL-2026-07", "2026-07-14")));
  EXPECT_EQ(opened.incident_id().rfind("INC-", 0), 0u);
  EXPECT_EQ(opened.recorded_at_unix_ms(), absl::ToUnixMillis(clock_.Now()));
  // One incident per (product, reference).
  EXPECT_THAT(core_->RecordIncident(Recall("BPOM-RECALL-2026-07", "2026-07-20")).status(),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr(opened.incident_id())));
  UNGGUL_ASSERT_OK(core_->RecordIncident(Recall("AUDIT-2026-09", "2026-09-02")).status());

  kv1::CloseIncidentRequest close;
  close.set_incident_id(opened.incident_id());
  close.set_closed_by("kasi.bimker.kanwil");
  close.set_closed_date("2026-07-01");  // before it was opened
  EXPECT_THAT(core_->CloseIncident(close).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("closed_date: must not be before opened_date (2026-07-14)")));
  close.set_closed_date("2026-08-30");
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Incident closed, core_->CloseIncident(close));
  EXPECT_EQ(closed.closed_date(), "2026-08-30");
  EXPECT_THAT(core_->CloseIncident(close).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already closed")));

  kv1::ListIncidentsRequest all;
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::ListIncidentsResponse list, core_->ListIncidents(all));
  ASSERT_EQ(list.incidents_size(), 2);
  EXPECT_EQ(list.incidents(0).reference(), "AUDIT-2026-09");  // newest opened first
  kv1::ListIncidentsRequest open;
  open.set_open_only(true);
  UNGGUL_ASSERT_OK_AND_ASSIGN(list, core_->ListIncidents(open));
  ASSERT_EQ(list.incidents_size(), 1);
  EXPECT_EQ(list.incidents(0).reference(), "AUDIT-2026-09");
}

TEST_F(IncidentCoreTest, BadInputNamesTheFieldAndStoresNothing) {
  kv1::RecordIncidentRequest req = Recall("R-1", "2026-12-01");  // two days after today
  EXPECT_THAT(core_->RecordIncident(req).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("incident.opened_date: must not be in the future")));
  req = Recall("", "2026-11-01");
  EXPECT_THAT(core_->RecordIncident(req).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("incident.reference")));
  req = Recall("R-1", "2026-11-01");
  req.mutable_incident()->set_kind(kv1::INCIDENT_KIND_UNSPECIFIED);
  EXPECT_THAT(core_->RecordIncident(req).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("incident.kind")));
  req = Recall("R-1", "2026-11-01");
  req.mutable_incident()->set_product_id("SMS-LP-LAHAT-TIDAKADA");
  EXPECT_THAT(core_->RecordIncident(req).status(), StatusIs(absl::StatusCode::kNotFound));
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::ListIncidentsResponse list,
                              core_->ListIncidents(kv1::ListIncidentsRequest()));
  EXPECT_EQ(list.incidents_size(), 0);
}

}  // namespace
}  // namespace unggul::aggregator
