#include "services/node/core/node_core.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/records/kinds.h"
#include "common/status/status_macros.h"
#include "common/time/dates.h"
#include "common/version/version.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/wire_format_lite.h"
#include "services/node/core/validation.h"

namespace unggul::node {
namespace {

constexpr int kDefaultPageSize = 100;

// Deterministic bytes of a request with its request_id cleared: what a retry must repeat.
template <typename Request>
std::string Fingerprint(const Request& request) {
  Request copy = request;
  copy.clear_request_id();
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  copy.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

// The fingerprint of a write of `record`: the deterministic bytes of the typed request
// Record<Kind>Request{request_id = 1, <kind message> = 2} without its request_id, which is what
// the node stored before the generic write path (field 2, length-delimited, the message's bytes).
std::string Fingerprint(const v1::Record& record, const RecordKindInfo& kind) {
  const std::string body =
      DeterministicBytes(record.GetReflection()->GetMessage(record, kind.field));
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.WriteTag(google::protobuf::internal::WireFormatLite::MakeTag(
        2, google::protobuf::internal::WireFormatLite::WIRETYPE_LENGTH_DELIMITED));
    coded.WriteVarint32(static_cast<uint32_t>(body.size()));
    coded.WriteString(body);
  }
  return out;
}

// Compares two records ignoring the node-set bookkeeping (timestamps, version).
bool SameContent(v1::Record a, v1::Record b) {
  ClearNodeSetFields(a);
  ClearNodeSetFields(b);
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

int PageSize(int requested, int max) {
  return requested == 0 ? std::min(kDefaultPageSize, max) : requested;
}

absl::Status CheckPageSize(int requested, int max) {
  if (requested < 0 || requested > max) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: must be 0..", max, " (0 means ",
                                                   std::min(kDefaultPageSize, max),
                                                   "; --max_page_size), got ", requested));
  }
  return absl::OkStatus();
}

}  // namespace

NodeCore::NodeCore(CatalogStore& store, const Clock& clock)
    : store_(store),
      clock_(clock),
      waiters_(std::make_unique<SyncWaiters>(clock, SyncWaiters::Limits())) {}

ValidationContext NodeCore::Context() const {
  ValidationContext ctx;
  ctx.upt_code = store_.Info().upt_code;
  ctx.today = JakartaDay(clock_.Now());
  return ctx;
}

void NodeCore::SetSyncStatusProvider(SyncStatusProvider* sync) {
  sync_ = sync;
  if (sync != nullptr) sync->SetChangeListener([this] { waiters_->Notify(); });
}

absl::StatusOr<uint64_t> NodeCore::StartWaitForSync(
    const v1::WaitForSyncRequest& request, absl::Duration timeout, const std::string& caller,
    std::function<void(absl::StatusOr<v1::NodeInfo>)> done) {
  const SyncStatusProvider* sync = sync_.load();
  if (sync == nullptr) {
    return absl::FailedPreconditionError("sync is off: the node runs without --aggregator_addr");
  }
  const uint64_t target =
      request.min_acked_seq() == 0 ? store_.Info().last_seq : request.min_acked_seq();
  const uint64_t revision = request.min_designation_revision();
  auto check = [this, sync, target, revision]() -> std::optional<absl::Status> {
    if (sync->Status().acked_seq() >= target && store_.Info().designation_revision >= revision) {
      return absl::OkStatus();
    }
    if (sync->stopping()) return absl::UnavailableError("sync client stopping");
    return std::nullopt;
  };
  auto timed_out = [this, sync, target, revision]() -> absl::Status {
    const uint64_t acked = sync->Status().acked_seq();
    if (acked < target) {
      return absl::DeadlineExceededError(
          absl::StrCat("the Kanwil has acknowledged up to ", acked, ", not yet ", target));
    }
    return absl::DeadlineExceededError(absl::StrCat("designation revision ", revision,
                                                    " not received yet (have ",
                                                    store_.Info().designation_revision, ")"));
  };
  return waiters_->Add(caller, std::move(check), clock_.Now() + timeout, std::move(timed_out),
                       [this, done = std::move(done)](absl::Status status) {
                         if (!status.ok()) return done(status);
                         done(GetNodeInfo());
                       });
}

void NodeCore::CancelWait(uint64_t id) { waiters_->Cancel(id); }

