#include "services/node/store/rocksdb_catalog_store.h"

#include <random>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/records/kinds.h"
#include "common/rocksdb/owned_rocks_db.h"
#include "common/rocksdb/rocks_status.h"
#include "common/status/echo.h"
#include "common/status/status_macros.h"
#include "common/time/dates.h"
#include "rocksdb/write_batch.h"
#include "unggul/node/storage/v1/storage.pb.h"

namespace unggul::node {
namespace {

// Each record kind has its own column family, named by the kind's plural (the registry's).
constexpr absl::string_view kByProductCf = "by_product";
constexpr absl::string_view kChangelogCf = "changelog";
constexpr absl::string_view kRequestsCf = "requests";
constexpr absl::string_view kRequestsByTimeCf = "requests_by_time";  // format 2 on
constexpr absl::string_view kMetaCf = "meta";
constexpr absl::string_view kDesignationsCf = "designations";

constexpr char kTokenVersion = 1;
constexpr char kModePrimary = 0;
constexpr char kModeIndex = 1;

absl::string_view CfFor(RecordKind kind) {
  const RecordKindInfo* info = FindRecordKind(static_cast<int>(kind));
  UNGGUL_CHECK(info != nullptr);  // kinds reach the store from KindOf or decoded keys only
  return info->plural;
}

rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
absl::string_view ToView(const rocksdb::Slice& s) { return absl::string_view(s.data(), s.size()); }

// Stored counts (by kind number, format 3) <-> the API's RecordCounts (a field per kind, numbered
// like the kind). Through the registry, so a new kind needs no code here.
v1::RecordCounts CountsFromStored(const storage::v1::StoredCounts& stored) {
  v1::RecordCounts counts;
  for (const RecordKindInfo& kind : RecordKinds()) {
    auto it = stored.by_kind().find(kind.number);
    if (it != stored.by_kind().end()) {
      counts.GetReflection()->SetInt64(&counts, kind.count, it->second);
    }
  }
  return counts;
}

void CountsToStored(const v1::RecordCounts& counts, storage::v1::StoredCounts& stored) {
  stored.mutable_by_kind()->clear();
  for (const RecordKindInfo& kind : RecordKinds()) {
    const int64_t n = counts.GetReflection()->GetInt64(counts, kind.count);
    if (n != 0) (*stored.mutable_by_kind())[kind.number] = n;
  }
}

std::string NewIncarnationId() {
  std::random_device rd;
  std::string bytes;
  for (int i = 0; i < 4; ++i) {
    const uint32_t v = rd();
    for (int b = 0; b < 4; ++b) bytes.push_back(static_cast<char>((v >> (8 * b)) & 0xff));
  }
  return absl::BytesToHexString(bytes);
}

// The index key of a dated record with a product; nullopt for products and trainings without
// a product.
absl::StatusOr<std::optional<std::string>> IndexKeyFor(const v1::Record& record, RecordKind kind) {
  if (kind == RecordKind::kProduct) return std::optional<std::string>();
  const std::string product_id = RecordProductId(record);
  if (product_id.empty()) return std::optional<std::string>();
  UNGGUL_ASSIGN_OR_RETURN(int32_t day, ParseDate(RecordDate(record), "record date"));
  UNGGUL_ASSIGN_OR_RETURN(IndexKey key, IndexKey::Create(kind, product_id, day, RecordId(record)));
  return std::optional<std::string>(key.Encode());
}

absl::StatusOr<v1::Record> DecodeRecord(absl::string_view bytes, absl::string_view what) {
  storage::v1::StoredRecord stored;
  if (!stored.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat("undecodable stored record ", what));
  }
  return std::move(*stored.mutable_record());
}

std::string MakeToken(RecordKind kind, char mode, absl::string_view last_key) {
  std::string raw;
  raw.push_back(kTokenVersion);
  raw.push_back(static_cast<char>(kind));
  raw.push_back(mode);
  raw.append(last_key.data(), last_key.size());
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::string> ParseToken(absl::string_view token, RecordKind kind, char mode) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < 4 || raw[0] != kTokenVersion ||
      raw[1] != static_cast<char>(kind) || raw[2] != mode) {
    return absl::InvalidArgumentError(
        "page_token: not a token from a previous page of this list with the same filters");
  }
  return raw.substr(3);
}

