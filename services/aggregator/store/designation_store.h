#pragma once

// Storage of designations, their hash-chained audit log and the publication feed. Commit is
// atomic: the designation(s), the audit entries and the publications of one workflow event are
// one write. Codes as KanwilStore. Thread-safe; callers serialise read-modify-write themselves
// (DesignationCore holds one mutex).

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "unggul/kanwil/v1/designation.pb.h"

namespace unggul::aggregator {

struct DesignationCommit {
  std::vector<kanwil::v1::Designation> designations;  // new states
  std::vector<kanwil::v1::AuditEntry> audit;          // seq and hashes already set
  std::vector<kanwil::v1::Publication> publications;  // revisions already set
};

class DesignationStore {
 public:
  virtual ~DesignationStore() = default;
  // NotFound if absent.
  virtual absl::StatusOr<kanwil::v1::Designation> GetDesignation(absl::string_view id) const = 0;
  virtual absl::StatusOr<std::vector<kanwil::v1::Designation>> ListDesignations() const = 0;
  virtual absl::StatusOr<std::optional<kanwil::v1::AuditEntry>> LastAuditEntry() const = 0;
  // Entries with seq >= from_seq, at most `max`, in order.
  virtual absl::StatusOr<std::vector<kanwil::v1::AuditEntry>> ReadAudit(uint64_t from_seq,
                                                                        size_t max) const = 0;
  virtual absl::StatusOr<uint64_t> LastPublicationRevision() const = 0;
  // Publications with revision > after_revision, at most `max`, in order.
  virtual absl::StatusOr<std::vector<kanwil::v1::Publication>> ReadPublications(
      uint64_t after_revision, size_t max) const = 0;
  virtual absl::Status Commit(const DesignationCommit& commit) = 0;
};

}  // namespace unggul::aggregator
