#include "services/aggregator/store/rocksdb_kanwil_store.h"

#include <cstdint>
#include <map>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/records/kinds.h"
#include "common/rocksdb/owned_rocks_db.h"
#include "common/rocksdb/rocks_status.h"
#include "common/status/status_macros.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "rocksdb/write_batch.h"
#include "services/aggregator/rollup/rollup.h"
#include "services/aggregator/store/keys.h"
#include "services/aggregator/store/rocks_scan.h"
#include "services/aggregator/store/stored_values.h"
#include "unggul/kanwil/storage/v1/storage.pb.h"

namespace unggul::aggregator {

using namespace store_internal;  // NOLINT: the shared CF names and scan helper

namespace {

namespace v1 = ::unggul::node::v1;
namespace st = ::unggul::kanwil::storage::v1;

UptSyncState FromStored(const st::StoredUptState& s) {
  UptSyncState out;
  out.upt_code = s.upt_code();
  out.incarnation_id = s.incarnation_id();
  out.hwm = s.hwm();
  out.node_last_seq = s.node_last_seq();
  out.last_seen_unix_ms = s.last_seen_unix_ms();
  out.digest = s.digest();
  out.products = s.products();
  return out;
}

st::StoredUptState ToStored(const UptSyncState& s) {
  st::StoredUptState out;
  out.set_upt_code(s.upt_code);
  out.set_incarnation_id(s.incarnation_id);
  out.set_hwm(s.hwm);
  out.set_node_last_seq(s.node_last_seq);
  out.set_last_seen_unix_ms(s.last_seen_unix_ms);
  *out.mutable_digest() = s.digest;
  out.set_products(s.products);
  return out;
}

// StoredReplica{seq, record} encoded around already serialised record bytes (field 1 varint,
// field 2 length-delimited): the record is serialised once, for its hash and its value.
std::string EncodeStoredReplica(uint64_t seq, absl::string_view record_bytes) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.WriteTag(8);
    coded.WriteVarint64(seq);
    coded.WriteTag(18);
    coded.WriteVarint32(static_cast<uint32_t>(record_bytes.size()));
    coded.WriteRaw(record_bytes.data(), static_cast<int>(record_bytes.size()));
  }
  return out;
}

}  // namespace

namespace {

// Format 1 -> 2: monthly rollups keyed revenue by channel and buyer-region *name*; format 2 keys
// it by the enum numbers (names are only an API view). Rewrites every rollup row, 10,000 per
// WriteBatch; idempotent (a converted row has no names left), so a crash before the new format
// is stored just redoes it.
absl::Status MigrateRollupRevenueKeys(OwnedRocksDb& db) {
  std::unique_ptr<rocksdb::Iterator> it(
      db.db().NewIterator(rocksdb::ReadOptions(), db.cf(kRollupsCf)));
  rocksdb::WriteBatch wb;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    st::StoredRollupFormat1 names;
    if (!names.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("undecodable stored rollup");
    }
    if (names.rollup().revenue_by_channel().empty() && names.rollup().revenue_by_region().empty()) {
      continue;
    }
    UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::MonthlyRollup rollup, DecodeRollup(ToView(it->value())));
    rollup.mutable_revenue_by_channel()->insert(names.rollup().revenue_by_channel().begin(),
                                                names.rollup().revenue_by_channel().end());
    rollup.mutable_revenue_by_region()->insert(names.rollup().revenue_by_region().begin(),
                                               names.rollup().revenue_by_region().end());
    UNGGUL_RETURN_IF_ERROR(MoveRevenueNamesToNumbers(rollup));
    UNGGUL_ASSIGN_OR_RETURN(const std::string value, EncodeRollup(rollup));
    UNGGUL_RETURN_IF_ERROR(
        FromRocksStatus(wb.Put(db.cf(kRollupsCf), it->key(), value), "migrate rollup"));
    if (wb.Count() >= 10'000) {
      UNGGUL_RETURN_IF_ERROR(FromRocksStatus(db.db().Write(db.write_options(), &wb), "migrate"));
      wb.Clear();
    }
  }
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(it->status(), "scan rollups"));
  return FromRocksStatus(db.db().Write(db.write_options(), &wb), "migrate rollups");
}

