#include "services/aggregator/core/designation_core.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "common/testing/fake_clock.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"
#include "services/aggregator/core/replica_apply.h"
#include "services/aggregator/store/rocksdb_kanwil_store.h"

namespace unggul::aggregator {
namespace {

namespace kv1 = ::unggul::kanwil::v1;
namespace v1 = ::unggul::node::v1;
using ::testing::HasSubstr;
using ::unggul::testing::StatusIs;

constexpr char kGula[] = "SMS-LP-LAHAT-GSJM";
constexpr char kRotan[] = "SMS-LP-LAHAT-ROTAN";
// Passes the gates, fails floor C: Produk Potensial.
constexpr char kKursi[] = "SMS-LP-LAHAT-KRS";

class FakeScores : public ScoreProvider {
 public:
  absl::StatusOr<Frozen> ScoreFor(absl::string_view product_id, absl::string_view start_month,
                                  absl::string_view) const override {
    Frozen f;
    f.score.set_product_id(std::string(product_id));
    f.score.set_upt_code("SMS-LP-LAHAT");
    f.score.set_eligible(product_id == kGula || product_id == kKursi);
    f.score.set_total(product_id == kKursi ? 62.5 : 76.0);
    f.score.set_stars(product_id == kKursi ? 3 : 4);
    f.score.set_rank(product_id == kGula ? 1 : 0);
    f.score.set_standing(product_id == kGula    ? kv1::STANDING_RANKED
                         : product_id == kKursi ? kv1::STANDING_POTENTIAL
                                                : kv1::STANDING_INELIGIBLE);
    if (product_id == kKursi) {
      kv1::FloorResult* floor = f.score.add_floors();
      floor->set_floor("C");
      floor->set_required(14.0);
      floor->set_actual(12.5);
      floor->set_passed(false);
    }
    if (product_id == kRotan) {
      kv1::GateResult* g = f.score.add_gates();
      g->set_gate("G3");
      g->set_reason("no valid food-safety licence");
    }
    f.model_version = "SPUP-1.0";
    f.model_hash = "abc";
    const bool next = start_month == "2027-01";
    f.period_start = next ? "2027-01-01" : "2025-11-01";
    f.period_end = next ? "2027-12-31" : "2026-10-31";
    f.period_label = next ? "2027" : "2025-11..2026-10";
    return f;
  }
};

kv1::Actor Actor(const std::string& user, const std::string& role) {
  kv1::Actor a;
  a.set_user(user);
  a.set_role(role);
  return a;
}

class DesignationCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RocksDbKanwilStore::Options o;
    o.path = dir_.path() + "/db";
    o.sync_writes = false;
    store_ = *RocksDbKanwilStore::Open(o);
    std::vector<IncomingChange> changes;
    for (const char* id : {kGula, kRotan, kKursi}) {
      IncomingChange c;
      c.seq = changes.size() + 1;
      c.record.mutable_product()->set_product_id(id);
      c.record.mutable_product()->set_name(id);
      changes.push_back(c);
    }
    ASSERT_TRUE(
        ApplyChanges(*store_, "SMS-LP-LAHAT", "0123456789abcdef0123456789abcdef", changes, 3, 1)
            .ok());
    core_ =
        std::make_unique<DesignationCore>(*store_, store_->designations(), scores_, hub_, clock_,
                                          "SUMSEL", "Kanwil Ditjenpas Sumatera Selatan");
    hub_.Subscribe([this](const kv1::Publication& p) { published_.push_back(p); });
  }

  kv1::Designation Draft(kv1::DesignationLevel level = kv1::DESIGNATION_LEVEL_KANWIL,
                         const std::string& start = "") {
    kv1::CreateDesignationRequest req;
    req.set_product_id(kGula);
    req.set_level(level);
    req.set_start_month(start);
    req.set_end_month(start.empty() ? "" : "2027-12");
    *req.mutable_actor() = Actor("kalapas.lahat", "KEPALA_UPT");
    auto d = core_->Create(req);
    EXPECT_TRUE(d.ok()) << d.status();
    return d.ok() ? *d : kv1::Designation();
  }

  absl::StatusOr<kv1::Designation> Act(const kv1::Designation& d, kv1::DesignationAction action,
                                       const std::string& user,
                                       const std::string& decree = "W6.PAS-123/2026") {
    kv1::TransitionDesignationRequest req;
    req.set_designation_id(d.designation_id());
    req.set_action(action);
    *req.mutable_actor() = Actor(user, "ADMIN");
    req.set_decree_number(decree);
    req.set_revocation_reason(kv1::REVOCATION_REASON_CERT_LAPSED);
    return core_->Transition(req);
  }

