#pragma once

// The designation workflow of produk unggulan: DRAFT -> PROPOSED -> VERIFIED -> APPROVED ->
// PUBLISHED, with REJECTED, WITHDRAWN, REVOKED (reason), EXPIRED (validity passed) and
// SUPERSEDED (a later period published). Separation of duties: proposer != verifier != approver.
// Every change is one atomic commit of the designation, a hash-chained audit entry and, for
// public changes, a publication with the next revision (fanned out through PublicationHub).
//
// Codes: InvalidArgument, NotFound, FailedPrecondition (illegal transition, ineligible
// product, same person twice; nothing changes), Aborted (stale expected_version).
// Thread-safe: one mutex serialises every workflow write.

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/time/clock.h"
#include "services/aggregator/core/publication_hub.h"
#include "services/aggregator/store/designation_store.h"
#include "services/aggregator/store/kanwil_store.h"
#include "unggul/kanwil/v1/designation.pb.h"

namespace unggul::aggregator {

// The ranking as the designation workflow needs it; implemented over the ranking engine.
class ScoreProvider {
 public:
  struct Frozen {
    kanwil::v1::ProductScore score;
    std::string model_version;
    std::string model_hash;
    std::string period_start;  // "YYYY-MM-DD"
    std::string period_end;
    std::string period_label;
  };
  virtual ~ScoreProvider() = default;
  // The product's score in the ranking of [start_month, end_month] ("YYYY-MM"; empty = the
  // last 12 complete months). NotFound: product not replicated.
  virtual absl::StatusOr<Frozen> ScoreFor(absl::string_view product_id,
                                          absl::string_view start_month,
                                          absl::string_view end_month) const = 0;
};

class DesignationCore {
 public:
  DesignationCore(KanwilStore& records, DesignationStore& store, const ScoreProvider& scores,
                  PublicationHub& hub, const Clock& clock, std::string kanwil_code,
                  std::string kanwil_name);

  absl::StatusOr<kanwil::v1::Designation> Create(const kanwil::v1::CreateDesignationRequest& req);
  absl::StatusOr<kanwil::v1::Designation> Transition(
      const kanwil::v1::TransitionDesignationRequest& req);
  absl::StatusOr<kanwil::v1::Designation> Get(absl::string_view id);
  absl::StatusOr<kanwil::v1::ListDesignationsResponse> List(
      const kanwil::v1::ListDesignationsRequest& req);
  absl::StatusOr<kanwil::v1::GetAuditLogResponse> AuditLog(
      const kanwil::v1::GetAuditLogRequest& req) const;
  absl::StatusOr<kanwil::v1::VerifyAuditLogResponse> VerifyAuditLog() const;

  // Moves PUBLISHED designations whose valid_until has passed (Asia/Jakarta) to EXPIRED.
  // Called before every read and write; also usable from a timer.
  absl::Status ExpireDue();

 private:
  struct Pending {
    DesignationCommit commit;
    uint64_t next_seq = 1;
    std::string prev_hash;
    uint64_t next_revision = 1;
  };
  absl::StatusOr<Pending> Begin() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Records the new state `d` (from `from`) in `p`: audit entry, and publication when public.
  void Record(Pending& p, kanwil::v1::Designation d, const kanwil::v1::Actor& actor,
              const std::string& action, kanwil::v1::DesignationStatus from, bool publish) const;
  absl::Status Finish(Pending& p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status ExpireDueLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string Today() const;

  KanwilStore& records_;
  DesignationStore& store_;
  const ScoreProvider& scores_;
  PublicationHub& hub_;
  const Clock& clock_;
  const std::string kanwil_code_;
  const std::string kanwil_name_;
  absl::Mutex mu_;
};

// The node-facing view of a publication.
node::v1::DesignationNotice ToNotice(const kanwil::v1::Publication& publication);

}  // namespace unggul::aggregator