// Brings a database of an older format to kFormatVersion one step at a time; each step ends with
// the new version stored (synced), so a crash mid-way resumes from the last finished step.
absl::Status Migrate(OwnedRocksDb& db, st::StoredMeta& meta) {
  uint32_t version = meta.format_version();
  return MigrateStepwise(
      &version, RocksDbKanwilStore::kFormatVersion,
      [&](uint32_t from) -> absl::Status {
        if (from == 1) return MigrateRollupRevenueKeys(db);
        return absl::InternalError(absl::StrCat("no migration from database format ", from));
      },
      [&](uint32_t to) {
        meta.set_format_version(to);
        rocksdb::WriteOptions sync_options;
        sync_options.sync = true;
        return FromRocksStatus(
            db.db().Put(sync_options, db.cf(kMetaCf), "meta", meta.SerializeAsString()),
            absl::StrCat("Kanwil database format ", to));
      });
}

}  // namespace

absl::StatusOr<std::unique_ptr<RocksDbKanwilStore>> RocksDbKanwilStore::Open(
    const Options& options) {
  UNGGUL_ASSIGN_OR_RETURN(
      std::unique_ptr<OwnedRocksDb> db,
      OwnedRocksDb::Open(
          options.path,
          {std::string(kUptsCf), std::string(kReplicaCf), std::string(kRollupsCf),
           std::string(kRegistryCf), std::string(kMetaCf), std::string(kDesignationsCf),
           std::string(kAuditCf), std::string(kPublicationsCf), std::string(kAssessmentsCf),
           std::string(kVerificationsCf), std::string(kIncidentsCf)},
          options.sync_writes, options.min_free_bytes));
  std::string value;
  rocksdb::Status s = db->db().Get(rocksdb::ReadOptions(), db->cf(kMetaCf), "meta", &value);
  st::StoredMeta meta;
  if (s.IsNotFound()) {
    meta.set_format_version(kFormatVersion);
    meta.set_created_at_unix_ms(options.now_unix_ms);
    s = db->db().Put(db->write_options(), db->cf(kMetaCf), "meta", meta.SerializeAsString());
    UNGGUL_RETURN_IF_ERROR(FromRocksStatus(s, "create metadata"));
  } else {
    UNGGUL_RETURN_IF_ERROR(FromRocksStatus(s, "read metadata"));
    if (!meta.ParseFromString(value)) return absl::DataLossError("undecodable metadata");
    UNGGUL_RETURN_IF_ERROR(CheckStoredFormat(options.path, meta.format_version(), kFormatVersion,
                                             "kanwil-aggregator"));
    if (meta.format_version() < kFormatVersion) {
      UNGGUL_RETURN_IF_ERROR(Migrate(*db, meta));
    }
  }
  return std::unique_ptr<RocksDbKanwilStore>(new RocksDbKanwilStore(std::move(db)));
}

RocksDbKanwilStore::RocksDbKanwilStore(std::unique_ptr<OwnedRocksDb> db)
    : db_(std::move(db)),
      designations_(std::make_unique<RocksDbDesignationStore>(*db_)),
      panel_(std::make_unique<RocksDbPanelStore>(
          *db_, [this](absl::string_view upt_code) { Changed(upt_code); })) {}
RocksDbKanwilStore::~RocksDbKanwilStore() = default;

absl::Mutex& RocksDbKanwilStore::UptMutex(absl::string_view upt_code) {
  absl::MutexLock lock(&upt_mu_);
  auto it = upt_mutexes_.find(upt_code);
  if (it == upt_mutexes_.end()) {
    it = upt_mutexes_.emplace(std::string(upt_code), std::make_unique<absl::Mutex>()).first;
  }
  return *it->second;
}