  kv1::Designation Published() {
    kv1::Designation d = Draft();
    d = *Act(d, kv1::DESIGNATION_ACTION_SUBMIT, "kalapas.lahat");
    d = *Act(d, kv1::DESIGNATION_ACTION_VERIFY, "kabid.yanbin");
    d = *Act(d, kv1::DESIGNATION_ACTION_APPROVE, "kakanwil");
    return *Act(d, kv1::DESIGNATION_ACTION_PUBLISH, "humas.kanwil");
  }

  size_t AuditSize() { return core_->AuditLog(kv1::GetAuditLogRequest())->entries_size(); }

  unggul::testing::ScopedTempDir dir_;
  unggul::testing::FakeClock clock_{absl::FromUnixSeconds(1795921200)};  // 2026-11-29
  FakeScores scores_;
  PublicationHub hub_;
  std::unique_ptr<RocksDbKanwilStore> store_;
  std::unique_ptr<DesignationCore> core_;
  std::vector<kv1::Publication> published_;
};

TEST_F(DesignationCoreTest, FullWorkflowToPublished) {
  kv1::Designation d = Draft();
  EXPECT_EQ(d.status(), kv1::DESIGNATION_STATUS_DRAFT);
  EXPECT_EQ(d.frozen_score().total(), 76.0);
  EXPECT_EQ(d.model_version(), "SPUP-1.0");
  EXPECT_EQ(d.title(),
            "SMS-LP-LAHAT-GSJM — Produk Unggulan Kanwil Ditjenpas Sumatera Selatan "
            "2025-11..2026-10");
  d = *Act(d, kv1::DESIGNATION_ACTION_SUBMIT, "kalapas.lahat");
  EXPECT_EQ(d.status(), kv1::DESIGNATION_STATUS_PROPOSED);
  d = *Act(d, kv1::DESIGNATION_ACTION_VERIFY, "kabid.yanbin");
  d = *Act(d, kv1::DESIGNATION_ACTION_APPROVE, "kakanwil");
  EXPECT_EQ(d.decree_number(), "W6.PAS-123/2026");
  EXPECT_TRUE(published_.empty());
  d = *Act(d, kv1::DESIGNATION_ACTION_PUBLISH, "humas.kanwil");
  EXPECT_EQ(d.status(), kv1::DESIGNATION_STATUS_PUBLISHED);
  EXPECT_EQ(d.valid_from(), "2026-11-29");
  EXPECT_EQ(d.valid_until(), "2027-11-28");
  EXPECT_EQ(d.publication_revision(), 1u);
  EXPECT_EQ(d.version(), 5);
  ASSERT_EQ(published_.size(), 1u);
  EXPECT_EQ(ToNotice(published_[0]).status(), "PUBLISHED");
  EXPECT_EQ(AuditSize(), 5u);
  EXPECT_TRUE(core_->VerifyAuditLog()->ok());
  // Reading after any revision, the largest included, is well defined (no wrap to 0).
  UNGGUL_ASSERT_OK_AND_ASSIGN(auto after_last, store_->designations().ReadPublications(1, 10));
  EXPECT_TRUE(after_last.empty());
  UNGGUL_ASSERT_OK_AND_ASSIGN(auto after_max,
                              store_->designations().ReadPublications(UINT64_MAX, 10));
  EXPECT_TRUE(after_max.empty());
}

TEST_F(DesignationCoreTest, IllegalTransitionsChangeNothing) {
  kv1::Designation d = Draft();
  for (auto action : {kv1::DESIGNATION_ACTION_VERIFY, kv1::DESIGNATION_ACTION_APPROVE,
                      kv1::DESIGNATION_ACTION_PUBLISH, kv1::DESIGNATION_ACTION_REVOKE,
                      kv1::DESIGNATION_ACTION_REJECT}) {
    EXPECT_THAT(Act(d, action, "someone").status(),
                StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("in status DRAFT")));
  }
  d = *Act(d, kv1::DESIGNATION_ACTION_SUBMIT, "kalapas.lahat");
  for (auto action : {kv1::DESIGNATION_ACTION_SUBMIT, kv1::DESIGNATION_ACTION_WITHDRAW,
                      kv1::DESIGNATION_ACTION_APPROVE, kv1::DESIGNATION_ACTION_PUBLISH,
                      kv1::DESIGNATION_ACTION_REVOKE}) {
    EXPECT_THAT(Act(d, action, "someone").status(),
                StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("in status PROPOSED")));
  }
  EXPECT_EQ(core_->Get(d.designation_id())->version(), d.version());
  EXPECT_EQ(AuditSize(), 2u);
  // Terminal states take no action.
  kv1::Designation rejected = *Act(d, kv1::DESIGNATION_ACTION_REJECT, "kabid.yanbin");
  EXPECT_EQ(rejected.status(), kv1::DESIGNATION_STATUS_REJECTED);
  for (int a = 1; a <= 7; ++a) {
    EXPECT_THAT(Act(rejected, static_cast<kv1::DesignationAction>(a), "x").status(),
                StatusIs(absl::StatusCode::kFailedPrecondition));
  }
  kv1::Designation draft2 = Draft();
  EXPECT_EQ(Act(draft2, kv1::DESIGNATION_ACTION_WITHDRAW, "kalapas.lahat")->status(),
            kv1::DESIGNATION_STATUS_WITHDRAWN);
}