v1::NodeInfo NodeCore::GetNodeInfo() const {
  const StoreInfo info = store_.Info();
  v1::NodeInfo out;
  out.set_upt_code(info.upt_code);
  out.set_incarnation_id(info.incarnation_id);
  out.set_last_seq(info.last_seq);
  *out.mutable_counts() = info.counts;
  out.set_sync_writes(info.sync_writes);
  out.set_storage_format_version(info.format_version);
  out.set_software_version(VersionString());
  *out.mutable_digest() = info.digest;
  if (const SyncStatusProvider* sync = sync_.load(); sync != nullptr) {
    *out.mutable_sync() = sync->Status();
  } else {
    out.mutable_sync()->set_acked_seq(info.acked_seq);
    out.mutable_sync()->set_oldest_seq(info.oldest_seq);
    out.mutable_sync()->set_lag(info.last_seq - std::min(info.last_seq, info.acked_seq));
  }
  return out;
}

absl::StatusOr<std::optional<v1::Record>> NodeCore::Replay(absl::string_view request_id,
                                                           const std::string& fingerprint) const {
  if (request_id.empty()) return std::optional<v1::Record>();
  UNGGUL_ASSIGN_OR_RETURN(std::optional<RequestOutcome> outcome, store_.GetRequest(request_id));
  if (!outcome) return std::optional<v1::Record>();
  if (outcome->fingerprint != fingerprint) {
    return absl::AlreadyExistsError(
        absl::StrCat("request_id ", request_id, " was already used for a different request"));
  }
  return std::optional<v1::Record>(std::move(outcome->result));
}

// --- Products ---------------------------------------------------------------------------------

absl::StatusOr<Written<v1::Product>> NodeCore::CreateProduct(
    const v1::CreateProductRequest& request) {
  UNGGUL_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const ValidationContext ctx = Context();
  v1::Product product = request.product();
  if (product.upt_code().empty()) product.set_upt_code(ctx.upt_code);
  if (product.status() == v1::PRODUCT_STATUS_UNSPECIFIED) {
    product.set_status(v1::PRODUCT_STATUS_ACTIVE);
  }
  UNGGUL_RETURN_IF_ERROR(ValidateProduct(product, ctx));
  if (product.status() == v1::PRODUCT_STATUS_DISCONTINUED) {
    return absl::InvalidArgumentError(
        "product.status: a new product cannot be DISCONTINUED (use RetireProduct)");
  }
  if (!product.retired_reason().empty()) {
    return absl::InvalidArgumentError("product.retired_reason: only RetireProduct sets it");
  }
  const std::string fingerprint = Fingerprint(request);

  absl::MutexLock lock(&write_mu_);
  UNGGUL_ASSIGN_OR_RETURN(std::optional<v1::Record> replay,
                          Replay(request.request_id(), fingerprint));
  if (replay) return Written<v1::Product>{replay->product(), true};
  absl::StatusOr<v1::Record> existing = store_.Get(RecordKind::kProduct, product.product_id());
  if (existing.ok()) {
    v1::Record candidate;
    *candidate.mutable_product() = product;
    if (SameContent(candidate, *existing)) return Written<v1::Product>{existing->product(), true};
    return absl::AlreadyExistsError(
        absl::StrCat("product ", product.product_id(), " already exists with other content"));
  }
  if (!absl::IsNotFound(existing.status())) return existing.status();

  const int64_t now = absl::ToUnixMillis(clock_.Now());
  product.set_version(1);
  product.set_created_at_unix_ms(now);
  product.set_updated_at_unix_ms(now);
  v1::Record record;
  *record.mutable_product() = product;
  UNGGUL_RETURN_IF_ERROR(store_.Put(record, request.request_id(), fingerprint, now).status());
  return Written<v1::Product>{std::move(product), false};
}