absl::StatusOr<std::optional<UptSyncState>> RocksDbKanwilStore::GetUpt(
    absl::string_view upt_code) const {
  UNGGUL_ASSIGN_OR_RETURN(UptKey key, UptKey::Create(upt_code));
  std::string value;
  rocksdb::Status s = db_->db().Get(rocksdb::ReadOptions(), db_->cf(kUptsCf), key.Encode(), &value);
  if (s.IsNotFound()) return std::optional<UptSyncState>();
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(s, absl::StrCat("get upt ", upt_code)));
  st::StoredUptState stored;
  if (!stored.ParseFromString(value)) {
    return absl::DataLossError(absl::StrCat("undecodable state of UPT ", upt_code));
  }
  return std::optional<UptSyncState>(FromStored(stored));
}

absl::StatusOr<std::vector<UptSyncState>> RocksDbKanwilStore::ListUpts() const {
  UNGGUL_ASSIGN_OR_RETURN(
      std::vector<st::StoredUptState> stored,
      ScanValues<st::StoredUptState>(db_->db(), db_->cf(kUptsCf), "", "", SIZE_MAX, "UPT state"));
  std::vector<UptSyncState> out;
  for (const st::StoredUptState& s : stored) out.push_back(FromStored(s));
  return out;
}

absl::StatusOr<UptSyncState> RocksDbKanwilStore::ApplyChanges(
    absl::string_view upt_code, absl::string_view incarnation_id,
    const std::vector<IncomingChange>& changes, uint64_t node_last_seq, int64_t now_unix_ms) {
  UNGGUL_ASSIGN_OR_RETURN(UptKey upt_key, UptKey::Create(upt_code));
  absl::MutexLock lock(&UptMutex(upt_code));
  UNGGUL_ASSIGN_OR_RETURN(std::optional<UptSyncState> existing, GetUpt(upt_code));
  UptSyncState state;
  if (existing) {
    state = *existing;
    if (state.incarnation_id != incarnation_id) {
      return absl::FailedPreconditionError(
          absl::StrCat("UPT ", upt_code, " is at incarnation ", state.incarnation_id, ", not ",
                       incarnation_id, "; a snapshot is required"));
    }
  } else {
    state.upt_code = std::string(upt_code);
    state.incarnation_id = std::string(incarnation_id);
  }
  size_t first = 0;
  while (first < changes.size() && changes[first].seq <= state.hwm) ++first;  // duplicates
  if (first == changes.size()) return state;
  if (changes[first].seq != state.hwm + 1) {
    return absl::FailedPreconditionError(absl::StrCat("gap: UPT ", upt_code, " is at seq ",
                                                      state.hwm, ", batch continues at ",
                                                      changes[first].seq));
  }
  for (size_t i = first + 1; i < changes.size(); ++i) {
    if (changes[i].seq != changes[i - 1].seq + 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("batch is not contiguous at seq ", changes[i - 1].seq));
    }
  }

  rocksdb::WriteBatch wb;
  // Replica key -> the newest record of this batch (points into `changes`: no copies).
  std::map<std::string, const v1::Record*> overlay;
  RollupMap rollups;  // preloaded from disk, then updated
  auto preload = [&](const v1::Record& record) -> absl::Status {
    std::pair<std::string, uint32_t> key;
    if (!RollupKeyOf(record, &key) || rollups.count(key) > 0) return absl::OkStatus();
    UNGGUL_ASSIGN_OR_RETURN(RollupKey rk, RollupKey::Create(upt_code, key.first, key.second));
    std::string value;
    rocksdb::Status s =
        db_->db().Get(rocksdb::ReadOptions(), db_->cf(kRollupsCf), rk.Encode(), &value);
    kanwil::v1::MonthlyRollup& slot = rollups[key];
    if (s.ok()) {
      UNGGUL_ASSIGN_OR_RETURN(slot, DecodeRollup(value));
    } else if (!s.IsNotFound()) {
      return FromRocksStatus(s, "read rollup");
    }
    return absl::OkStatus();
  };

  for (size_t i = first; i < changes.size(); ++i) {
    const v1::Record& record = changes[i].record;
    const std::optional<RecordKind> kind = KindOf(record);
    if (!kind) {
      return absl::InvalidArgumentError(absl::StrCat("change ", changes[i].seq, ": no record"));
    }
    const std::string id = RecordId(record);
    UNGGUL_ASSIGN_OR_RETURN(ReplicaKey rkey, ReplicaKey::Create(*kind, upt_code, id));
    std::string key = rkey.Encode();
    // The previous version, if any, is taken out of rollups and digest first.
    v1::Record stored_old;
    const v1::Record* old = nullptr;
    if (auto it = overlay.find(key); it != overlay.end()) {
      old = it->second;
    } else {
      std::string value;
      rocksdb::Status s = db_->db().Get(rocksdb::ReadOptions(), db_->cf(kReplicaCf), key, &value);
      if (s.ok()) {
        st::StoredReplica stored;
        if (!stored.ParseFromString(value)) return absl::DataLossError("undecodable replica");
        stored_old = std::move(*stored.mutable_record());
        old = &stored_old;
      } else if (!s.IsNotFound()) {
        return FromRocksStatus(s, "read replica");
      }
    }
    if (old != nullptr) {
      UNGGUL_RETURN_IF_ERROR(preload(*old));
      ApplyToRollups(*old, -1, rollups);
      DigestRemove(state.digest, RecordHash(*old));
    } else if (*kind == RecordKind::kProduct) {
      ++state.products;
    }
    UNGGUL_RETURN_IF_ERROR(preload(record));
    ApplyToRollups(record, +1, rollups);
    const std::string bytes = DeterministicBytes(record);
    DigestAdd(state.digest, RecordHashOfBytes(*kind, id, bytes));
    rocksdb::Status s =
        wb.Put(db_->cf(kReplicaCf), key, EncodeStoredReplica(changes[i].seq, bytes));
    UNGGUL_RETURN_IF_ERROR(FromRocksStatus(s, "stage replica"));
    overlay[std::move(key)] = &record;
  }
  for (const auto& [key, rollup] : rollups) {
    UNGGUL_ASSIGN_OR_RETURN(RollupKey rk, RollupKey::Create(upt_code, key.first, key.second));
    rocksdb::Status s;
    if (IsEmpty(rollup)) {
      s = wb.Delete(db_->cf(kRollupsCf), rk.Encode());
    } else {
      UNGGUL_ASSIGN_OR_RETURN(const std::string value, EncodeRollup(rollup));
      s = wb.Put(db_->cf(kRollupsCf), rk.Encode(), value);
    }
    UNGGUL_RETURN_IF_ERROR(FromRocksStatus(s, "stage rollup"));
  }
  {
    absl::MutexLock hook(&write_mu_);
    if (fail_next_apply_) {
      fail_next_apply_ = false;
      return absl::InternalError("injected failure between records and high-water mark");
    }
  }
  state.hwm = changes.back().seq;
  state.node_last_seq = std::max({state.node_last_seq, node_last_seq, state.hwm});
  state.last_seen_unix_ms = now_unix_ms;
  rocksdb::Status s =
      wb.Put(db_->cf(kUptsCf), upt_key.Encode(), ToStored(state).SerializeAsString());
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(s, absl::StrCat("apply batch of ", upt_code)));
  UNGGUL_RETURN_IF_ERROR(db_->Write(wb, absl::StrCat("apply batch of ", upt_code)));
  Changed(upt_code);
  return state;
}