// Format 1 -> 2: the retention index `requests_by_time` of every stored request outcome. Written
// in steps of 10,000 entries with the new format version in the last step: a crash in between
// leaves format 1, and the next start redoes the (idempotent) index writes.
absl::Status MigrateRequestIndex(OwnedRocksDb& db) {
  std::unique_ptr<rocksdb::Iterator> it(
      db.db().NewIterator(rocksdb::ReadOptions(), db.cf(kRequestsCf)));
  rocksdb::WriteBatch wb;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    UNGGUL_ASSIGN_OR_RETURN(RequestKey key, RequestKey::Decode(ToView(it->key())));
    storage::v1::StoredRequest stored;
    if (!stored.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("undecodable request outcome ", key.request_id()));
    }
    UNGGUL_ASSIGN_OR_RETURN(
        RequestTimeKey time_key,
        RequestTimeKey::Create(std::max<int64_t>(0, stored.at_unix_ms()), key.request_id()));
    UNGGUL_RETURN_IF_ERROR(FromRocksStatus(
        wb.Put(db.cf(kRequestsByTimeCf), time_key.Encode(), rocksdb::Slice()), "migrate"));
    if (wb.Count() >= 10'000) {
      UNGGUL_RETURN_IF_ERROR(
          FromRocksStatus(db.db().Write(db.write_options(), &wb), "migrate request index"));
      wb.Clear();
    }
  }
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(it->status(), "scan request outcomes"));
  return FromRocksStatus(db.db().Write(db.write_options(), &wb), "migrate request index");
}

// Format 2 -> 3: the per-kind count fields of StoredCounts move into by_kind (keyed by kind
// number; a legacy field is named like the kind's RecordCounts field). Idempotent: a crash before
// the format is stored redoes it on a map that already holds the counts.
absl::Status MigrateCountsToMap(OwnedRocksDb& db) {
  std::string value;
  rocksdb::Status s =
      db.db().Get(rocksdb::ReadOptions(), db.cf(kMetaCf), ToSlice(MetaKey::kCounts), &value);
  if (s.IsNotFound()) return absl::OkStatus();
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(s, "read counts"));
  storage::v1::StoredCounts stored;
  if (!stored.ParseFromString(value)) return absl::DataLossError("undecodable record counts");
  const google::protobuf::Reflection* r = stored.GetReflection();
  const google::protobuf::Descriptor* d = storage::v1::StoredCounts::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* legacy = d->field(i);
    if (legacy->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_INT64 ||
        legacy->is_repeated() || r->GetInt64(stored, legacy) == 0) {
      continue;
    }
    const RecordKindInfo* kind = nullptr;
    for (const RecordKindInfo& k : RecordKinds()) {
      if (k.count->name() == legacy->name()) kind = &k;
    }
    if (kind == nullptr) {
      return absl::DataLossError(absl::StrCat("stored count ", legacy->name(), " names no kind"));
    }
    (*stored.mutable_by_kind())[kind->number] = r->GetInt64(stored, legacy);
    r->ClearField(&stored, legacy);
  }
  return FromRocksStatus(db.db().Put(db.write_options(), db.cf(kMetaCf), ToSlice(MetaKey::kCounts),
                                     stored.SerializeAsString()),
                         "migrate counts");
}

// Brings a database of an older format to kFormatVersion, one step per version; each step ends
// with the new version stored (synced), so a crash mid-way resumes from the last finished step.
absl::Status Migrate(OwnedRocksDb& db, storage::v1::StoredMeta& meta) {
  uint32_t version = meta.format_version();
  return MigrateStepwise(
      &version, RocksDbCatalogStore::kFormatVersion,
      [&](uint32_t from) -> absl::Status {
        switch (from) {
          case 1:
            return MigrateRequestIndex(db);
          case 2:
            return MigrateCountsToMap(db);
          default:
            return absl::InternalError(absl::StrCat("no migration from database format ", from));
        }
      },
      [&](uint32_t to) {
        meta.set_format_version(to);
        rocksdb::WriteOptions sync_options;
        sync_options.sync = true;
        return FromRocksStatus(db.db().Put(sync_options, db.cf(kMetaCf), ToSlice(MetaKey::kMeta),
                                           meta.SerializeAsString()),
                               absl::StrCat("record database format ", to));
      });
}

}  // namespace