absl::StatusOr<Written<v1::Product>> NodeCore::UpdateProduct(
    const v1::UpdateProductRequest& request) {
  UNGGUL_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const ValidationContext ctx = Context();
  v1::Product product = request.product();
  if (product.upt_code().empty()) product.set_upt_code(ctx.upt_code);
  UNGGUL_RETURN_IF_ERROR(ValidateProduct(product, ctx));
  if (product.status() == v1::PRODUCT_STATUS_DISCONTINUED) {
    return absl::InvalidArgumentError("product.status: DISCONTINUED is set only by RetireProduct");
  }
  if (request.expected_version() < 0) {
    return absl::InvalidArgumentError("expected_version: must be >= 0");
  }
  const std::string fingerprint = Fingerprint(request);

  absl::MutexLock lock(&write_mu_);
  UNGGUL_ASSIGN_OR_RETURN(std::optional<v1::Record> replay,
                          Replay(request.request_id(), fingerprint));
  if (replay) return Written<v1::Product>{replay->product(), true};
  UNGGUL_ASSIGN_OR_RETURN(v1::Record existing,
                          store_.Get(RecordKind::kProduct, product.product_id()));
  const v1::Product& old = existing.product();
  if (old.status() == v1::PRODUCT_STATUS_DISCONTINUED) {
    return absl::FailedPreconditionError(
        absl::StrCat("product ", old.product_id(), " is discontinued"));
  }
  if (request.expected_version() > 0 && request.expected_version() != old.version()) {
    return absl::AbortedError(absl::StrCat("product ", old.product_id(), " is at version ",
                                           old.version(), ", not ", request.expected_version(),
                                           "; read it again and retry"));
  }
  if (product.status() == v1::PRODUCT_STATUS_UNSPECIFIED) product.set_status(old.status());
  product.set_retired_reason(old.retired_reason());
  v1::Record candidate;
  *candidate.mutable_product() = product;
  if (SameContent(candidate, existing)) return Written<v1::Product>{old, true};

  const int64_t now = absl::ToUnixMillis(clock_.Now());
  product.set_version(old.version() + 1);
  product.set_created_at_unix_ms(old.created_at_unix_ms());
  product.set_updated_at_unix_ms(now);
  *candidate.mutable_product() = product;
  UNGGUL_RETURN_IF_ERROR(store_.Put(candidate, request.request_id(), fingerprint, now).status());
  return Written<v1::Product>{std::move(product), false};
}

absl::StatusOr<Written<v1::Product>> NodeCore::RetireProduct(
    const v1::RetireProductRequest& request) {
  UNGGUL_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const ValidationContext ctx = Context();
  UNGGUL_RETURN_IF_ERROR(ValidateRecordId("product_id", request.product_id(), ctx));
  if (request.reason().empty()) return absl::InvalidArgumentError("reason: is required");
  if (request.reason().size() > 500) {
    return absl::InvalidArgumentError("reason: must be at most 500 characters");
  }
  {  // the reason becomes product.retired_reason, free text that leaves the node
    v1::Product reason;
    reason.set_retired_reason(request.reason());
    if (!CheckFreeText(reason, "request").ok()) {
      return absl::InvalidArgumentError(
          "reason: must not contain an identity number (a run of 16 or more digits, like a NIK "
          "or NIP): free text leaves the node");
    }
  }
  const std::string fingerprint = Fingerprint(request);

  absl::MutexLock lock(&write_mu_);
  UNGGUL_ASSIGN_OR_RETURN(std::optional<v1::Record> replay,
                          Replay(request.request_id(), fingerprint));
  if (replay) return Written<v1::Product>{replay->product(), true};
  UNGGUL_ASSIGN_OR_RETURN(v1::Record record,
                          store_.Get(RecordKind::kProduct, request.product_id()));
  v1::Product* product = record.mutable_product();
  if (product->status() == v1::PRODUCT_STATUS_DISCONTINUED) {
    return absl::FailedPreconditionError(
        absl::StrCat("product ", product->product_id(), " is already discontinued"));
  }
  const int64_t now = absl::ToUnixMillis(clock_.Now());
  product->set_status(v1::PRODUCT_STATUS_DISCONTINUED);
  product->set_retired_reason(request.reason());
  product->set_version(product->version() + 1);
  product->set_updated_at_unix_ms(now);
  UNGGUL_RETURN_IF_ERROR(store_.Put(record, request.request_id(), fingerprint, now).status());
  return Written<v1::Product>{record.product(), false};
}

absl::StatusOr<v1::Product> NodeCore::GetProduct(absl::string_view product_id) const {
  if (product_id.empty()) return absl::InvalidArgumentError("product_id: is required");
  UNGGUL_ASSIGN_OR_RETURN(v1::Record record, store_.Get(RecordKind::kProduct, product_id));
  return record.product();
}