absl::StatusOr<UptSyncState> RocksDbKanwilStore::ReplaceUpt(absl::string_view upt_code,
                                                            absl::string_view incarnation_id,
                                                            uint64_t as_of_seq,
                                                            const std::vector<v1::Record>& records,
                                                            int64_t now_unix_ms) {
  UNGGUL_ASSIGN_OR_RETURN(UptKey upt_key, UptKey::Create(upt_code));
  absl::MutexLock lock(&UptMutex(upt_code));
  UNGGUL_ASSIGN_OR_RETURN(std::optional<UptSyncState> existing, GetUpt(upt_code));
  rocksdb::WriteBatch wb;
  // Delete everything of the UPT, then write the snapshot: later entries of a WriteBatch win.
  for (const RecordKindInfo& info : RecordKinds()) {
    const auto kind = static_cast<RecordKind>(info.number);
    const std::string prefix = ReplicaKey::Prefix(kind, upt_code);
    std::unique_ptr<rocksdb::Iterator> it(
        db_->db().NewIterator(rocksdb::ReadOptions(), db_->cf(kReplicaCf)));
    for (it->Seek(ToSlice(prefix)); it->Valid() && it->key().starts_with(ToSlice(prefix));
         it->Next()) {
      UNGGUL_RETURN_IF_ERROR(FromRocksStatus(wb.Delete(db_->cf(kReplicaCf), it->key()), "stage"));
    }
    UNGGUL_RETURN_IF_ERROR(FromRocksStatus(it->status(), "scan replica"));
  }
  {
    const std::string prefix = RollupKey::UptPrefix(upt_code);
    std::unique_ptr<rocksdb::Iterator> it(
        db_->db().NewIterator(rocksdb::ReadOptions(), db_->cf(kRollupsCf)));
    for (it->Seek(ToSlice(prefix)); it->Valid() && it->key().starts_with(ToSlice(prefix));
         it->Next()) {
      UNGGUL_RETURN_IF_ERROR(FromRocksStatus(wb.Delete(db_->cf(kRollupsCf), it->key()), "stage"));
    }
    UNGGUL_RETURN_IF_ERROR(FromRocksStatus(it->status(), "scan rollups"));
  }
  UptSyncState state;
  state.upt_code = std::string(upt_code);
  state.incarnation_id = std::string(incarnation_id);
  state.hwm = as_of_seq;
  state.node_last_seq = std::max(as_of_seq, existing ? existing->node_last_seq : 0);
  state.last_seen_unix_ms = now_unix_ms;
  RollupMap rollups;
  for (const v1::Record& record : records) {
    const std::optional<RecordKind> kind = KindOf(record);
    if (!kind) return absl::InvalidArgumentError("snapshot record without kind");
    UNGGUL_ASSIGN_OR_RETURN(ReplicaKey rkey, ReplicaKey::Create(*kind, upt_code, RecordId(record)));
    st::StoredReplica stored;
    stored.set_seq(as_of_seq);
    *stored.mutable_record() = record;
    UNGGUL_RETURN_IF_ERROR(FromRocksStatus(
        wb.Put(db_->cf(kReplicaCf), rkey.Encode(), stored.SerializeAsString()), "stage"));
    if (*kind == RecordKind::kProduct) ++state.products;
    DigestAdd(state.digest, RecordHash(record));
    ApplyToRollups(record, +1, rollups);
  }
  for (const auto& [key, rollup] : rollups) {
    UNGGUL_ASSIGN_OR_RETURN(RollupKey rk, RollupKey::Create(upt_code, key.first, key.second));
    UNGGUL_ASSIGN_OR_RETURN(const std::string value, EncodeRollup(rollup));
    UNGGUL_RETURN_IF_ERROR(
        FromRocksStatus(wb.Put(db_->cf(kRollupsCf), rk.Encode(), value), "stage"));
  }
  rocksdb::Status s =
      wb.Put(db_->cf(kUptsCf), upt_key.Encode(), ToStored(state).SerializeAsString());
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(s, absl::StrCat("replace UPT ", upt_code)));
  UNGGUL_RETURN_IF_ERROR(db_->Write(wb, absl::StrCat("replace UPT ", upt_code)));
  Changed(upt_code);
  return state;
}

