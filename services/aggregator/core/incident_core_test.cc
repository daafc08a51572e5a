#include "services/aggregator/core/incident_core.h"

#include <memory>
#include <string>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregator/testing/kanwil_test_bed.h"

namespace unggul::aggregator {
namespace {

namespace kv1 = ::unggul::kanwil::v1;
namespace v1 = ::unggul::node::v1;
using ::testing::HasSubstr;
using ::unggul::testing::StatusIs;

constexpr char kGula[] = "SMS-LP-LAHAT-GSJM";

class IncidentCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    v1::Record product;
    product.mutable_product()->set_product_id(kGula);
    product.mutable_product()->set_name("Gula Semut Jahe Merah");
    product.mutable_product()->set_category(v1::CATEGORY_PANGAN_OLAHAN);
    kanwil_.Apply(testing::kLahat, {product});
    core_ = std::make_unique<IncidentCore>(kanwil_.store(), kanwil_.store().panel(), kanwil_.sync(),
                                           kanwil_.clock());
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

  testing::KanwilTestBed kanwil_;
  std::unique_ptr<IncidentCore> core_;
};

TEST_F(IncidentCoreTest, RecordCloseAndListWithExactRules) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Incident opened,
                              core_->RecordIncident(Recall("BPOM-RECALL-2026-07", "2026-07-14")));
  EXPECT_EQ(opened.incident_id().rfind("INC-", 0), 0u);
  EXPECT_EQ(opened.recorded_at_unix_ms(), absl::ToUnixMillis(kanwil_.clock().Now()));
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