absl::StatusOr<std::unique_ptr<RocksDbCatalogStore>> RocksDbCatalogStore::Open(
    const Options& options) {
  if (options.upt_code.empty()) return absl::InvalidArgumentError("upt_code: must not be empty");
  std::vector<std::string> cfs = {std::string(kByProductCf),    std::string(kChangelogCf),
                                  std::string(kRequestsCf),     std::string(kMetaCf),
                                  std::string(kDesignationsCf), std::string(kRequestsByTimeCf)};
  for (const RecordKindInfo& kind : RecordKinds()) cfs.emplace_back(kind.plural);
  UNGGUL_ASSIGN_OR_RETURN(
      std::unique_ptr<OwnedRocksDb> db,
      OwnedRocksDb::Open(options.path, cfs, options.sync_writes, options.min_free_bytes));

  storage::v1::StoredMeta meta;
  storage::v1::StoredCounts stored_counts;
  std::string value;
  uint32_t migrated_from = 0;
  rocksdb::Status s =
      db->db().Get(rocksdb::ReadOptions(), db->cf(kMetaCf), ToSlice(MetaKey::kMeta), &value);
  uint64_t last_seq = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db->db().NewIterator(rocksdb::ReadOptions(), db->cf(kChangelogCf)));
    it->SeekToLast();
    if (it->Valid()) {
      UNGGUL_ASSIGN_OR_RETURN(ChangelogKey key, ChangelogKey::Decode(ToView(it->key())));
      last_seq = key.seq();
    }
    UNGGUL_RETURN_IF_ERROR(FromRocksStatus(it->status(), "scan changelog"));
  }
  if (s.IsNotFound()) {
    if (last_seq != 0) {
      return absl::DataLossError(
          absl::StrCat("open ", options.path, ": changelog present but metadata missing"));
    }
    meta.set_format_version(kFormatVersion);
    meta.set_incarnation_id(NewIncarnationId());
    meta.set_upt_code(options.upt_code);
    meta.set_created_at_unix_ms(options.now_unix_ms);
    rocksdb::WriteBatch wb;
    rocksdb::Status ws = wb.Put(db->cf(kMetaCf), ToSlice(MetaKey::kMeta), meta.SerializeAsString());
    if (ws.ok()) {
      ws = wb.Put(db->cf(kMetaCf), ToSlice(MetaKey::kCounts), stored_counts.SerializeAsString());
    }
    rocksdb::WriteOptions sync_options;
    sync_options.sync = true;
    if (ws.ok()) ws = db->db().Write(sync_options, &wb);
    UNGGUL_RETURN_IF_ERROR(FromRocksStatus(ws, "create metadata"));
  } else {
    UNGGUL_RETURN_IF_ERROR(FromRocksStatus(s, "read metadata"));
    if (!meta.ParseFromString(value)) return absl::DataLossError("undecodable node metadata");
    UNGGUL_RETURN_IF_ERROR(
        CheckStoredFormat(options.path, meta.format_version(), kFormatVersion, "upt-node"));
    if (meta.upt_code() != options.upt_code) {
      return absl::FailedPreconditionError(absl::StrCat("database at ", options.path,
                                                        " belongs to UPT ", meta.upt_code(),
                                                        ", not ", options.upt_code));
    }
    if (meta.format_version() < kFormatVersion) {
      migrated_from = meta.format_version();
      UNGGUL_RETURN_IF_ERROR(Migrate(*db, meta));
    }
    s = db->db().Get(rocksdb::ReadOptions(), db->cf(kMetaCf), ToSlice(MetaKey::kCounts), &value);
    UNGGUL_RETURN_IF_ERROR(FromRocksStatus(s, "read counts"));
    if (!stored_counts.ParseFromString(value)) {
      return absl::DataLossError("undecodable record counts");
    }
  }
  storage::v1::StoredSyncState sync_state;
  s = db->db().Get(rocksdb::ReadOptions(), db->cf(kMetaCf), ToSlice(MetaKey::kSync), &value);
  if (s.ok()) {
    if (!sync_state.ParseFromString(value)) return absl::DataLossError("undecodable sync state");
  } else if (!s.IsNotFound()) {
    return FromRocksStatus(s, "read sync state");
  }
  uint64_t oldest_seq = sync_state.oldest_seq() == 0 ? 1 : sync_state.oldest_seq();
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db->db().NewIterator(rocksdb::ReadOptions(), db->cf(kChangelogCf)));
    it->SeekToFirst();
    if (it->Valid()) {
      UNGGUL_ASSIGN_OR_RETURN(ChangelogKey key, ChangelogKey::Decode(ToView(it->key())));
      oldest_seq = key.seq();
    } else {
      oldest_seq = std::max(oldest_seq, last_seq + 1);
    }
    UNGGUL_RETURN_IF_ERROR(FromRocksStatus(it->status(), "scan changelog"));
  }
  v1::RecordCounts counts = CountsFromStored(stored_counts);
  std::unique_ptr<RocksDbCatalogStore> store(new RocksDbCatalogStore(
      std::move(db), meta.upt_code(), meta.incarnation_id(), meta.format_version(),
      std::move(counts), stored_counts.digest(), last_seq + 1, sync_state.acked_seq(), oldest_seq,
      sync_state.designation_revision(), options.sync_writes));
  store->migrated_from_format_ = migrated_from;
  return store;
}