absl::StatusOr<ProductPage> RocksDbKanwilStore::ListProducts(absl::string_view upt_code,
                                                             v1::Category category, int page_size,
                                                             absl::string_view page_token) const {
  if (page_size < 1 || page_size > 1000) {
    return absl::InvalidArgumentError("page_size: must be 1..1000");
  }
  const std::string prefix = ReplicaKey::Prefix(RecordKind::kProduct, upt_code);
  std::string after;
  if (!page_token.empty()) {
    if (!absl::WebSafeBase64Unescape(page_token, &after) || !absl::StartsWith(after, prefix)) {
      return absl::InvalidArgumentError(
          "page_token: not a token from a previous page of this list with the same filters");
    }
  }
  ProductPage page;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->db().NewIterator(rocksdb::ReadOptions(), db_->cf(kReplicaCf)));
  it->Seek(ToSlice(after.empty() ? prefix : after));
  if (!after.empty() && it->Valid() && ToView(it->key()) == after) it->Next();
  for (; it->Valid() && it->key().starts_with(ToSlice(prefix)); it->Next()) {
    st::StoredReplica stored;
    if (!stored.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("undecodable replica");
    }
    if (category != v1::CATEGORY_UNSPECIFIED && stored.record().product().category() != category) {
      continue;
    }
    page.products.push_back(stored.record().product());
    if (static_cast<int>(page.products.size()) == page_size) {
      const std::string last(ToView(it->key()));
      it->Next();
      if (it->Valid() && it->key().starts_with(ToSlice(prefix))) {
        page.next_page_token = absl::WebSafeBase64Escape(last);
      }
      break;
    }
  }
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(it->status(), "list products"));
  return page;
}

