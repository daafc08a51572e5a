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
#include "common/status/echo.h"
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
          *db_, [this](absl::string_view upt_code) { Changed(upt_code); })),
      registry_(std::make_unique<RocksDbRegistryStore>(
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

absl::Status RocksDbKanwilStore::CommitUpt(const UptCommit& commit) {
  const absl::string_view upt_code = commit.upt_code;
  UNGGUL_ASSIGN_OR_RETURN(UptKey upt_key, UptKey::Create(upt_code));
  absl::MutexLock lock(&UptMutex(upt_code));
  UNGGUL_ASSIGN_OR_RETURN(std::optional<UptSyncState> now, GetUpt(upt_code));
  const bool same = now.has_value() == commit.based_on.has_value() &&
                    (!now || (now->incarnation_id == commit.based_on->incarnation_id &&
                              now->hwm == commit.based_on->hwm));
  if (!same) {
    return absl::AbortedError(
        absl::StrCat("UPT ", upt_code, " moved while its change was prepared (now ",
                     now ? absl::StrCat(now->incarnation_id, " at seq ", now->hwm) : "absent",
                     "); nothing applied, retry"));
  }
  rocksdb::WriteBatch wb;
  if (commit.replace_all) {
    // Delete everything of the UPT, then write: later entries of a WriteBatch win.
    std::vector<std::string> prefixes;
    for (const RecordKindInfo& info : RecordKinds()) {
      prefixes.push_back(ReplicaKey::Prefix(static_cast<RecordKind>(info.number), upt_code));
    }
    for (const auto& [cf, prefix_list] :
         {std::pair{kReplicaCf, prefixes},
          std::pair{kRollupsCf, std::vector<std::string>{RollupKey::UptPrefix(upt_code)}}}) {
      for (const std::string& prefix : prefix_list) {
        std::unique_ptr<rocksdb::Iterator> it(
            db_->db().NewIterator(rocksdb::ReadOptions(), db_->cf(cf)));
        for (it->Seek(ToSlice(prefix)); it->Valid() && it->key().starts_with(ToSlice(prefix));
             it->Next()) {
          UNGGUL_RETURN_IF_ERROR(FromRocksStatus(wb.Delete(db_->cf(cf), it->key()), "stage"));
        }
        UNGGUL_RETURN_IF_ERROR(FromRocksStatus(it->status(), absl::StrCat("scan ", cf)));
      }
    }
  }
  for (const UptCommit::RecordPut& put : commit.records) {
    UNGGUL_ASSIGN_OR_RETURN(ReplicaKey key, ReplicaKey::Create(put.kind, upt_code, put.id));
    UNGGUL_RETURN_IF_ERROR(FromRocksStatus(
        wb.Put(db_->cf(kReplicaCf), key.Encode(), EncodeStoredReplica(put.seq, put.record_bytes)),
        "stage replica"));
  }
  for (const auto& [row, rollup] : commit.rollups) {
    UNGGUL_ASSIGN_OR_RETURN(RollupKey key, RollupKey::Create(upt_code, row.first, row.second));
    UNGGUL_ASSIGN_OR_RETURN(const std::string value, EncodeRollup(rollup));
    UNGGUL_RETURN_IF_ERROR(
        FromRocksStatus(wb.Put(db_->cf(kRollupsCf), key.Encode(), value), "stage rollup"));
  }
  for (const auto& row : commit.rollup_deletes) {
    UNGGUL_ASSIGN_OR_RETURN(RollupKey key, RollupKey::Create(upt_code, row.first, row.second));
    UNGGUL_RETURN_IF_ERROR(
        FromRocksStatus(wb.Delete(db_->cf(kRollupsCf), key.Encode()), "stage rollup"));
  }
  {
    absl::MutexLock hook(&write_mu_);
    if (fail_next_apply_) {
      fail_next_apply_ = false;
      return absl::InternalError("injected failure between records and high-water mark");
    }
  }
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(
      wb.Put(db_->cf(kUptsCf), upt_key.Encode(), ToStored(commit.state).SerializeAsString()),
      "stage state"));
  UNGGUL_RETURN_IF_ERROR(db_->Write(wb, absl::StrCat("apply changes of ", upt_code)));
  Changed(upt_code);
  return absl::OkStatus();
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

absl::StatusOr<std::optional<v1::Record>> RocksDbKanwilStore::FindRecord(
    RecordKind kind, absl::string_view upt_code, absl::string_view id) const {
  UNGGUL_ASSIGN_OR_RETURN(ReplicaKey key, ReplicaKey::Create(kind, upt_code, id));
  std::string value;
  rocksdb::Status s =
      db_->db().Get(rocksdb::ReadOptions(), db_->cf(kReplicaCf), key.Encode(), &value);
  if (s.IsNotFound()) return std::optional<v1::Record>();
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(s, "get replica"));
  st::StoredReplica stored;
  if (!stored.ParseFromString(value)) return absl::DataLossError("undecodable replica");
  return std::optional<v1::Record>(std::move(*stored.mutable_record()));
}

absl::StatusOr<v1::Record> RocksDbKanwilStore::GetRecord(RecordKind kind,
                                                         absl::string_view upt_code,
                                                         absl::string_view id) const {
  UNGGUL_ASSIGN_OR_RETURN(std::optional<v1::Record> record, FindRecord(kind, upt_code, id));
  if (!record) {
    return absl::NotFoundError(absl::StrCat(RecordKindName(kind), " ", Echo(id), " not found"));
  }
  return *std::move(record);
}

absl::StatusOr<std::optional<kanwil::v1::MonthlyRollup>> RocksDbKanwilStore::FindRollup(
    absl::string_view upt_code, absl::string_view product_id, uint32_t yyyymm) const {
  UNGGUL_ASSIGN_OR_RETURN(RollupKey key, RollupKey::Create(upt_code, product_id, yyyymm));
  std::string value;
  rocksdb::Status s =
      db_->db().Get(rocksdb::ReadOptions(), db_->cf(kRollupsCf), key.Encode(), &value);
  if (s.IsNotFound()) return std::optional<kanwil::v1::MonthlyRollup>();
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(s, "read rollup"));
  UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::MonthlyRollup rollup, DecodeRollup(value));
  return std::optional<kanwil::v1::MonthlyRollup>(std::move(rollup));
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

void RocksDbKanwilStore::FailNextApplyForTest() {
  absl::MutexLock lock(&write_mu_);
  fail_next_apply_ = true;
}

}  // namespace unggul::aggregator
