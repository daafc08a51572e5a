#include "services/node/core/fake_catalog_store.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/echo.h"
#include "common/time/dates.h"

namespace unggul::node {

FakeCatalogStore::FakeCatalogStore(std::string upt_code) : upt_code_(std::move(upt_code)) {}

void FakeCatalogStore::FailNextCall(absl::Status status) {
  absl::MutexLock lock(&mu_);
  next_failure_ = std::move(status);
}

int FakeCatalogStore::put_count() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(changes_.size());
}

absl::Status FakeCatalogStore::TakeFailure() const {
  absl::Status s = next_failure_;
  next_failure_ = absl::OkStatus();
  return s;
}

StoreInfo FakeCatalogStore::Info() const {
  absl::MutexLock lock(&mu_);
  StoreInfo info;
  info.upt_code = upt_code_;
  info.incarnation_id = "00000000000000000000000000000fa1";
  info.last_seq = changes_.size();
  info.format_version = 1;
  for (const auto& [key, record] : records_) {
    CountRecord(info.counts, key.first, 1);
  }
  return info;
}

absl::StatusOr<v1::Record> FakeCatalogStore::Get(RecordKind kind, absl::string_view id) const {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = TakeFailure(); !s.ok()) return s;
  auto it = records_.find({kind, std::string(id)});
  if (it == records_.end()) {
    return absl::NotFoundError(absl::StrCat(RecordKindName(kind), " ", Echo(id), " not found"));
  }
  return it->second;
}

absl::StatusOr<std::optional<RequestOutcome>> FakeCatalogStore::GetRequest(
    absl::string_view request_id) const {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = TakeFailure(); !s.ok()) return s;
  auto it = requests_.find(std::string(request_id));
  if (it == requests_.end()) return std::optional<RequestOutcome>();
  return std::optional<RequestOutcome>(it->second);
}

absl::StatusOr<uint64_t> FakeCatalogStore::Put(const v1::Record& record,
                                               absl::string_view request_id,
                                               absl::string_view fingerprint, int64_t at_unix_ms) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = TakeFailure(); !s.ok()) return s;
  const std::optional<RecordKind> kind = KindOf(record);
  if (!kind) return absl::InvalidArgumentError("record: no kind set");
  const uint64_t seq = changes_.size() + 1;
  records_[{*kind, RecordId(record)}] = record;
  if (!request_id.empty()) {
    requests_[std::string(request_id)] =
        RequestOutcome{std::string(fingerprint), seq, record, at_unix_ms};
  }
  changes_.push_back(ChangeEntry{seq, at_unix_ms, record, std::string(request_id)});
  return seq;
}

absl::StatusOr<RequestSweep> FakeCatalogStore::SweepRequests(int64_t stored_before_unix_ms,
                                                             size_t max_entries) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = TakeFailure(); !s.ok()) return s;
  RequestSweep sweep;
  for (auto it = requests_.begin(); it != requests_.end();) {
    if (it->second.at_unix_ms >= stored_before_unix_ms) {
      ++it;
    } else if (static_cast<size_t>(sweep.deleted) == max_entries) {
      sweep.more = true;
      break;
    } else {
      it = requests_.erase(it);
      ++sweep.deleted;
    }
  }
  return sweep;
}

absl::StatusOr<ListPage> FakeCatalogStore::List(const ListQuery& query) const {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = TakeFailure(); !s.ok()) return s;
  if (query.page_size < 1 || query.page_size > 1000) {  // as the RocksDB store
    return absl::InvalidArgumentError("page_size: must be 1..1000");
  }
  std::vector<std::pair<std::string, const v1::Record*>> matches;  // (sort key, record)
  for (const auto& [key, record] : records_) {
    if (key.first != query.kind) continue;
    if (!query.product_id.empty() && RecordProductId(record) != query.product_id) continue;
    std::string sort_key = key.second;
    if (query.kind != RecordKind::kProduct) {
      absl::StatusOr<int32_t> day = ParseDate(RecordDate(record), "date");
      if (!day.ok()) return day.status();
      if ((query.from_day && *day < *query.from_day) || (query.to_day && *day > *query.to_day)) {
        continue;
      }
      if (!query.product_id.empty()) sort_key = absl::StrCat(FormatDate(*day), "|", key.second);
    }
    if (query.filter && !query.filter(record)) continue;
    matches.emplace_back(std::move(sort_key), &record);
  }
  std::sort(matches.begin(), matches.end());
  size_t start = 0;
  if (!query.page_token.empty() && !absl::SimpleAtoi(query.page_token, &start)) {
    return absl::InvalidArgumentError("page_token: not a token from a previous page");
  }
  ListPage page;
  size_t i = start;
  for (; i < matches.size() && page.records.size() < static_cast<size_t>(query.page_size); ++i) {
    page.records.push_back(*matches[i].second);
  }
  if (i < matches.size()) page.next_page_token = absl::StrCat(i);
  return page;
}

absl::StatusOr<std::vector<v1::DesignationNotice>> FakeCatalogStore::ListDesignations() const {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = TakeFailure(); !s.ok()) return s;
  return designations_;
}

void FakeCatalogStore::AddDesignation(v1::DesignationNotice notice) {
  absl::MutexLock lock(&mu_);
  designations_.push_back(std::move(notice));
}

std::vector<ChangeEntry> FakeCatalogStore::Changes(uint64_t after_seq, size_t max) const {
  absl::MutexLock lock(&mu_);
  std::vector<ChangeEntry> out;
  for (uint64_t seq = after_seq + 1; seq <= changes_.size() && out.size() < max; ++seq) {
    out.push_back(changes_[seq - 1]);
  }
  return out;
}

}  // namespace unggul::node