absl::StatusOr<v1::Record> RocksDbKanwilStore::GetRecord(RecordKind kind,
                                                         absl::string_view upt_code,
                                                         absl::string_view id) const {
  UNGGUL_ASSIGN_OR_RETURN(ReplicaKey key, ReplicaKey::Create(kind, upt_code, id));
  std::string value;
  rocksdb::Status s =
      db_->db().Get(rocksdb::ReadOptions(), db_->cf(kReplicaCf), key.Encode(), &value);
  if (s.IsNotFound()) {
    return absl::NotFoundError(absl::StrCat(RecordKindName(kind), " ", id, " not found"));
  }
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(s, "get replica"));
  st::StoredReplica stored;
  if (!stored.ParseFromString(value)) return absl::DataLossError("undecodable replica");
  return stored.record();
}

absl::StatusOr<std::vector<v1::Record>> RocksDbKanwilStore::ListRecords(
    absl::string_view upt_code) const {
  std::vector<v1::Record> out;
  for (const RecordKindInfo& info : RecordKinds()) {
    const auto kind = static_cast<RecordKind>(info.number);
    const std::string prefix = ReplicaKey::Prefix(kind, upt_code);
    UNGGUL_ASSIGN_OR_RETURN(std::vector<st::StoredReplica> stored,
                            ScanValues<st::StoredReplica>(db_->db(), db_->cf(kReplicaCf), prefix,
                                                          prefix, SIZE_MAX, "replica"));
    for (st::StoredReplica& r : stored) out.push_back(std::move(*r.mutable_record()));
  }
  return out;
}

absl::StatusOr<std::vector<v1::Record>> RocksDbKanwilStore::ListRecordsOfKind(
    RecordKind kind, absl::string_view upt_code) const {
  const std::string prefix = ReplicaKey::Prefix(kind, upt_code);
  UNGGUL_ASSIGN_OR_RETURN(std::vector<st::StoredReplica> stored,
                          ScanValues<st::StoredReplica>(db_->db(), db_->cf(kReplicaCf), prefix,
                                                        prefix, SIZE_MAX, "replica"));
  std::vector<v1::Record> out;
  out.reserve(stored.size());
  for (st::StoredReplica& r : stored) out.push_back(std::move(*r.mutable_record()));
  return out;
}

absl::StatusOr<std::vector<kanwil::v1::MonthlyRollup>> RocksDbKanwilStore::GetRollupsInRange(
    absl::string_view upt_code, absl::string_view product_id, uint32_t from_yyyymm,
    uint32_t to_yyyymm, size_t max) const {
  if (from_yyyymm > to_yyyymm) return std::vector<kanwil::v1::MonthlyRollup>();
  UNGGUL_RETURN_IF_ERROR(RollupKey::Create(upt_code, product_id, 197001).status());
  const std::string prefix = RollupKey::ProductPrefix(upt_code, product_id);
  const std::string from = RollupKey::Bound(upt_code, product_id, from_yyyymm);
  // Exclusive end: just after to_yyyymm, or past the product's keys.
  const std::string end = to_yyyymm == UINT32_MAX
                              ? prefix + std::string(5, '\xff')
                              : RollupKey::Bound(upt_code, product_id, to_yyyymm + 1);
  return ScanDecoded(db_->db(), db_->cf(kRollupsCf), from, prefix, max, &DecodeRollup, end);
}