RocksDbCatalogStore::RocksDbCatalogStore(std::unique_ptr<OwnedRocksDb> db, std::string upt_code,
                                         std::string incarnation_id, uint32_t format_version,
                                         v1::RecordCounts counts, v1::RecordDigest digest,
                                         uint64_t next_seq, uint64_t acked_seq, uint64_t oldest_seq,
                                         uint64_t designation_revision, bool sync_writes)
    : db_(std::move(db)),
      upt_code_(std::move(upt_code)),
      incarnation_id_(std::move(incarnation_id)),
      format_version_(format_version),
      sync_writes_(sync_writes),
      next_seq_(next_seq),
      counts_(std::move(counts)),
      digest_(std::move(digest)),
      acked_seq_(acked_seq),
      oldest_seq_(oldest_seq),
      designation_revision_(designation_revision) {}

RocksDbCatalogStore::~RocksDbCatalogStore() = default;

StoreInfo RocksDbCatalogStore::Info() const {
  StoreInfo info;
  info.upt_code = upt_code_;
  info.incarnation_id = incarnation_id_;
  info.format_version = format_version_;
  info.migrated_from_format = migrated_from_format_;
  info.sync_writes = sync_writes_;
  absl::MutexLock lock(&write_mu_);
  info.last_seq = next_seq_ - 1;
  info.counts = counts_;
  info.digest = digest_;
  info.acked_seq = acked_seq_;
  info.oldest_seq = oldest_seq_;
  info.designation_revision = designation_revision_;
  return info;
}

absl::StatusOr<v1::Record> RocksDbCatalogStore::Get(RecordKind kind, absl::string_view id) const {
  UNGGUL_ASSIGN_OR_RETURN(RecordKey key, RecordKey::Create(id));
  std::string value;
  rocksdb::Status s =
      db_->db().Get(rocksdb::ReadOptions(), db_->cf(CfFor(kind)), key.Encode(), &value);
  if (s.IsNotFound()) {
    return absl::NotFoundError(absl::StrCat(RecordKindName(kind), " ", Echo(id), " not found"));
  }
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(s, absl::StrCat("get ", RecordKindName(kind), " ", id)));
  return DecodeRecord(value, id);
}

absl::StatusOr<std::optional<RequestOutcome>> RocksDbCatalogStore::GetRequest(
    absl::string_view request_id) const {
  UNGGUL_ASSIGN_OR_RETURN(RequestKey key, RequestKey::Create(request_id));
  std::string value;
  rocksdb::Status s =
      db_->db().Get(rocksdb::ReadOptions(), db_->cf(kRequestsCf), key.Encode(), &value);
  if (s.IsNotFound()) return std::optional<RequestOutcome>();
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(s, absl::StrCat("get request ", request_id)));
  storage::v1::StoredRequest stored;
  if (!stored.ParseFromString(value)) {
    return absl::DataLossError(absl::StrCat("undecodable request outcome ", request_id));
  }
  RequestOutcome outcome;
  outcome.fingerprint = stored.fingerprint();
  outcome.seq = stored.seq();
  outcome.result = std::move(*stored.mutable_result());
  outcome.at_unix_ms = stored.at_unix_ms();
  return std::optional<RequestOutcome>(std::move(outcome));
}

