#include "services/node/core/node_core.h"

#include <cmath>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/time/dates.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/node/core/validation.h"

#ifndef UNGGUL_VERSION
#define UNGGUL_VERSION "0.2.0"
#endif

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

// Compares two records ignoring the node-set bookkeeping (timestamps, version).
bool SameContent(v1::Record a, v1::Record b) {
  ClearNodeSetFields(a);
  ClearNodeSetFields(b);
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

bool HasSku(const v1::Product& product, absl::string_view sku_code) {
  for (const v1::Sku& sku : product.skus()) {
    if (sku.sku_code() == sku_code) return true;
  }
  return false;
}

absl::Status CheckSku(absl::string_view field, const v1::Product& product,
                      absl::string_view sku_code) {
  if (sku_code.empty() || HasSku(product, sku_code)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": \"", sku_code, "\" is not a SKU of product ", product.product_id()));
}

const char* StatusWord(v1::ProductStatus status) {
  switch (status) {
    case v1::PRODUCT_STATUS_PAUSED:
      return "paused";
    case v1::PRODUCT_STATUS_DISCONTINUED:
      return "discontinued";
    default:
      return "not active";
  }
}

int PageSize(int requested) { return requested == 0 ? kDefaultPageSize : requested; }

absl::Status CheckPageSize(int requested) {
  if (requested < 0 || requested > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: must be 0..1000 (0 means 100), got ", requested));
  }
  return absl::OkStatus();
}

}  // namespace

NodeCore::NodeCore(CatalogStore& store, const Clock& clock) : store_(store), clock_(clock) {}

ValidationContext NodeCore::Context() const {
  ValidationContext ctx;
  ctx.upt_code = store_.Info().upt_code;
  ctx.today = JakartaDay(clock_.Now());
  return ctx;
}

void NodeCore::SetSyncStatusProvider(const SyncStatusProvider* sync) { sync_ = sync; }

absl::StatusOr<v1::NodeInfo> NodeCore::WaitForSync(const v1::WaitForSyncRequest& request,
                                                   absl::Time deadline) const {
  const SyncStatusProvider* sync = sync_.load();
  if (sync == nullptr) {
    return absl::FailedPreconditionError("sync is off: the node runs without --aggregator_addr");
  }
  const uint64_t target =
      request.min_acked_seq() == 0 ? store_.Info().last_seq : request.min_acked_seq();
  UNGGUL_RETURN_IF_ERROR(sync->WaitForAck(target, deadline));
  if (request.min_designation_revision() > 0) {
    UNGGUL_RETURN_IF_ERROR(sync->WaitForDesignation(request.min_designation_revision(), deadline));
  }
  return GetNodeInfo();
}

