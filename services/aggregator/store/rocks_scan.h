#pragma once

// Private to services/aggregator/store: the Kanwil database's column family names and the scan
// helper its keyspace stores share. Not part of any store's API.

#include <cstddef>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/rocksdb/rocks_status.h"
#include "common/status/status_macros.h"
#include "rocksdb/db.h"

namespace unggul::aggregator::store_internal {

constexpr absl::string_view kUptsCf = "upts";
constexpr absl::string_view kReplicaCf = "replica";
constexpr absl::string_view kRollupsCf = "rollups";
constexpr absl::string_view kRegistryCf = "registry";
constexpr absl::string_view kMetaCf = "meta";
constexpr absl::string_view kDesignationsCf = "designations";
constexpr absl::string_view kAuditCf = "audit";
constexpr absl::string_view kPublicationsCf = "publications";
constexpr absl::string_view kAssessmentsCf = "assessments";
constexpr absl::string_view kVerificationsCf = "verifications";
constexpr absl::string_view kIncidentsCf = "incidents";

inline rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
inline absl::string_view ToView(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

// Decodes the values of `cf` from `start` while keys begin with `prefix` (empty: any key) and are
// below `end` (empty: no bound), at most `max`, with `decode(bytes) -> StatusOr<Value>` (a value
// codec of stored_values.h); its error ends the scan.
template <typename Value, typename Decode>
absl::StatusOr<std::vector<Value>> ScanWith(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf,
                                            absl::string_view start, absl::string_view prefix,
                                            size_t max, const Decode& decode,
                                            absl::string_view end = {}) {
  std::vector<Value> out;
  rocksdb::ReadOptions options;
  const rocksdb::Slice upper = ToSlice(end);
  if (!end.empty()) options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(options, cf));
  for (start.empty() ? it->SeekToFirst() : it->Seek(ToSlice(start));
       it->Valid() && out.size() < max && it->key().starts_with(ToSlice(prefix)); it->Next()) {
    UNGGUL_ASSIGN_OR_RETURN(Value value, decode(ToView(it->value())));
    out.push_back(std::move(value));
  }
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(it->status(), "scan"));
  return out;
}

// ScanWith for a storage message parsed as is; DataLoss names `what` when a value does not parse.
template <typename Message>
absl::StatusOr<std::vector<Message>> ScanValues(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf,
                                                absl::string_view start, absl::string_view prefix,
                                                size_t max, absl::string_view what,
                                                absl::string_view end = {}) {
  return ScanWith<Message>(
      db, cf, start, prefix, max,
      [what](absl::string_view bytes) -> absl::StatusOr<Message> {
        Message m;
        if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
          return absl::DataLossError(absl::StrCat("undecodable ", what));
        }
        return m;
      },
      end);
}

// ScanWith for a value codec of stored_values.h.
template <typename Value>
absl::StatusOr<std::vector<Value>> ScanDecoded(
    rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf, absl::string_view start,
    absl::string_view prefix, size_t max, absl::StatusOr<Value> (*decode)(absl::string_view bytes),
    absl::string_view end = {}) {
  return ScanWith<Value>(db, cf, start, prefix, max, decode, end);
}

}  // namespace unggul::aggregator::store_internal