TEST_F(DesignationCoreTest, SeparationOfDuties) {
  kv1::Designation d = *Act(Draft(), kv1::DESIGNATION_ACTION_SUBMIT, "kalapas.lahat");
  EXPECT_THAT(Act(d, kv1::DESIGNATION_ACTION_VERIFY, "kalapas.lahat").status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("separation of duties")));
  // One person whatever the case of the user id.
  EXPECT_THAT(Act(d, kv1::DESIGNATION_ACTION_VERIFY, "KALAPAS.Lahat").status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("separation of duties")));
  d = *Act(d, kv1::DESIGNATION_ACTION_VERIFY, "kabid.yanbin");
  EXPECT_THAT(Act(d, kv1::DESIGNATION_ACTION_APPROVE, "Kabid.Yanbin").status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("separation of duties")));
  EXPECT_THAT(Act(d, kv1::DESIGNATION_ACTION_APPROVE, "kabid.yanbin").status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("separation of duties")));
  EXPECT_THAT(Act(d, kv1::DESIGNATION_ACTION_APPROVE, "kalapas.lahat").status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("separation of duties")));
  EXPECT_THAT(Act(d, kv1::DESIGNATION_ACTION_APPROVE, "kakanwil", "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("decree_number")));
  EXPECT_EQ(Act(d, kv1::DESIGNATION_ACTION_APPROVE, "kakanwil")->status(),
            kv1::DESIGNATION_STATUS_APPROVED);
}

TEST_F(DesignationCoreTest, RevokeExpireSupersedeArePublished) {
  kv1::Designation d = Published();
  kv1::TransitionDesignationRequest revoke;
  revoke.set_designation_id(d.designation_id());
  revoke.set_action(kv1::DESIGNATION_ACTION_REVOKE);
  *revoke.mutable_actor() = Actor("kakanwil", "KAKANWIL");
  EXPECT_THAT(core_->Transition(revoke).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("revocation_reason")));
  revoke.set_revocation_reason(kv1::REVOCATION_REASON_CERT_LAPSED);
  revoke.set_expected_version(d.version() - 1);
  EXPECT_THAT(core_->Transition(revoke).status(), StatusIs(absl::StatusCode::kAborted));
  revoke.set_expected_version(d.version());
  EXPECT_EQ(core_->Transition(revoke)->status(), kv1::DESIGNATION_STATUS_REVOKED);
  ASSERT_EQ(published_.size(), 2u);
  EXPECT_EQ(published_[1].revision(), 2u);

  kv1::Designation e = Published();  // revision 3
  clock_.Advance(absl::Hours(24 * 366));
  EXPECT_EQ(core_->Get(e.designation_id())->status(), kv1::DESIGNATION_STATUS_EXPIRED);
  EXPECT_EQ(published_.back().designation().status(), kv1::DESIGNATION_STATUS_EXPIRED);

  clock_.Set(absl::FromUnixSeconds(1795921200));
  kv1::Designation old = Published();
  kv1::Designation next = Draft(kv1::DESIGNATION_LEVEL_KANWIL, "2027-01");
  next = *Act(next, kv1::DESIGNATION_ACTION_SUBMIT, "kalapas.lahat");
  next = *Act(next, kv1::DESIGNATION_ACTION_VERIFY, "kabid.yanbin");
  next = *Act(next, kv1::DESIGNATION_ACTION_APPROVE, "kakanwil");
  next = *Act(next, kv1::DESIGNATION_ACTION_PUBLISH, "humas.kanwil");
  kv1::Designation superseded = *core_->Get(old.designation_id());
  EXPECT_EQ(superseded.status(), kv1::DESIGNATION_STATUS_SUPERSEDED);
  EXPECT_EQ(superseded.superseded_by(), next.designation_id());
  EXPECT_TRUE(core_->VerifyAuditLog()->ok());
}