absl::StatusOr<v1::ListProductsResponse> NodeCore::ListProducts(
    const v1::ListProductsRequest& request) const {
  UNGGUL_RETURN_IF_ERROR(CheckPageSize(request.page_size(), max_page_size_));
  if (!v1::Category_IsValid(request.category())) {
    return absl::InvalidArgumentError(absl::StrCat("category: unknown value ", request.category()));
  }
  if (!v1::ProductStatus_IsValid(request.status())) {
    return absl::InvalidArgumentError(absl::StrCat("status: unknown value ", request.status()));
  }
  ListQuery query;
  query.kind = RecordKind::kProduct;
  query.page_size = PageSize(request.page_size(), max_page_size_);
  query.page_token = request.page_token();
  const v1::Category category = request.category();
  const v1::ProductStatus status = request.status();
  query.filter = [category, status](const v1::Record& r) {
    return (category == v1::CATEGORY_UNSPECIFIED || r.product().category() == category) &&
           (status == v1::PRODUCT_STATUS_UNSPECIFIED || r.product().status() == status);
  };
  UNGGUL_ASSIGN_OR_RETURN(ListPage page, store_.List(query));
  v1::ListProductsResponse out;
  for (v1::Record& r : page.records) *out.add_products() = std::move(*r.mutable_product());
  out.set_next_page_token(page.next_page_token);
  return out;
}

// --- Immutable records ------------------------------------------------------------------------

absl::StatusOr<Written<v1::Record>> NodeCore::WriteRecord(v1::Record record,
                                                          absl::string_view request_id) {
  UNGGUL_RETURN_IF_ERROR(ValidateRequestId(request_id));
  const RecordKindInfo* kind = KindInfoOf(record);
  if (kind == nullptr) return absl::InvalidArgumentError("record: a record kind must be set");
  const KindRules* rules = RulesFor(static_cast<RecordKind>(kind->number));
  if (rules == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("record.", kind->field_name,
                     ": products are written with CreateProduct, UpdateProduct and RetireProduct"));
  }
  UNGGUL_RETURN_IF_ERROR(rules->validate(record, Context()));
  UNGGUL_RETURN_IF_ERROR(
      CheckFreeText(record.GetReflection()->GetMessage(
                        record, record.GetDescriptor()->FindFieldByNumber(kind->number)),
                    kind->field_name));
  const std::string fingerprint = Fingerprint(record, *kind);
  if (rules->complete != nullptr) UNGGUL_RETURN_IF_ERROR(rules->complete(record));
  absl::MutexLock lock(&write_mu_);
  return WriteImmutableLocked(std::move(record), *rules, request_id, fingerprint);
}

absl::StatusOr<Written<v1::Record>> NodeCore::WriteImmutableLocked(v1::Record record,
                                                                   const KindRules& rules,
                                                                   absl::string_view request_id,
                                                                   const std::string& fingerprint) {
  UNGGUL_ASSIGN_OR_RETURN(std::optional<v1::Record> replay, Replay(request_id, fingerprint));
  if (replay) return Written<v1::Record>{*std::move(replay), true};

  const RecordKind kind = *KindOf(record);
  const std::string id = RecordId(record);
  const std::string product_id = RecordProductId(record);
  if (!product_id.empty()) {
    UNGGUL_ASSIGN_OR_RETURN(v1::Record owner, store_.Get(RecordKind::kProduct, product_id));
    if (rules.check_product != nullptr) {
      UNGGUL_RETURN_IF_ERROR(rules.check_product(record, owner.product()));
    }
  }
  absl::StatusOr<v1::Record> existing = store_.Get(kind, id);
  if (existing.ok()) {
    if (SameContent(record, *existing)) return Written<v1::Record>{*std::move(existing), true};
    return absl::AlreadyExistsError(
        absl::StrCat(RecordKindName(kind), " ", id, " already exists with other content"));
  }
  if (!absl::IsNotFound(existing.status())) return existing.status();
  if (kind == RecordKind::kSettlement) UNGGUL_RETURN_IF_ERROR(CheckNoOverlap(record.settlement()));

  const int64_t now = absl::ToUnixMillis(clock_.Now());
  StampRecordedAt(record, now);
  UNGGUL_RETURN_IF_ERROR(store_.Put(record, request_id, fingerprint, now).status());
  return Written<v1::Record>{std::move(record), false};
}

