#pragma once

// gMock matchers for absl::Status / StatusOr (Abseil 20220623 ships none).
//   EXPECT_THAT(s, StatusIs(absl::StatusCode::kNotFound));
//   EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("qty_produced")));
//   UNGGUL_ASSERT_OK_AND_ASSIGN(Product p, core.GetProduct("SMS-LP-LAHAT-GSJM"));

#include <ostream>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/status/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace unggul::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& s = GetStatus(arg);
  if (!s.ok()) *result_listener << "status is " << s;
  return s.ok();
}

MATCHER_P(StatusIs, code, "has code " + ::testing::PrintToString(absl::StatusCodeToString(code))) {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code;
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has code " + ::testing::PrintToString(absl::StatusCodeToString(code))) {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code &&
         ::testing::ExplainMatchResult(message_matcher, std::string(s.message()), result_listener);
}

}  // namespace unggul::testing

#define UNGGUL_EXPECT_OK(expr) EXPECT_THAT((expr), ::unggul::testing::IsOk())
#define UNGGUL_ASSERT_OK(expr) ASSERT_THAT((expr), ::unggul::testing::IsOk())

#define UNGGUL_ASSERT_OK_AND_ASSIGN(lhs, expr)                                                   \
  UNGGUL_ASSERT_OK_AND_ASSIGN_IMPL_(UNGGUL_STATUS_CONCAT_(unggul_test_statusor_, __LINE__), lhs, \
                                    expr)
#define UNGGUL_ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, expr)     \
  auto statusor = (expr);                                          \
  ASSERT_TRUE(statusor.ok()) << "status is " << statusor.status(); \
  lhs = *std::move(statusor)