void RocksDbKanwilStore::Changed(absl::string_view upt_code) {
  if (!upt_code.empty()) {
    absl::MutexLock lock(&versions_mu_);
    auto it = upt_versions_.find(upt_code);
    if (it == upt_versions_.end()) it = upt_versions_.emplace(std::string(upt_code), 0).first;
    ++it->second;
  }
  data_version_.fetch_add(1, std::memory_order_acq_rel);
}

uint64_t RocksDbKanwilStore::DataVersion() const {
  return data_version_.load(std::memory_order_acquire);
}

uint64_t RocksDbKanwilStore::UptDataVersion(absl::string_view upt_code) const {
  absl::MutexLock lock(&versions_mu_);
  auto it = upt_versions_.find(upt_code);
  return it == upt_versions_.end() ? 0 : it->second;
}

absl::StatusOr<std::vector<kanwil::v1::MonthlyRollup>> RocksDbKanwilStore::GetRollups(
    absl::string_view upt_code, absl::string_view product_id) const {
  const std::string prefix = RollupKey::ProductPrefix(upt_code, product_id);
  return ScanDecoded(db_->db(), db_->cf(kRollupsCf), prefix, prefix, SIZE_MAX, &DecodeRollup);
}

absl::StatusOr<std::optional<Registry>> RocksDbKanwilStore::LatestRegistry() const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->db().NewIterator(rocksdb::ReadOptions(), db_->cf(kRegistryCf)));
  it->SeekToLast();
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(it->status(), "read registry"));
  if (!it->Valid()) return std::optional<Registry>();
  st::StoredRegistry stored;
  if (!stored.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
    return absl::DataLossError("undecodable registry");
  }
  Registry out;
  out.version = stored.version();
  out.content_hash = stored.content_hash();
  for (const st::RegistryEntry& e : stored.entries()) {
    out.entries.push_back({e.upt_code(), e.official_name(), e.type(), e.subtype(), e.upt_class(),
                           e.regency_code(), e.kanwil_code(), e.needs_verification()});
  }
  return std::optional<Registry>(std::move(out));
}

absl::StatusOr<uint64_t> RocksDbKanwilStore::SaveRegistry(const std::vector<RegistryEntry>& entries,
                                                          absl::string_view content_hash,
                                                          int64_t now_unix_ms) {
  absl::MutexLock lock(&write_mu_);
  UNGGUL_ASSIGN_OR_RETURN(std::optional<Registry> latest, LatestRegistry());
  if (latest && latest->content_hash == content_hash) return latest->version;
  st::StoredRegistry stored;
  stored.set_version(latest ? latest->version + 1 : 1);
  stored.set_content_hash(content_hash.data(), content_hash.size());
  stored.set_loaded_at_unix_ms(now_unix_ms);
  for (const RegistryEntry& e : entries) {
    st::RegistryEntry* out = stored.add_entries();
    out->set_upt_code(e.upt_code);
    out->set_official_name(e.official_name);
    out->set_type(e.type);
    out->set_subtype(e.subtype);
    out->set_upt_class(e.upt_class);
    out->set_regency_code(e.regency_code);
    out->set_kanwil_code(e.kanwil_code);
    out->set_needs_verification(e.needs_verification);
  }
  UNGGUL_ASSIGN_OR_RETURN(RegistryKey key, RegistryKey::Create(stored.version()));
  UNGGUL_RETURN_IF_ERROR(
      db_->Put(db_->cf(kRegistryCf), key.Encode(), stored.SerializeAsString(), "save registry"));
  Changed("");
  return stored.version();
}

// Verification keys reuse the rollup layout: upt | 0x00 | product | 0x00 | month (u32 BE).

void RocksDbKanwilStore::FailNextApplyForTest() {
  absl::MutexLock lock(&write_mu_);
  fail_next_apply_ = true;
}

}  // namespace unggul::aggregator