TEST_F(DesignationCoreTest, IneligibleProductCannotBeDrafted) {
  kv1::CreateDesignationRequest req;
  req.set_product_id(kRotan);
  req.set_level(kv1::DESIGNATION_LEVEL_UPT);
  *req.mutable_actor() = Actor("kalapas.lahat", "KEPALA_UPT");
  EXPECT_THAT(core_->Create(req).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("G3")));
  req.clear_actor();
  req.set_product_id(kGula);
  EXPECT_THAT(core_->Create(req).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("actor.user")));
}

TEST_F(DesignationCoreTest, AKanwilDesignationNeedsARankedProduct) {
  kv1::CreateDesignationRequest req;
  req.set_product_id(kKursi);
  req.set_level(kv1::DESIGNATION_LEVEL_KANWIL);
  *req.mutable_actor() = Actor("kalapas.lahat", "KEPALA_UPT");
  EXPECT_THAT(core_->Create(req).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "product SMS-LP-LAHAT-KRS is not ranked in 2025-11..2026-10 (standing "
                       "POTENTIAL: floor C 12.5 < 14.0): a Kanwil designation takes a RANKED "
                       "product, one that passes every gate and floor"));
  EXPECT_EQ(AuditSize(), 0u);
  // The UPT's own designation needs the gates only (DOMAIN: floors are for the Kanwil level).
  req.set_level(kv1::DESIGNATION_LEVEL_UPT);
  UNGGUL_EXPECT_OK(core_->Create(req));
}

TEST_F(DesignationCoreTest, OneOpenDesignationPerProductLevelAndPeriod) {
  const kv1::Designation first = Draft();
  kv1::CreateDesignationRequest again;
  again.set_product_id(kGula);
  again.set_level(kv1::DESIGNATION_LEVEL_KANWIL);
  *again.mutable_actor() = Actor("kalapas.lahat", "KEPALA_UPT");
  EXPECT_THAT(core_->Create(again).status(),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       absl::StrCat("product SMS-LP-LAHAT-GSJM already has designation ",
                                    first.designation_id(),
                                    " (DRAFT) at level KANWIL for 2025-11..2026-10; withdraw, "
                                    "reject or revoke it first")));
  // Another level, or another period, is another designation.
  again.set_level(kv1::DESIGNATION_LEVEL_UPT);
  UNGGUL_EXPECT_OK(core_->Create(again));
  EXPECT_EQ(Draft(kv1::DESIGNATION_LEVEL_KANWIL, "2027-01").status(),
            kv1::DESIGNATION_STATUS_DRAFT);
  // Withdrawn, it makes room for a new draft.
  UNGGUL_ASSERT_OK(Act(first, kv1::DESIGNATION_ACTION_WITHDRAW, "kalapas.lahat"));
  again.set_level(kv1::DESIGNATION_LEVEL_KANWIL);
  UNGGUL_EXPECT_OK(core_->Create(again));
}

TEST_F(DesignationCoreTest, ActorRolesAreTheKnownOnesAndTheTitleNamesTheProduct) {
  kv1::CreateDesignationRequest req;
  req.set_product_id(kGula);
  req.set_level(kv1::DESIGNATION_LEVEL_KANWIL);
  *req.mutable_actor() = Actor("kalapas.lahat", "BOSS");
  EXPECT_THAT(core_->Create(req).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("actor.role: must be one of KEPALA_UPT, KASI_GIATJA")));
  const kv1::Designation d = Draft();
  EXPECT_EQ(d.title(),
            "SMS-LP-LAHAT-GSJM — Produk Unggulan Kanwil Ditjenpas Sumatera Selatan "
            "2025-11..2026-10");
}

TEST_F(DesignationCoreTest, AuditChainDetectsATamperedEntry) {
  Published();
  kv1::GetAuditLogResponse log = *core_->AuditLog(kv1::GetAuditLogRequest());
  ASSERT_EQ(log.entries_size(), 5);
  kv1::AuditEntry tampered = log.entries(2);
  tampered.mutable_actor()->set_user("someone.else");  // rewrite who verified
  ASSERT_TRUE(store_->designations().TamperAuditEntryForTest(tampered).ok());
  kv1::VerifyAuditLogResponse v = *core_->VerifyAuditLog();
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.first_bad_seq(), 3u);
  EXPECT_THAT(v.problem(), HasSubstr("entry_hash"));
}

}  // namespace
}  // namespace unggul::aggregator
