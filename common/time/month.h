#pragma once

// One month type for the whole code base: a calendar month ("YYYY-MM"), parsed in one place.
// Forms it converts to and from: the text "2026-10" (API fields, labels), yyyymm 202610 (the
// Kanwil's rollup keys), an index year*12 + month-1 (the ranking engine's arithmetic) and
// absl::CivilMonth. Value type; thread-safe.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace unggul {

class Month {
 public:
  // Exactly "YYYY-MM", a real month of the years 1970..9999. InvalidArgument
  // "<field>: must be a month YYYY-MM, got "…"" otherwise.
  static absl::StatusOr<Month> Parse(absl::string_view text, absl::string_view field);
  // The month of "YYYY-MM" or of a date "YYYY-MM-DD" (only the month part is read); nullopt
  // when malformed or outside 1970..9999.
  static std::optional<Month> Of(absl::string_view text);
  // From yyyymm (202610) or an index (year*12 + month-1); the caller passes valid values.
  static Month FromYyyymm(uint32_t yyyymm);
  static Month FromIndex(int index);

  explicit Month(absl::CivilMonth civil) : civil_(civil) {}

  absl::CivilMonth civil() const { return civil_; }
  int year() const { return static_cast<int>(civil_.year()); }
  int month() const { return civil_.month(); }
  uint32_t yyyymm() const { return static_cast<uint32_t>(year() * 100 + month()); }
  int index() const { return year() * 12 + month() - 1; }
  std::string ToString() const;  // "2026-10"
  int days() const;              // 28..31

  Month operator+(int months) const { return Month(civil_ + months); }
  Month operator-(int months) const { return Month(civil_ - months); }
  int operator-(Month other) const { return static_cast<int>(civil_ - other.civil_); }
  bool operator==(Month other) const { return civil_ == other.civil_; }
  bool operator!=(Month other) const { return civil_ != other.civil_; }
  bool operator<(Month other) const { return civil_ < other.civil_; }
  bool operator<=(Month other) const { return civil_ <= other.civil_; }
  bool operator>(Month other) const { return civil_ > other.civil_; }
  bool operator>=(Month other) const { return civil_ >= other.civil_; }

 private:
  absl::CivilMonth civil_;
};

}  // namespace unggul
