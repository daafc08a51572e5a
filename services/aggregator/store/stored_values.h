#pragma once

// Value codecs of the Kanwil's column families: each API value the store keeps is converted to
// its own storage message (proto/unggul/kanwil/storage/v1/storage.proto) before it is written
// and back after it is read. The conversion matches fields by name (enums stored as numbers,
// the frozen score kept as bytes), and refuses — Internal, naming the field — an API field the
// storage message has no place for, so nothing is dropped silently; the round-trip test fills
// every field of every API message. Decoding undecodable bytes is DataLoss naming the value.
// Pure functions; thread-safe.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "unggul/kanwil/v1/dashboard.pb.h"
#include "unggul/kanwil/v1/designation.pb.h"

namespace unggul::aggregator::store_internal {

// `rollups`: the figures (the name-keyed revenue maps are an API view and are not stored).
absl::StatusOr<std::string> EncodeRollup(const kanwil::v1::MonthlyRollup& rollup);
absl::StatusOr<kanwil::v1::MonthlyRollup> DecodeRollup(absl::string_view bytes);

// `assessments`.
absl::StatusOr<std::string> EncodeAssessment(const kanwil::v1::Assessment& assessment);
absl::StatusOr<kanwil::v1::Assessment> DecodeAssessment(absl::string_view bytes);

// `incidents`.
absl::StatusOr<std::string> EncodeIncident(const kanwil::v1::Incident& incident);
absl::StatusOr<kanwil::v1::Incident> DecodeIncident(absl::string_view bytes);

// `designations`.
absl::StatusOr<std::string> EncodeDesignation(const kanwil::v1::Designation& designation);
absl::StatusOr<kanwil::v1::Designation> DecodeDesignation(absl::string_view bytes);

// `audit`.
absl::StatusOr<std::string> EncodeAuditEntry(const kanwil::v1::AuditEntry& entry);
absl::StatusOr<kanwil::v1::AuditEntry> DecodeAuditEntry(absl::string_view bytes);

// `publications`.
absl::StatusOr<std::string> EncodePublication(const kanwil::v1::Publication& publication);
absl::StatusOr<kanwil::v1::Publication> DecodePublication(absl::string_view bytes);

}  // namespace unggul::aggregator::store_internal
