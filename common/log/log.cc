#include "common/log/log.h"

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/status/echo.h"
#include "common/time/clock.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace unggul::log {
namespace {

std::atomic<Format> g_format{Format::kText};
std::atomic<Level> g_level{Level::kInfo};

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

spdlog::logger& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = std::make_shared<spdlog::logger>("unggul",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

std::string Timestamp() {
  // Log lines carry real time, also when UNGGUL_NOW shifts the services' clock.
  const int64_t ms = absl::ToUnixMillis(RealClock().Now());
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  char out[40];
  std::snprintf(out, sizeof(out), "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

void Emit(Level level, absl::string_view msg, Fields fields) {
  if (level < g_level.load()) return;
  const Format format = g_format.load();
  std::string line;
  if (format == Format::kJson) {
    line = "{\"ts\":\"" + Timestamp() + "\"," +
           FormatLineForTest(format, level, msg, fields).substr(1);
  } else {
    line = Timestamp() + " " + FormatLineForTest(format, level, msg, fields);
  }
  Logger().info(line);
}

}  // namespace

absl::Status Init(absl::string_view format, absl::string_view level) {
  if (format == "text") {
    g_format = Format::kText;
  } else if (format == "json") {
    g_format = Format::kJson;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("log_format: must be text or json, got \"", Echo(format), "\""));
  }
  if (level == "debug") {
    g_level = Level::kDebug;
  } else if (level == "info") {
    g_level = Level::kInfo;
  } else if (level == "warn") {
    g_level = Level::kWarn;
  } else if (level == "error") {
    g_level = Level::kError;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("log_level: must be debug, info, warn or error, got \"", Echo(level), "\""));
  }
  return absl::OkStatus();
}

std::string FormatLineForTest(Format format, Level level, absl::string_view msg, Fields fields) {
  std::string line;
  if (format == Format::kJson) {
    line = "{\"level\":\"";
    line += LevelName(level);
    line += "\",\"msg\":";
    AppendJsonString(line, msg);
    for (const auto& [key, value] : fields) {
      line.push_back(',');
      AppendJsonString(line, key);
      line.push_back(':');
      AppendJsonString(line, value);
    }
    line.push_back('}');
    return line;
  }
  std::string upper = LevelName(level);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  line = absl::StrCat(upper, " ", msg);
  for (const auto& [key, value] : fields) {
    const bool quote = value.empty() || value.find_first_of(" \"=") != std::string::npos;
    absl::StrAppend(&line, " ", key, "=");
    if (quote) {
      AppendJsonString(line, value);
    } else {
      line += value;
    }
  }
  return line;
}

void Debug(absl::string_view msg, Fields fields) { Emit(Level::kDebug, msg, fields); }
void Info(absl::string_view msg, Fields fields) { Emit(Level::kInfo, msg, fields); }
void Warn(absl::string_view msg, Fields fields) { Emit(Level::kWarn, msg, fields); }
void Error(absl::string_view msg, Fields fields) { Emit(Level::kError, msg, fields); }

void AppendJsonString(std::string& out, absl::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          static const char* kHex = "0123456789abcdef";
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

}  // namespace unggul::log
