#pragma once

// Storage interface of the Kanwil aggregator: per-UPT sync state, the replica of every UPT's
// records, monthly rollups and the versioned UPT registry.
//
// Contract: ApplyChanges and ReplaceUpt are atomic — records, rollups, digest and high-water
// mark move together or not at all. Codes: FailedPrecondition (gap after the HWM, other
// incarnation), NotFound, InvalidArgument (bad token or key), Aborted (RocksDB busy), DataLoss
// (undecodable bytes), Internal (I/O). Thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/records/records.h"
#include "unggul/kanwil/v1/dashboard.pb.h"
#include "unggul/node/v1/records.pb.h"

namespace unggul::aggregator {

struct UptSyncState {
  std::string upt_code;
  std::string incarnation_id;
  uint64_t hwm = 0;
  uint64_t node_last_seq = 0;
  int64_t last_seen_unix_ms = 0;
  node::v1::RecordDigest digest;
  int64_t products = 0;
};

struct IncomingChange {
  uint64_t seq = 0;
  node::v1::Record record;  // must already be the export projection (SyncCore ensures it)
};

struct RegistryEntry {
  std::string upt_code;
  std::string official_name;
  std::string type;
  std::string subtype;
  std::string upt_class;
  std::string regency_code;
  std::string kanwil_code;
  bool needs_verification = false;
};

struct Registry {
  uint64_t version = 0;
  std::string content_hash;
  std::vector<RegistryEntry> entries;
};

struct ProductPage {
  std::vector<node::v1::Product> products;
  std::string next_page_token;
};

class KanwilStore {
 public:
  virtual ~KanwilStore() = default;

  virtual absl::StatusOr<std::optional<UptSyncState>> GetUpt(absl::string_view upt_code) const = 0;
  virtual absl::StatusOr<std::vector<UptSyncState>> ListUpts() const = 0;

  // Applies `changes` (contiguous seqs) for `upt_code`. Changes at or below the HWM are skipped
  // (duplicates); the first remaining one must be HWM+1 (else FailedPrecondition, nothing
  // applied). A UPT seen for the first time starts at HWM 0 with this incarnation; a stored
  // state with another incarnation is FailedPrecondition. Returns the new state.
  virtual absl::StatusOr<UptSyncState> ApplyChanges(absl::string_view upt_code,
                                                    absl::string_view incarnation_id,
                                                    const std::vector<IncomingChange>& changes,
                                                    uint64_t node_last_seq,
                                                    int64_t now_unix_ms) = 0;

  // Replaces every record of the UPT with `records` (records missing are deleted), recomputes
  // its rollups and digest, and sets HWM = as_of_seq and the incarnation, atomically.
  virtual absl::StatusOr<UptSyncState> ReplaceUpt(absl::string_view upt_code,
                                                  absl::string_view incarnation_id,
                                                  uint64_t as_of_seq,
                                                  const std::vector<node::v1::Record>& records,
                                                  int64_t now_unix_ms) = 0;

  // Products in (upt_code, product_id) order; `upt_code` empty = all UPTs.
  virtual absl::StatusOr<ProductPage> ListProducts(absl::string_view upt_code,
                                                   node::v1::Category category, int page_size,
                                                   absl::string_view page_token) const = 0;
  // NotFound if absent.
  virtual absl::StatusOr<node::v1::Record> GetRecord(RecordKind kind, absl::string_view upt_code,
                                                     absl::string_view id) const = 0;
  // Every replicated record of a UPT (for digests checks and tests).
  virtual absl::StatusOr<std::vector<node::v1::Record>> ListRecords(
      absl::string_view upt_code) const = 0;
  // The UPT's records of one kind (one prefix scan: the ranking reads certifications and
  // trainings without touching the batches).
  virtual absl::StatusOr<std::vector<node::v1::Record>> ListRecordsOfKind(
      RecordKind kind, absl::string_view upt_code) const = 0;
  // Months in order.
  virtual absl::StatusOr<std::vector<kanwil::v1::MonthlyRollup>> GetRollups(
      absl::string_view upt_code, absl::string_view product_id) const = 0;
  // Months YYYYMM in [from_yyyymm, to_yyyymm], in order, at most `max`.
  virtual absl::StatusOr<std::vector<kanwil::v1::MonthlyRollup>> GetRollupsInRange(
      absl::string_view upt_code, absl::string_view product_id, uint32_t from_yyyymm,
      uint32_t to_yyyymm, size_t max) const = 0;

  // In-process change counters for caches (the materialised ranking). Both start at 0 when the
  // store opens and grow after every committed write: DataVersion on any write that can change a
  // ranking (records and rollups, registry, assessments, labour verifications); UptDataVersion on
  // writes touching that UPT's records, rollups or verifications. A reader that reads a counter
  // BEFORE reading the data and finds it unchanged later knows its copy is current.
  virtual uint64_t DataVersion() const = 0;
  virtual uint64_t UptDataVersion(absl::string_view upt_code) const = 0;

  // nullopt before the first registry was saved.
  virtual absl::StatusOr<std::optional<Registry>> LatestRegistry() const = 0;
  // Stores the entries as a new version unless `content_hash` equals the latest one's.
  // Returns the version in force.
  virtual absl::StatusOr<uint64_t> SaveRegistry(const std::vector<RegistryEntry>& entries,
                                                absl::string_view content_hash,
                                                int64_t now_unix_ms) = 0;
};

// Panel assessments (one per product, indicator, assessor and period). Thread-safe.
class AssessmentStore {
 public:
  virtual ~AssessmentStore() = default;
  // Inserts or replaces the assessor's score for (period, product, indicator).
  virtual absl::Status PutAssessment(const kanwil::v1::Assessment& assessment) = 0;
  // Every assessment of a product for the period; `product_id` empty = of every product.
  virtual absl::StatusOr<std::vector<kanwil::v1::Assessment>> ListAssessments(
      absl::string_view start_month, absl::string_view end_month,
      absl::string_view product_id) const = 0;
  // Marks monthly labour reports (product_id, "YYYY-MM") of a UPT as Kanwil-verified.
  virtual absl::Status PutLabourVerifications(
      absl::string_view upt_code,
      const std::vector<std::pair<std::string, std::string>>& product_months,
      absl::string_view verified_by, int64_t at_unix_ms) = 0;
  // The verified months ("YYYY-MM") of a product.
  virtual absl::StatusOr<std::vector<std::string>> VerifiedLabourMonths(
      absl::string_view upt_code, absl::string_view product_id) const = 0;
  // Integrity incidents (gate G6), keyed by incident_id: insert or replace.
  virtual absl::Status PutIncident(const kanwil::v1::Incident& incident) = 0;
  // NotFound if absent.
  virtual absl::StatusOr<kanwil::v1::Incident> GetIncident(absl::string_view incident_id) const = 0;
  // Every incident, in incident_id order.
  virtual absl::StatusOr<std::vector<kanwil::v1::Incident>> ListIncidents() const = 0;
};

}  // namespace unggul::aggregator