absl::StatusOr<uint64_t> RocksDbCatalogStore::Put(const v1::Record& record,
                                                  absl::string_view request_id,
                                                  absl::string_view fingerprint,
                                                  int64_t at_unix_ms) {
  const std::optional<RecordKind> kind = KindOf(record);
  if (!kind) return absl::InvalidArgumentError("record: no kind set");
  const std::string id = RecordId(record);
  UNGGUL_ASSIGN_OR_RETURN(RecordKey key, RecordKey::Create(id));
  UNGGUL_ASSIGN_OR_RETURN(std::optional<std::string> index_key, IndexKeyFor(record, *kind));
  std::optional<RequestKey> request_key;
  std::string request_time_key;
  if (!request_id.empty()) {
    UNGGUL_ASSIGN_OR_RETURN(RequestKey rk, RequestKey::Create(request_id));
    request_key = std::move(rk);
    UNGGUL_ASSIGN_OR_RETURN(RequestTimeKey tk, RequestTimeKey::Create(at_unix_ms, request_id));
    request_time_key = tk.Encode();
  }
  rocksdb::ColumnFamilyHandle* cf = db_->cf(CfFor(*kind));
  const std::string what = absl::StrCat("put ", RecordKindName(*kind), " ", id);

  absl::MutexLock lock(&write_mu_);  // seq assignment and write are one step
  const uint64_t seq = next_seq_;
  UNGGUL_ASSIGN_OR_RETURN(ChangelogKey change_key, ChangelogKey::Create(seq));

  // The previous version decides whether counts grow and whether an old index entry goes.
  std::string old_value;
  rocksdb::Status s = db_->db().Get(rocksdb::ReadOptions(), cf, key.Encode(), &old_value);
  const bool existed = s.ok();
  if (!existed && !s.IsNotFound()) return FromRocksStatus(s, what);
  std::optional<std::string> old_index_key;
  v1::RecordDigest digest = digest_;
  if (existed) {
    UNGGUL_ASSIGN_OR_RETURN(v1::Record old, DecodeRecord(old_value, id));
    UNGGUL_ASSIGN_OR_RETURN(old_index_key, IndexKeyFor(old, *kind));
    DigestRemove(digest, RecordHash(old));
  }
  DigestAdd(digest, RecordHash(record));

  storage::v1::StoredRecord stored;
  stored.set_seq(seq);
  *stored.mutable_record() = record;
  storage::v1::StoredChange change;
  change.set_seq(seq);
  change.set_written_at_unix_ms(at_unix_ms);
  *change.mutable_record() = record;
  change.set_request_id(request_id.data(), request_id.size());
  v1::RecordCounts counts = counts_;
  if (!existed) CountRecord(counts, *kind, 1);
  storage::v1::StoredCounts stored_counts;
  CountsToStored(counts, stored_counts);
  *stored_counts.mutable_digest() = digest;

  rocksdb::WriteBatch wb;  // record + index + changelog + counts (+ request), atomically
  s = wb.Put(cf, key.Encode(), stored.SerializeAsString());
  if (s.ok() && old_index_key && old_index_key != index_key) {
    s = wb.Delete(db_->cf(kByProductCf), *old_index_key);
  }
  if (s.ok() && index_key) s = wb.Put(db_->cf(kByProductCf), *index_key, rocksdb::Slice());
  if (failpoint_ == Failpoint::kAfterRecordBeforeChangelog) {
    failpoint_ = Failpoint::kNone;
    return absl::InternalError(absl::StrCat(what, ": injected failure before changelog"));
  }
  if (s.ok()) s = wb.Put(db_->cf(kChangelogCf), change_key.Encode(), change.SerializeAsString());
  if (s.ok())
    s = wb.Put(db_->cf(kMetaCf), ToSlice(MetaKey::kCounts), stored_counts.SerializeAsString());
  if (s.ok() && request_key) {
    storage::v1::StoredRequest outcome;
    outcome.set_fingerprint(fingerprint.data(), fingerprint.size());
    outcome.set_seq(seq);
    *outcome.mutable_result() = record;
    outcome.set_at_unix_ms(at_unix_ms);
    s = wb.Put(db_->cf(kRequestsCf), request_key->Encode(), outcome.SerializeAsString());
    if (s.ok()) s = wb.Put(db_->cf(kRequestsByTimeCf), request_time_key, rocksdb::Slice());
  }
  if (failpoint_ == Failpoint::kBeforeCommit) {
    failpoint_ = Failpoint::kNone;
    return absl::InternalError(absl::StrCat(what, ": injected failure before commit"));
  }
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(s, what));
  UNGGUL_RETURN_IF_ERROR(db_->Write(wb, what));
  ++next_seq_;
  counts_ = std::move(counts);
  digest_ = std::move(digest);
  changed_.SignalAll();
  return seq;
}

absl::StatusOr<RequestSweep> RocksDbCatalogStore::SweepRequests(int64_t stored_before_unix_ms,
                                                                size_t max_entries) {
  RequestSweep sweep;
  // Under the write lock: a Put storing a fresh outcome for the same id cannot interleave.
  absl::MutexLock lock(&write_mu_);
  std::unique_ptr<rocksdb::Iterator> it(
      db_->db().NewIterator(rocksdb::ReadOptions(), db_->cf(kRequestsByTimeCf)));
  rocksdb::WriteBatch wb;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    UNGGUL_ASSIGN_OR_RETURN(RequestTimeKey key, RequestTimeKey::Decode(ToView(it->key())));
    if (key.at_unix_ms() >= stored_before_unix_ms) break;
    if (static_cast<size_t>(sweep.deleted) == max_entries) {
      sweep.more = true;
      break;
    }
    UNGGUL_ASSIGN_OR_RETURN(RequestKey request, RequestKey::Create(key.request_id()));
    rocksdb::Status s = wb.Delete(db_->cf(kRequestsCf), request.Encode());
    if (s.ok()) s = wb.Delete(db_->cf(kRequestsByTimeCf), it->key());
    UNGGUL_RETURN_IF_ERROR(FromRocksStatus(s, "sweep request outcomes"));
    ++sweep.deleted;
  }
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(it->status(), "scan request outcomes"));
  if (sweep.deleted > 0) {
    UNGGUL_RETURN_IF_ERROR(db_->Write(wb, "sweep request outcomes"));
  }
  return sweep;
}

