#include "services/node/store/catalog_store.h"

namespace unggul::node {

absl::string_view RecordKindName(RecordKind kind) {
  switch (kind) {
    case RecordKind::kProduct:
      return "product";
    case RecordKind::kBatch:
      return "batch";
    case RecordKind::kSale:
      return "sale";
    case RecordKind::kCertification:
      return "certification";
    case RecordKind::kTraining:
      return "training";
  }
  return "record";
}

std::optional<RecordKind> KindOf(const v1::Record& record) {
  switch (record.kind_case()) {
    case v1::Record::kProduct:
      return RecordKind::kProduct;
    case v1::Record::kBatch:
      return RecordKind::kBatch;
    case v1::Record::kSale:
      return RecordKind::kSale;
    case v1::Record::kCertification:
      return RecordKind::kCertification;
    case v1::Record::kTraining:
      return RecordKind::kTraining;
    case v1::Record::KIND_NOT_SET:
      break;
  }
  return std::nullopt;
}

std::string RecordId(const v1::Record& record) {
  switch (record.kind_case()) {
    case v1::Record::kProduct:
      return record.product().product_id();
    case v1::Record::kBatch:
      return record.batch().batch_code();
    case v1::Record::kSale:
      return record.sale().sale_id();
    case v1::Record::kCertification:
      return record.certification().certification_id();
    case v1::Record::kTraining:
      return record.training().training_id();
    case v1::Record::KIND_NOT_SET:
      break;
  }
  return "";
}

std::string RecordProductId(const v1::Record& record) {
  switch (record.kind_case()) {
    case v1::Record::kProduct:
      return record.product().product_id();
    case v1::Record::kBatch:
      return record.batch().product_id();
    case v1::Record::kSale:
      return record.sale().product_id();
    case v1::Record::kCertification:
      return record.certification().product_id();
    case v1::Record::kTraining:
      return record.training().product_id();
    case v1::Record::KIND_NOT_SET:
      break;
  }
  return "";
}

std::string RecordDate(const v1::Record& record) {
  switch (record.kind_case()) {
    case v1::Record::kBatch:
      return record.batch().start_date();
    case v1::Record::kSale:
      return record.sale().sale_date();
    case v1::Record::kCertification:
      return record.certification().issued_date();
    case v1::Record::kTraining:
      return record.training().start_date();
    case v1::Record::kProduct:
    case v1::Record::KIND_NOT_SET:
      break;
  }
  return "";
}

}  // namespace unggul::node
