// display_text: see display_text.h.
#include "trace/display_text.h"

#include <cinttypes>
#include <cstdio>

#include "peers/goodbye.h"

namespace replay {

std::string offset_time_text(int64_t t_ms, int64_t start_ms) {
  const int64_t d = t_ms - start_ms;
  const uint64_t ms = d < 0 ? uint64_t{0} - static_cast<uint64_t>(d) : static_cast<uint64_t>(d);
  const uint64_t h = ms / 3'600'000, m = ms / 60'000 % 60, s = ms / 1000 % 60, frac = ms % 1000;
  char buf[64];
  const char sign = d < 0 ? '-' : '+';
  if (h > 0) {
    std::snprintf(buf, sizeof buf, "%c%" PRIu64 "h%02" PRIu64 "m%02" PRIu64 ".%03" PRIu64 "s", sign, h, m, s, frac);
  } else if (m > 0) {
    std::snprintf(buf, sizeof buf, "%c%" PRIu64 "m%02" PRIu64 ".%03" PRIu64 "s", sign, m, s, frac);
  } else {
    std::snprintf(buf, sizeof buf, "%c%" PRIu64 ".%03" PRIu64 "s", sign, s, frac);
  }
  return buf;
}

std::string TimeStyle::text(int64_t t_ms) const {
  if (raw || start_ms < 0) return "t_ms " + std::to_string(t_ms);
  return offset_time_text(t_ms, start_ms);
}

std::string goodbye_reason_text(std::string_view code) {
  const std::string_view name = peers::goodbye_known_code_name(code);
  std::string s(code);
  if (!name.empty()) s += " (" + std::string(name) + ")";
  return s;
}

std::string reason_member_text(std::string_view path, const nlohmann::json& value) {
  constexpr std::string_view kReason = "reason";
  const bool reason = path == kReason || (path.size() > kReason.size() &&
                                          path.compare(path.size() - kReason.size() - 1, kReason.size() + 1, ".reason") == 0);
  if (!reason || !value.is_string()) return "";
  const std::string code = value.get<std::string>();
  const std::string_view name = peers::goodbye_known_code_name(code);
  return value.dump() + (name.empty() ? "" : " (" + std::string(name) + ")");
}

}  // namespace replay
