#include "services/aggregator/core/replica_apply.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/records/records.h"
#include "common/status/status_macros.h"
#include "services/aggregator/rollup/rollup.h"

namespace unggul::aggregator {
namespace {

namespace v1 = ::unggul::node::v1;

// The rows of `rollups` as puts, and deletes for the rows every figure of which went back to 0.
void StageRollups(RollupMap& rollups, UptCommit& commit) {
  for (auto& [key, rollup] : rollups) {
    if (IsEmpty(rollup)) {
      commit.rollup_deletes.push_back(key);
    } else {
      commit.rollups.emplace_back(key, std::move(rollup));
    }
  }
}

}  // namespace

absl::StatusOr<UptSyncState> ApplyChanges(KanwilStore& store, absl::string_view upt_code,
                                          absl::string_view incarnation_id,
                                          const std::vector<IncomingChange>& changes,
                                          uint64_t node_last_seq, int64_t now_unix_ms) {
  UNGGUL_ASSIGN_OR_RETURN(std::optional<UptSyncState> existing, store.GetUpt(upt_code));
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

  UptCommit commit;
  commit.upt_code = std::string(upt_code);
  commit.based_on = existing;
  // (kind, id) -> the newest record of this batch (points into `changes`: no copies).
  std::map<std::pair<RecordKind, std::string>, const v1::Record*> overlay;
  RollupMap rollups;  // read from the store once per row, then updated
  auto preload = [&](const v1::Record& record) -> absl::Status {
    std::pair<std::string, uint32_t> key;
    if (!RollupKeyOf(record, &key) || rollups.count(key) > 0) return absl::OkStatus();
    UNGGUL_ASSIGN_OR_RETURN(std::optional<kanwil::v1::MonthlyRollup> row,
                            store.FindRollup(upt_code, key.first, key.second));
    rollups[key] = row ? *std::move(row) : kanwil::v1::MonthlyRollup();
    return absl::OkStatus();
  };
  for (size_t i = first; i < changes.size(); ++i) {
    const v1::Record& record = changes[i].record;
    const std::optional<RecordKind> kind = KindOf(record);
    if (!kind) {
      return absl::InvalidArgumentError(absl::StrCat("change ", changes[i].seq, ": no record"));
    }
    std::string id = RecordId(record);
    // The previous version, if any, is taken out of rollups and digest first.
    std::optional<v1::Record> stored_old;
    const v1::Record* old = nullptr;
    if (auto it = overlay.find({*kind, id}); it != overlay.end()) {
      old = it->second;
    } else {
      UNGGUL_ASSIGN_OR_RETURN(stored_old, store.FindRecord(*kind, upt_code, id));
      if (stored_old) old = &*stored_old;
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
    std::string bytes = DeterministicBytes(record);
    DigestAdd(state.digest, RecordHashOfBytes(*kind, id, bytes));
    overlay[{*kind, id}] = &record;
    commit.records.push_back({*kind, std::move(id), changes[i].seq, std::move(bytes)});
  }
  StageRollups(rollups, commit);
  state.hwm = changes.back().seq;
  state.node_last_seq = std::max({state.node_last_seq, node_last_seq, state.hwm});
  state.last_seen_unix_ms = now_unix_ms;
  commit.state = state;
  UNGGUL_RETURN_IF_ERROR(store.CommitUpt(commit));
  return state;
}

absl::StatusOr<UptSyncState> ReplaceUpt(KanwilStore& store, absl::string_view upt_code,
                                        absl::string_view incarnation_id, uint64_t as_of_seq,
                                        const std::vector<v1::Record>& records,
                                        int64_t now_unix_ms) {
  UNGGUL_ASSIGN_OR_RETURN(std::optional<UptSyncState> existing, store.GetUpt(upt_code));
  UptCommit commit;
  commit.upt_code = std::string(upt_code);
  commit.based_on = existing;
  commit.replace_all = true;
  UptSyncState state;
  state.upt_code = std::string(upt_code);
  state.incarnation_id = std::string(incarnation_id);
  state.hwm = as_of_seq;
  state.node_last_seq = std::max(as_of_seq, existing ? existing->node_last_seq : 0);
  state.last_seen_unix_ms = now_unix_ms;
  RollupMap rollups;
  commit.records.reserve(records.size());
  for (const v1::Record& record : records) {
    const std::optional<RecordKind> kind = KindOf(record);
    if (!kind) return absl::InvalidArgumentError("snapshot record without kind");
    std::string id = RecordId(record);
    std::string bytes = DeterministicBytes(record);
    if (*kind == RecordKind::kProduct) ++state.products;
    DigestAdd(state.digest, RecordHash(record));
    ApplyToRollups(record, +1, rollups);
    commit.records.push_back({*kind, std::move(id), as_of_seq, std::move(bytes)});
  }
  StageRollups(rollups, commit);
  commit.state = state;
  UNGGUL_RETURN_IF_ERROR(store.CommitUpt(commit));
  return state;
}

}  // namespace unggul::aggregator
