#pragma once

// Structured logging facade. Text: "2026-11-29T06:00:00.123Z INFO stream closed upt=SMS-LP-LAHAT".
// JSON: one object per line on stderr: {"ts":"...","level":"info","msg":"...","upt":"..."}.
// Thread-safe. Never log secrets, payloads or inmate data.

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace unggul::log {

enum class Format { kText, kJson };
enum class Level { kDebug, kInfo, kWarn, kError };

using Fields = std::initializer_list<std::pair<absl::string_view, std::string>>;

// InvalidArgument on an unknown format ("text"|"json") or level ("debug"|"info"|"warn"|"error").
absl::Status Init(absl::string_view format, absl::string_view level);

void Debug(absl::string_view msg, Fields fields = {});
void Info(absl::string_view msg, Fields fields = {});
void Warn(absl::string_view msg, Fields fields = {});
void Error(absl::string_view msg, Fields fields = {});

// The line Info/Warn/... would print in `format` (without timestamp); exposed for tests.
// Appends `s` as a JSON string literal (quotes, escapes, control characters as \u00XX): the
// encoding of the JSON log lines, also used by the CLI's JSON output.
void AppendJsonString(std::string& out, absl::string_view s);

std::string FormatLineForTest(Format format, Level level, absl::string_view msg, Fields fields);

}  // namespace unggul::log
