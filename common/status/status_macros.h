#pragma once

// Status propagation macros (Abseil 20220623 has none). Standard C++, no GNU statement
// expressions.
//
//   UNGGUL_RETURN_IF_ERROR(store.Put(x));
//   UNGGUL_ASSIGN_OR_RETURN(Product p, store.GetProduct(id));
//
// UNGGUL_ASSIGN_OR_RETURN expands to several statements: never use it as an unbraced `if` body.

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define UNGGUL_RETURN_IF_ERROR(expr)                                    \
  do {                                                                  \
    if (::absl::Status unggul_status_ = (expr); !unggul_status_.ok()) { \
      return unggul_status_;                                            \
    }                                                                   \
  } while (false)

#define UNGGUL_STATUS_CONCAT_INNER_(a, b) a##b
#define UNGGUL_STATUS_CONCAT_(a, b) UNGGUL_STATUS_CONCAT_INNER_(a, b)

#define UNGGUL_ASSIGN_OR_RETURN(lhs, expr) \
  UNGGUL_ASSIGN_OR_RETURN_IMPL_(UNGGUL_STATUS_CONCAT_(unggul_statusor_, __LINE__), lhs, expr)

#define UNGGUL_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = *std::move(statusor)

// Aborts with a message when a broken invariant is found (STYLE.md §5).
#define UNGGUL_CHECK(cond)                                                   \
  do {                                                                       \
    if (!(cond)) ::unggul::internal::CheckFailed(__FILE__, __LINE__, #cond); \
  } while (false)

namespace unggul::internal {
[[noreturn]] void CheckFailed(const char* file, int line, const char* condition);
}  // namespace unggul::internal
