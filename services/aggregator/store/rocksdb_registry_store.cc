#include "services/aggregator/store/rocksdb_registry_store.h"

#include <memory>
#include <string>

#include "common/rocksdb/rocks_status.h"
#include "common/status/status_macros.h"
#include "services/aggregator/store/keys.h"
#include "services/aggregator/store/rocks_scan.h"
#include "unggul/kanwil/storage/v1/storage.pb.h"

namespace unggul::aggregator {

using namespace store_internal;  // NOLINT: the shared CF names

namespace {
namespace st = ::unggul::kanwil::storage::v1;
}  // namespace

absl::StatusOr<std::optional<Registry>> RocksDbRegistryStore::LatestRegistry() const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db().NewIterator(rocksdb::ReadOptions(), db_.cf(kRegistryCf)));
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

absl::StatusOr<uint64_t> RocksDbRegistryStore::SaveRegistry(
    const std::vector<RegistryEntry>& entries, absl::string_view content_hash,
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
      db_.Put(db_.cf(kRegistryCf), key.Encode(), stored.SerializeAsString(), "save registry"));
  changed_("");
  return stored.version();
}

}  // namespace unggul::aggregator