absl::StatusOr<ListPage> RocksDbCatalogStore::List(const ListQuery& query) const {
  if (query.page_size < 1 || query.page_size > 1000) {
    return absl::InvalidArgumentError("page_size: must be 1..1000");
  }
  const bool by_index = !query.product_id.empty() && query.kind != RecordKind::kProduct;
  const char mode = by_index ? kModeIndex : kModePrimary;
  std::optional<std::string> after;
  if (!query.page_token.empty()) {
    UNGGUL_ASSIGN_OR_RETURN(std::string last, ParseToken(query.page_token, query.kind, mode));
    after = std::move(last);
  }
  rocksdb::ManagedSnapshot snapshot(&db_->db());
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot.snapshot();
  rocksdb::ColumnFamilyHandle* record_cf = db_->cf(CfFor(query.kind));

  auto in_range = [&](const v1::Record& record) -> absl::StatusOr<bool> {
    if (!query.from_day && !query.to_day) return true;
    if (query.kind == RecordKind::kProduct) return true;
    UNGGUL_ASSIGN_OR_RETURN(int32_t day, ParseDate(RecordDate(record), "record date"));
    return (!query.from_day || day >= *query.from_day) && (!query.to_day || day <= *query.to_day);
  };

  ListPage page;
  std::string prefix;
  std::unique_ptr<rocksdb::Iterator> it;
  if (by_index) {
    UNGGUL_ASSIGN_OR_RETURN(prefix, IndexKey::Prefix(query.kind, query.product_id));
    if (after && !absl::StartsWith(*after, prefix)) {
      return absl::InvalidArgumentError(
          "page_token: not a token from a previous page of this list with the same filters");
    }
    it.reset(db_->db().NewIterator(read_options, db_->cf(kByProductCf)));
    std::string start = prefix;
    if (query.from_day) {
      UNGGUL_ASSIGN_OR_RETURN(
          start, IndexKey::SeekKey(query.kind, query.product_id, std::max(0, *query.from_day)));
    }
    it->Seek(after ? ToSlice(*after) : ToSlice(start));
  } else {
    it.reset(db_->db().NewIterator(read_options, record_cf));
    if (after) {
      it->Seek(ToSlice(*after));
    } else {
      it->SeekToFirst();
    }
  }
  if (after && it->Valid() && ToView(it->key()) == *after) it->Next();

  for (; it->Valid(); it->Next()) {
    const absl::string_view key_bytes = ToView(it->key());
    v1::Record record;
    if (by_index) {
      if (!absl::StartsWith(key_bytes, prefix)) break;
      UNGGUL_ASSIGN_OR_RETURN(IndexKey index, IndexKey::Decode(key_bytes));
      if (query.to_day && index.day() > *query.to_day) break;
      UNGGUL_ASSIGN_OR_RETURN(RecordKey rk, RecordKey::Create(index.id()));
      std::string value;
      rocksdb::Status s = db_->db().Get(read_options, record_cf, rk.Encode(), &value);
      if (s.IsNotFound()) {
        return absl::DataLossError(absl::StrCat("index entry without record ", index.id()));
      }
      UNGGUL_RETURN_IF_ERROR(FromRocksStatus(s, "list"));
      UNGGUL_ASSIGN_OR_RETURN(record, DecodeRecord(value, index.id()));
    } else {
      UNGGUL_ASSIGN_OR_RETURN(record, DecodeRecord(ToView(it->value()), "in list"));
      if (!query.product_id.empty() && RecordProductId(record) != query.product_id) continue;
    }
    UNGGUL_ASSIGN_OR_RETURN(bool keep, in_range(record));
    if (!keep || (query.filter && !query.filter(record))) continue;
    page.records.push_back(std::move(record));
    if (static_cast<int>(page.records.size()) == query.page_size) {
      const std::string last(key_bytes);
      it->Next();
      const bool more = it->Valid() && (!by_index || absl::StartsWith(ToView(it->key()), prefix));
      if (more) page.next_page_token = MakeToken(query.kind, mode, last);
      break;
    }
  }
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(it->status(), "list"));
  return page;
}