v1::NodeInfo NodeCore::GetNodeInfo() const {
  const StoreInfo info = store_.Info();
  v1::NodeInfo out;
  out.set_upt_code(info.upt_code);
  out.set_incarnation_id(info.incarnation_id);
  out.set_last_seq(info.last_seq);
  *out.mutable_counts() = info.counts;
  out.set_sync_writes(info.sync_writes);
  out.set_storage_format_version(info.format_version);
  out.set_software_version(UNGGUL_VERSION);
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
  UNGGUL_RETURN_IF_ERROR(CheckPageSize(request.page_size()));
  if (!v1::Category_IsValid(request.category())) {
    return absl::InvalidArgumentError(absl::StrCat("category: unknown value ", request.category()));
  }
  if (!v1::ProductStatus_IsValid(request.status())) {
    return absl::InvalidArgumentError(absl::StrCat("status: unknown value ", request.status()));
  }
  ListQuery query;
  query.kind = RecordKind::kProduct;
  query.page_size = PageSize(request.page_size());
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

absl::StatusOr<Written<v1::Record>> NodeCore::WriteImmutable(v1::Record record,
                                                             absl::string_view request_id,
                                                             const std::string& fingerprint) {
  absl::MutexLock lock(&write_mu_);
  return WriteImmutableLocked(std::move(record), request_id, fingerprint);
}

absl::StatusOr<Written<v1::Record>> NodeCore::WriteImmutableLocked(v1::Record record,
                                                                   absl::string_view request_id,
                                                                   const std::string& fingerprint) {
  UNGGUL_ASSIGN_OR_RETURN(std::optional<v1::Record> replay, Replay(request_id, fingerprint));
  if (replay) return Written<v1::Record>{*std::move(replay), true};

  const RecordKind kind = *KindOf(record);
  const std::string id = RecordId(record);
  const std::string product_id = RecordProductId(record);
  if (!product_id.empty()) {
    UNGGUL_ASSIGN_OR_RETURN(v1::Record owner, store_.Get(RecordKind::kProduct, product_id));
    const v1::Product& product = owner.product();
    switch (kind) {
      case RecordKind::kBatch:
        if (product.status() != v1::PRODUCT_STATUS_ACTIVE) {
          return absl::FailedPreconditionError(absl::StrCat("product ", product_id, " is ",
                                                            StatusWord(product.status()),
                                                            "; batches need an ACTIVE product"));
        }
        UNGGUL_RETURN_IF_ERROR(CheckSku("batch.sku_code", product, record.batch().sku_code()));
        break;
      case RecordKind::kSale:
        UNGGUL_RETURN_IF_ERROR(CheckSku("sale.sku_code", product, record.sale().sku_code()));
        break;
      case RecordKind::kCustomerReturn:
        UNGGUL_RETURN_IF_ERROR(
            CheckSku("customer_return.sku_code", product, record.customer_return().sku_code()));
        break;
      case RecordKind::kCertification:
        for (int i = 0; i < record.certification().scope_skus_size(); ++i) {
          UNGGUL_RETURN_IF_ERROR(CheckSku(absl::StrCat("certification.scope_skus[", i, "]"),
                                          product, record.certification().scope_skus(i)));
        }
        break;
      default:
        break;
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

absl::StatusOr<ListPage> NodeCore::ListRecords(RecordKind kind,
                                               const v1::ListRecordsRequest& request) const {
  UNGGUL_RETURN_IF_ERROR(CheckPageSize(request.page_size()));
  ListQuery query;
  query.kind = kind;
  if (!request.product_id().empty()) {
    UNGGUL_RETURN_IF_ERROR(ValidateRecordId("product_id", request.product_id(), Context()));
    query.product_id = request.product_id();
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
  query.page_size = PageSize(request.page_size());
  query.page_token = request.page_token();
  return store_.List(query);
}

absl::StatusOr<Written<v1::ProductionBatch>> NodeCore::RecordBatch(
    const v1::RecordBatchRequest& request) {
  UNGGUL_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  UNGGUL_RETURN_IF_ERROR(ValidateBatch(request.batch(), Context()));
  v1::Record record;
  *record.mutable_batch() = request.batch();
  UNGGUL_ASSIGN_OR_RETURN(
      Written<v1::Record> w,
      WriteImmutable(std::move(record), request.request_id(), Fingerprint(request)));
  return Written<v1::ProductionBatch>{std::move(*w.value.mutable_batch()), w.replayed};
}

absl::StatusOr<v1::ProductionBatch> NodeCore::GetBatch(absl::string_view batch_code) const {
  if (batch_code.empty()) return absl::InvalidArgumentError("batch_code: is required");
  UNGGUL_ASSIGN_OR_RETURN(v1::Record record, store_.Get(RecordKind::kBatch, batch_code));
  return record.batch();
}

absl::StatusOr<v1::ListBatchesResponse> NodeCore::ListBatches(
    const v1::ListRecordsRequest& request) const {
  UNGGUL_ASSIGN_OR_RETURN(ListPage page, ListRecords(RecordKind::kBatch, request));
  v1::ListBatchesResponse out;
  for (v1::Record& r : page.records) *out.add_batches() = std::move(*r.mutable_batch());
  out.set_next_page_token(page.next_page_token);
  return out;
}

absl::StatusOr<Written<v1::Sale>> NodeCore::RecordSale(const v1::RecordSaleRequest& request) {
  UNGGUL_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  UNGGUL_RETURN_IF_ERROR(ValidateSale(request.sale(), Context()));
  v1::Record record;
  *record.mutable_sale() = request.sale();
  v1::Sale* sale = record.mutable_sale();
  if (sale->revenue_idr() == 0) {
    const double revenue = std::llround(sale->qty() * static_cast<double>(sale->unit_price_idr()));
    if (revenue > 1e15) {
      return absl::InvalidArgumentError("sale.revenue_idr: qty * unit_price_idr is too large");
    }
    sale->set_revenue_idr(static_cast<int64_t>(revenue));
  }
  UNGGUL_ASSIGN_OR_RETURN(
      Written<v1::Record> w,
      WriteImmutable(std::move(record), request.request_id(), Fingerprint(request)));
  return Written<v1::Sale>{std::move(*w.value.mutable_sale()), w.replayed};
}

absl::StatusOr<v1::Sale> NodeCore::GetSale(absl::string_view sale_id) const {
  if (sale_id.empty()) return absl::InvalidArgumentError("sale_id: is required");
  UNGGUL_ASSIGN_OR_RETURN(v1::Record record, store_.Get(RecordKind::kSale, sale_id));
  return record.sale();
}

absl::StatusOr<v1::ListSalesResponse> NodeCore::ListSales(
    const v1::ListRecordsRequest& request) const {
  UNGGUL_ASSIGN_OR_RETURN(ListPage page, ListRecords(RecordKind::kSale, request));
  v1::ListSalesResponse out;
  for (v1::Record& r : page.records) *out.add_sales() = std::move(*r.mutable_sale());
  out.set_next_page_token(page.next_page_token);
  return out;
}

absl::StatusOr<Written<v1::Certification>> NodeCore::RecordCertification(
    const v1::RecordCertificationRequest& request) {
  UNGGUL_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  UNGGUL_RETURN_IF_ERROR(ValidateCertification(request.certification(), Context()));
  v1::Record record;
  *record.mutable_certification() = request.certification();
  UNGGUL_ASSIGN_OR_RETURN(
      Written<v1::Record> w,
      WriteImmutable(std::move(record), request.request_id(), Fingerprint(request)));
  return Written<v1::Certification>{std::move(*w.value.mutable_certification()), w.replayed};
}

absl::StatusOr<v1::Certification> NodeCore::GetCertification(
    absl::string_view certification_id) const {
  if (certification_id.empty()) {
    return absl::InvalidArgumentError("certification_id: is required");
  }
  UNGGUL_ASSIGN_OR_RETURN(v1::Record record,
                          store_.Get(RecordKind::kCertification, certification_id));
  return record.certification();
}

absl::StatusOr<v1::ListCertificationsResponse> NodeCore::ListCertifications(
    const v1::ListRecordsRequest& request) const {
  UNGGUL_ASSIGN_OR_RETURN(ListPage page, ListRecords(RecordKind::kCertification, request));
  v1::ListCertificationsResponse out;
  for (v1::Record& r : page.records) {
    *out.add_certifications() = std::move(*r.mutable_certification());
  }
  out.set_next_page_token(page.next_page_token);
  return out;
}

absl::StatusOr<Written<v1::Training>> NodeCore::RecordTraining(
    const v1::RecordTrainingRequest& request) {
  UNGGUL_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  UNGGUL_RETURN_IF_ERROR(ValidateTraining(request.training(), Context()));
  v1::Record record;
  *record.mutable_training() = request.training();
  UNGGUL_ASSIGN_OR_RETURN(
      Written<v1::Record> w,
      WriteImmutable(std::move(record), request.request_id(), Fingerprint(request)));
  return Written<v1::Training>{std::move(*w.value.mutable_training()), w.replayed};
}

absl::StatusOr<v1::Training> NodeCore::GetTraining(absl::string_view training_id) const {
  if (training_id.empty()) return absl::InvalidArgumentError("training_id: is required");
  UNGGUL_ASSIGN_OR_RETURN(v1::Record record, store_.Get(RecordKind::kTraining, training_id));
  return record.training();
}

absl::StatusOr<v1::ListTrainingsResponse> NodeCore::ListTrainings(
    const v1::ListRecordsRequest& request) const {
  UNGGUL_ASSIGN_OR_RETURN(ListPage page, ListRecords(RecordKind::kTraining, request));
  v1::ListTrainingsResponse out;
  for (v1::Record& r : page.records) *out.add_trainings() = std::move(*r.mutable_training());
  out.set_next_page_token(page.next_page_token);
  return out;
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

absl::StatusOr<Written<v1::MonthlyLabour>> NodeCore::RecordMonthlyLabour(
    const v1::RecordMonthlyLabourRequest& request) {
  UNGGUL_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  UNGGUL_RETURN_IF_ERROR(ValidateLabour(request.labour(), Context()));
  v1::Record record;
  *record.mutable_labour() = request.labour();
  UNGGUL_ASSIGN_OR_RETURN(
      Written<v1::Record> w,
      WriteImmutable(std::move(record), request.request_id(), Fingerprint(request)));
  return Written<v1::MonthlyLabour>{std::move(*w.value.mutable_labour()), w.replayed};
}

absl::StatusOr<Written<v1::Settlement>> NodeCore::RecordSettlement(
    const v1::RecordSettlementRequest& request) {
  UNGGUL_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  UNGGUL_RETURN_IF_ERROR(ValidateSettlement(request.settlement(), Context()));
  v1::Record record;
  *record.mutable_settlement() = request.settlement();
  UNGGUL_ASSIGN_OR_RETURN(
      Written<v1::Record> w,
      WriteImmutable(std::move(record), request.request_id(), Fingerprint(request)));
  return Written<v1::Settlement>{std::move(*w.value.mutable_settlement()), w.replayed};
}

absl::StatusOr<Written<v1::CustomerReturn>> NodeCore::RecordCustomerReturn(
    const v1::RecordCustomerReturnRequest& request) {
  UNGGUL_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  UNGGUL_RETURN_IF_ERROR(ValidateCustomerReturn(request.customer_return(), Context()));
  v1::Record record;
  *record.mutable_customer_return() = request.customer_return();
  UNGGUL_ASSIGN_OR_RETURN(
      Written<v1::Record> w,
      WriteImmutable(std::move(record), request.request_id(), Fingerprint(request)));
  return Written<v1::CustomerReturn>{std::move(*w.value.mutable_customer_return()), w.replayed};
}

absl::StatusOr<v1::CustomerReturn> NodeCore::GetCustomerReturn(absl::string_view return_id) const {
  if (return_id.empty()) return absl::InvalidArgumentError("return_id: is required");
  UNGGUL_ASSIGN_OR_RETURN(v1::Record record, store_.Get(RecordKind::kCustomerReturn, return_id));
  return record.customer_return();
}

absl::StatusOr<v1::ListCustomerReturnsResponse> NodeCore::ListCustomerReturns(
    const v1::ListRecordsRequest& request) const {
  UNGGUL_ASSIGN_OR_RETURN(ListPage page, ListRecords(RecordKind::kCustomerReturn, request));
  v1::ListCustomerReturnsResponse out;
  for (v1::Record& r : page.records) *out.add_returns() = std::move(*r.mutable_customer_return());
  out.set_next_page_token(page.next_page_token);
  return out;
}

absl::StatusOr<v1::Settlement> NodeCore::GetSettlement(absl::string_view settlement_id) const {
  if (settlement_id.empty()) return absl::InvalidArgumentError("settlement_id: is required");
  UNGGUL_ASSIGN_OR_RETURN(v1::Record record, store_.Get(RecordKind::kSettlement, settlement_id));
  return record.settlement();
}

absl::StatusOr<v1::ListSettlementsResponse> NodeCore::ListSettlements(
    const v1::ListRecordsRequest& request) const {
  UNGGUL_ASSIGN_OR_RETURN(ListPage page, ListRecords(RecordKind::kSettlement, request));
  v1::ListSettlementsResponse out;
  for (v1::Record& r : page.records) *out.add_settlements() = std::move(*r.mutable_settlement());
  out.set_next_page_token(page.next_page_token);
  return out;
}

absl::StatusOr<v1::MonthlyLabour> NodeCore::GetMonthlyLabour(absl::string_view report_id) const {
  if (report_id.empty()) return absl::InvalidArgumentError("report_id: is required");
  UNGGUL_ASSIGN_OR_RETURN(v1::Record record, store_.Get(RecordKind::kLabour, report_id));
  return record.labour();
}

absl::StatusOr<v1::ListMonthlyLabourResponse> NodeCore::ListMonthlyLabour(
    const v1::ListRecordsRequest& request) const {
  UNGGUL_ASSIGN_OR_RETURN(ListPage page, ListRecords(RecordKind::kLabour, request));
  v1::ListMonthlyLabourResponse out;
  for (v1::Record& r : page.records) *out.add_reports() = std::move(*r.mutable_labour());
  out.set_next_page_token(page.next_page_token);
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
