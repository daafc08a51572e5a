#include "services/node/core/sync_inbox.h"

#include "absl/strings/str_cat.h"
#include "common/status/echo.h"
#include "common/status/status_macros.h"

namespace unggul::node {
namespace {

absl::Status Bad(absl::string_view field, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat("notice.", field, ": ", rule));
}

absl::Status CheckLength(absl::string_view field, absl::string_view value, size_t min, size_t max) {
  if (value.size() < min || value.size() > max) {
    return Bad(field, absl::StrCat("must be ", min, "..", max, " bytes, got ", value.size()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateDesignationNotice(const v1::DesignationNotice& n) {
  if (n.revision() == 0) return Bad("revision", "must be >= 1");
  UNGGUL_RETURN_IF_ERROR(CheckLength("designation_id", n.designation_id(), 1, 64));
  UNGGUL_RETURN_IF_ERROR(CheckLength("product_id", n.product_id(), 1, 64));
  UNGGUL_RETURN_IF_ERROR(CheckLength("upt_code", n.upt_code(), 1, 64));
  if (n.status() != "PUBLISHED" && n.status() != "REVOKED" && n.status() != "EXPIRED" &&
      n.status() != "SUPERSEDED") {
    return Bad("status", absl::StrCat("must be PUBLISHED, REVOKED, EXPIRED or SUPERSEDED, got \"",
                                      Echo(n.status()), "\""));
  }
  for (const auto& [field, value] :
       {std::pair<absl::string_view, const std::string*>{"level", &n.level()},
        {"title", &n.title()},
        {"decree_number", &n.decree_number()},
        {"period_label", &n.period_label()}}) {
    UNGGUL_RETURN_IF_ERROR(CheckLength(field, *value, 0, 500));
  }
  return absl::OkStatus();
}

absl::Status SyncInbox::AcceptAck(uint64_t upto_seq) {
  const uint64_t last_seq = feed_.Info().last_seq;
  if (upto_seq > last_seq) {
    return absl::FailedPreconditionError(absl::StrCat("the Kanwil acknowledged seq ", upto_seq,
                                                      " but this node has written only up to ",
                                                      last_seq));
  }
  return feed_.SetAckedSeq(upto_seq);
}

absl::Status SyncInbox::AcceptDesignation(const v1::DesignationNotice& notice) {
  UNGGUL_RETURN_IF_ERROR(ValidateDesignationNotice(notice));
  return feed_.PutDesignation(notice);
}

}  // namespace unggul::node