absl::StatusOr<std::vector<ChangeEntry>> RocksDbCatalogStore::ReadChanges(uint64_t after_seq,
                                                                          size_t max) const {
  {
    absl::MutexLock lock(&write_mu_);
    if (after_seq + 1 < oldest_seq_) {
      return absl::FailedPreconditionError(absl::StrCat(
          "changelog entries after ", after_seq, " were trimmed; oldest kept is ", oldest_seq_));
    }
  }
  std::vector<ChangeEntry> out;
  UNGGUL_ASSIGN_OR_RETURN(ChangelogKey start, ChangelogKey::Create(after_seq + 1));
  std::unique_ptr<rocksdb::Iterator> it(
      db_->db().NewIterator(rocksdb::ReadOptions(), db_->cf(kChangelogCf)));
  const std::string start_key = start.Encode();
  for (it->Seek(start_key); it->Valid() && out.size() < max; it->Next()) {
    UNGGUL_ASSIGN_OR_RETURN(ChangelogKey key, ChangelogKey::Decode(ToView(it->key())));
    storage::v1::StoredChange change;
    if (!change.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("undecodable changelog entry ", key.seq()));
    }
    ChangeEntry entry;
    entry.seq = key.seq();
    entry.written_at_unix_ms = change.written_at_unix_ms();
    entry.record = std::move(*change.mutable_record());
    entry.request_id = std::move(*change.mutable_request_id());
    out.push_back(std::move(entry));
  }
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(it->status(), "read changelog"));
  return out;
}

bool RocksDbCatalogStore::WaitForChange(uint64_t after_seq, const Clock& clock,
                                        absl::Time deadline) const {
  absl::MutexLock lock(&write_mu_);
  const uint64_t generation = wake_generation_;
  while (next_seq_ - 1 <= after_seq && wake_generation_ == generation) {
    if (clock.WaitWithDeadline(changed_, write_mu_, deadline)) break;
  }
  return next_seq_ - 1 > after_seq;
}

void RocksDbCatalogStore::Wake() {
  absl::MutexLock lock(&write_mu_);
  ++wake_generation_;
  changed_.SignalAll();
}

absl::StatusOr<RecordSnapshot> RocksDbCatalogStore::ReadSnapshot() const {
  RecordSnapshot out;
  const rocksdb::Snapshot* raw = nullptr;
  {
    absl::MutexLock lock(&write_mu_);  // the snapshot and as_of_seq describe the same state
    raw = db_->db().GetSnapshot();
    out.as_of_seq = next_seq_ - 1;
    out.digest = digest_;
  }
  rocksdb::ManagedSnapshot snapshot(&db_->db(), raw);
  rocksdb::ReadOptions read_options;
  read_options.snapshot = raw;
  for (const RecordKindInfo& kind : RecordKinds()) {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->db().NewIterator(read_options, db_->cf(kind.plural)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      UNGGUL_ASSIGN_OR_RETURN(v1::Record record, DecodeRecord(ToView(it->value()), "in snapshot"));
      out.records.push_back(std::move(record));
    }
    UNGGUL_RETURN_IF_ERROR(FromRocksStatus(it->status(), "read snapshot"));
  }
  if (static_cast<int64_t>(out.records.size()) != out.digest.count()) {
    return absl::DataLossError(absl::StrCat("snapshot has ", out.records.size(),
                                            " records but the digest counts ", out.digest.count()));
  }
  return out;
}

std::string RocksDbCatalogStore::SyncStateLocked(uint64_t acked_seq, uint64_t oldest_seq,
                                                 uint64_t designation_revision) const {
  storage::v1::StoredSyncState state;
  state.set_acked_seq(acked_seq);
  state.set_oldest_seq(oldest_seq);
  state.set_designation_revision(designation_revision);
  return state.SerializeAsString();
}

absl::Status RocksDbCatalogStore::WriteSyncStateLocked(uint64_t acked_seq, uint64_t oldest_seq) {
  return db_->Put(db_->cf(kMetaCf), ToSlice(MetaKey::kSync),
                  SyncStateLocked(acked_seq, oldest_seq, designation_revision_),
                  "write sync state");
}

