#pragma once

// Storage interface of the Kanwil aggregator: per-UPT sync state, the replica of every UPT's
// records, monthly rollups and the versioned UPT registry.
//
// Contract: CommitUpt is atomic — records, rollups, digest and high-water mark move together or
// not at all. What to commit (duplicates skipped, gaps refused, rollup deltas and digest) is
// decided by the core (core/replica_apply.h); the store only checks that the UPT's state has not
// moved since the commit was planned. Codes: NotFound, InvalidArgument (bad token or key),
// Aborted (the UPT's state moved; RocksDB busy), DataLoss (undecodable bytes), Internal (I/O).
// Thread-safe.

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

// One atomic change of a UPT's sync keyspaces (replica, rollups, sync state), planned by the
// core and applied by the store in one WriteBatch.
struct UptCommit {
  struct RecordPut {
    RecordKind kind = RecordKind::kProduct;
    std::string id;
    uint64_t seq = 0;          // the change that wrote it (the snapshot's as_of_seq)
    std::string record_bytes;  // DeterministicBytes of the projected record
  };
  std::string upt_code;
  // The state the plan was made from (nullopt: the UPT had none). The commit applies only while
  // the stored state has the same incarnation and HWM; otherwise Aborted and nothing changes.
  std::optional<UptSyncState> based_on;
  // Delete every replica and rollup row of the UPT before the puts (a snapshot).
  bool replace_all = false;
  std::vector<RecordPut> records;  // later puts of the same id win
  // Rollup rows (product_id, YYYYMM) to write, and rows to delete (every figure back to zero).
  std::vector<std::pair<std::pair<std::string, uint32_t>, kanwil::v1::MonthlyRollup>> rollups;
  std::vector<std::pair<std::string, uint32_t>> rollup_deletes;
  UptSyncState state;  // the new durable state
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

// The versioned UPT registry: every version ever loaded; the highest is in force. Thread-safe.
class RegistryStore {
 public:
  virtual ~RegistryStore() = default;
  // nullopt before the first registry was saved.
  virtual absl::StatusOr<std::optional<Registry>> LatestRegistry() const = 0;
  // Stores the entries as a new version unless `content_hash` equals the latest one's.
  // Returns the version in force.
  virtual absl::StatusOr<uint64_t> SaveRegistry(const std::vector<RegistryEntry>& entries,
                                                absl::string_view content_hash,
                                                int64_t now_unix_ms) = 0;
};

class KanwilStore {
 public:
  virtual ~KanwilStore() = default;

  virtual absl::StatusOr<std::optional<UptSyncState>> GetUpt(absl::string_view upt_code) const = 0;
  virtual absl::StatusOr<std::vector<UptSyncState>> ListUpts() const = 0;

  // Applies a planned change (see UptCommit) atomically.
  virtual absl::Status CommitUpt(const UptCommit& commit) = 0;

  // Products in (upt_code, product_id) order; `upt_code` empty = all UPTs.
  virtual absl::StatusOr<ProductPage> ListProducts(absl::string_view upt_code,
                                                   node::v1::Category category, int page_size,
                                                   absl::string_view page_token) const = 0;
  // nullopt if absent.
  virtual absl::StatusOr<std::optional<node::v1::Record>> FindRecord(
      RecordKind kind, absl::string_view upt_code, absl::string_view id) const = 0;
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
  // One month's row (YYYYMM); nullopt if the product has none for that month.
  virtual absl::StatusOr<std::optional<kanwil::v1::MonthlyRollup>> FindRollup(
      absl::string_view upt_code, absl::string_view product_id, uint32_t yyyymm) const = 0;
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

  // The registry keyspace of the same database.
  virtual RegistryStore& registry() = 0;
  virtual const RegistryStore& registry() const = 0;
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