absl::Status NodeCore::CheckNoOverlap(const v1::Settlement& settlement) const {
  ListQuery query;
  query.kind = RecordKind::kSettlement;
  query.product_id = settlement.product_id();
  query.page_size = 1000;
  do {
    UNGGUL_ASSIGN_OR_RETURN(ListPage page, store_.List(query));
    for (const v1::Record& r : page.records) {
      const v1::Settlement& other = r.settlement();
      // "YYYY-MM" compares as text in calendar order; both ends are inclusive.
      if (other.period_start() <= settlement.period_end() &&
          settlement.period_start() <= other.period_end()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "settlement ", settlement.settlement_id(), " (", settlement.period_start(), "..",
            settlement.period_end(), ") overlaps settlement ", other.settlement_id(), " (",
            other.period_start(), "..", other.period_end(), ") of product ",
            settlement.product_id(), "; a product has one settlement per month"));
      }
    }
    query.page_token = std::move(page.next_page_token);
  } while (!query.page_token.empty());
  return absl::OkStatus();
}

absl::StatusOr<v1::Record> NodeCore::GetRecord(RecordKind kind, absl::string_view id) const {
  const RecordKindInfo* info = FindRecordKind(static_cast<int>(kind));
  if (info == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("kind: unknown record kind ", static_cast<int>(kind)));
  }
  if (id.empty())
    return absl::InvalidArgumentError(absl::StrCat(info->id->name(), ": is required"));
  return store_.Get(kind, id);
}

absl::StatusOr<ListPage> NodeCore::ListRecords(RecordKind kind,
                                               const v1::ListRecordsRequest& request) const {
  const RecordKindInfo* info = FindRecordKind(static_cast<int>(kind));
  if (info == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("kind: unknown record kind ", static_cast<int>(kind)));
  }
  UNGGUL_RETURN_IF_ERROR(CheckPageSize(request.page_size(), max_page_size_));
  ListQuery query;
  query.kind = kind;
  if (!request.product_id().empty()) {
    if (info->date == nullptr) {  // the by-product index holds dated kinds only
      return absl::InvalidArgumentError(absl::StrCat(
          "product_id: ", info->plural, " cannot be filtered by product (get one by its id)"));
    }
    UNGGUL_RETURN_IF_ERROR(ValidateRecordId("product_id", request.product_id(), Context()));
    query.product_id = request.product_id();
  }
  for (const std::string* date : {&request.from_date(), &request.to_date()}) {
    if (!date->empty() && info->date == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(date == &request.from_date() ? "from_date" : "to_date", ": ", info->plural,
                       " have no date to filter on"));
    }
  }
  if (!request.from_date().empty()) {
    UNGGUL_ASSIGN_OR_RETURN(int32_t from, ParseDate(request.from_date(), "from_date"));
    query.from_day = from;
  }
  if (!request.to_date().empty()) {
    UNGGUL_ASSIGN_OR_RETURN(int32_t to, ParseDate(request.to_date(), "to_date"));
    query.to_day = to;
  }
  if (query.from_day && query.to_day && *query.from_day > *query.to_day) {
    return absl::InvalidArgumentError("to_date: must be on or after from_date");
  }
  query.page_size = PageSize(request.page_size(), max_page_size_);
  query.page_token = request.page_token();
  return store_.List(query);
}

absl::StatusOr<v1::ListDesignationsResponse> NodeCore::ListDesignations(
    const v1::ListDesignationsRequest& request) const {
  UNGGUL_ASSIGN_OR_RETURN(std::vector<v1::DesignationNotice> all, store_.ListDesignations());
  const StoreInfo info = store_.Info();
  v1::ListDesignationsResponse out;
  for (v1::DesignationNotice& n : all) {
    out.set_revision(std::max(out.revision(), n.revision()));
    if (request.own_products_only() && n.upt_code() != info.upt_code) continue;
    *out.add_designations() = std::move(n);
  }
  return out;
}

absl::StatusOr<int64_t> NodeCore::ForgetOldRequests(absl::Duration retention, size_t step) {
  if (retention < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("retention: must not be negative");
  }
  if (step == 0) return absl::InvalidArgumentError("step: must be at least 1");
  const int64_t cutoff = absl::ToUnixMillis(clock_.Now() - retention);
  int64_t forgotten = 0;
  for (bool more = true; more;) {
    UNGGUL_ASSIGN_OR_RETURN(RequestSweep sweep, store_.SweepRequests(cutoff, step));
    forgotten += sweep.deleted;
    more = sweep.more;
  }
  return forgotten;
}

}  // namespace unggul::node