absl::Status RocksDbCatalogStore::PutDesignation(const v1::DesignationNotice& notice) {
  UNGGUL_ASSIGN_OR_RETURN(RecordKey key, RecordKey::Create(notice.designation_id()));
  absl::MutexLock lock(&write_mu_);
  std::string value;
  rocksdb::Status s =
      db_->db().Get(rocksdb::ReadOptions(), db_->cf(kDesignationsCf), key.Encode(), &value);
  bool newer = true;
  if (s.ok()) {
    storage::v1::StoredDesignation old;
    if (!old.ParseFromString(value)) return absl::DataLossError("undecodable designation");
    newer = notice.revision() > old.notice().revision();
  } else if (!s.IsNotFound()) {
    return FromRocksStatus(s, "read designation");
  }
  const uint64_t revision = std::max(designation_revision_, notice.revision());
  rocksdb::WriteBatch wb;  // the notice and the revision move together
  s = rocksdb::Status::OK();
  if (newer) {
    storage::v1::StoredDesignation stored;
    *stored.mutable_notice() = notice;
    s = wb.Put(db_->cf(kDesignationsCf), key.Encode(), stored.SerializeAsString());
  }
  if (s.ok()) {
    s = wb.Put(db_->cf(kMetaCf), ToSlice(MetaKey::kSync),
               SyncStateLocked(acked_seq_, oldest_seq_, revision));
  }
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(s, "store designation"));
  UNGGUL_RETURN_IF_ERROR(db_->Write(wb, "store designation"));
  designation_revision_ = revision;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::DesignationNotice>> RocksDbCatalogStore::ListDesignations() const {
  std::vector<v1::DesignationNotice> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->db().NewIterator(rocksdb::ReadOptions(), db_->cf(kDesignationsCf)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    storage::v1::StoredDesignation stored;
    if (!stored.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("undecodable designation");
    }
    out.push_back(std::move(*stored.mutable_notice()));
  }
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(it->status(), "list designations"));
  return out;
}

absl::Status RocksDbCatalogStore::SetAckedSeq(uint64_t seq) {
  absl::MutexLock lock(&write_mu_);
  if (seq <= acked_seq_) return absl::OkStatus();
  if (seq > next_seq_ - 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("acked seq ", seq, " is beyond the last seq ", next_seq_ - 1));
  }
  UNGGUL_RETURN_IF_ERROR(WriteSyncStateLocked(seq, oldest_seq_));
  acked_seq_ = seq;
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> RocksDbCatalogStore::TrimChangelog(uint64_t upto_seq,
                                                            int64_t written_before_unix_ms,
                                                            size_t max_entries) {
  absl::MutexLock lock(&write_mu_);
  const uint64_t limit = std::min(upto_seq, acked_seq_);
  if (limit < oldest_seq_) return oldest_seq_;
  UNGGUL_ASSIGN_OR_RETURN(ChangelogKey start, ChangelogKey::Create(oldest_seq_));
  std::unique_ptr<rocksdb::Iterator> it(
      db_->db().NewIterator(rocksdb::ReadOptions(), db_->cf(kChangelogCf)));
  uint64_t new_oldest = oldest_seq_;
  size_t n = 0;
  for (it->Seek(start.Encode()); it->Valid() && n < max_entries; it->Next(), ++n) {
    UNGGUL_ASSIGN_OR_RETURN(ChangelogKey key, ChangelogKey::Decode(ToView(it->key())));
    if (key.seq() > limit) break;
    storage::v1::StoredChange change;
    if (!change.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("undecodable changelog entry ", key.seq()));
    }
    if (change.written_at_unix_ms() >= written_before_unix_ms) break;
    new_oldest = key.seq() + 1;
  }
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(it->status(), "scan changelog"));
  if (new_oldest == oldest_seq_) return oldest_seq_;
  UNGGUL_ASSIGN_OR_RETURN(ChangelogKey end, ChangelogKey::Create(new_oldest));
  // The sync state moves first: a crash between the two leaves entries below oldest_seq, which
  // the next trim removes; never a hole above it.
  UNGGUL_RETURN_IF_ERROR(WriteSyncStateLocked(acked_seq_, new_oldest));
  rocksdb::WriteBatch trim;
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(
      trim.DeleteRange(db_->cf(kChangelogCf), start.Encode(), end.Encode()), "trim changelog"));
  UNGGUL_RETURN_IF_ERROR(db_->Write(trim, "trim changelog"));
  oldest_seq_ = new_oldest;
  return oldest_seq_;
}

void RocksDbCatalogStore::SetFailpointForTest(Failpoint failpoint) {
  absl::MutexLock lock(&write_mu_);
  failpoint_ = failpoint;
}

}  // namespace unggul::node
