#include "replay/report_text.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ostream>

#include "replay/trace_event.h"
#include "trace/display_text.h"

namespace replay {

using nlohmann::json;

namespace {
constexpr size_t kWholeArrayChars = 300;  // a longer array is not shown whole beside its differences
}  // namespace

std::string cut_value(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  return s.substr(0, max) + "...(" + std::to_string(s.size()) + " chars)";
}

std::string show_value(const json& v) {
  if (v.is_number_float()) {
    const double d = v.get<double>();
    uint64_t bits = 0;
    std::memcpy(&bits, &d, sizeof bits);
    char hex[32];
    std::snprintf(hex, sizeof hex, "0x%016llx", static_cast<unsigned long long>(bits));
    return js_number(d) + (std::signbit(d) && d == 0 ? " (-0)" : "") + " [" + hex + "]";
  }
  return cut_value(v.dump());
}

void write_field_diff(const FieldDiff& d, std::ostream& out) {
  // A goodbye reason code also shows its Lodestar name.
  auto text = [&d](const json& v, bool missing) {
    if (missing) return std::string("(absent)");
    const std::string reason = reason_member_text(d.path, v);
    return reason.empty() ? show_value(v) : reason;
  };
  out << "  " << d.path << ":\n    expected " << text(d.a, d.a_missing) << "\n    actual   " << text(d.b, d.b_missing)
      << "\n";
  if (d.has_ulp) out << "    distance " << d.ulp << " ulp\n";
}

void write_whole_arrays(const std::string& what, const std::string& expected, const std::string& actual,
                        std::ostream& out) {
  if (expected.size() > kWholeArrayChars || actual.size() > kWholeArrayChars) return;
  const std::string pad(std::string("expected").size() - std::string("actual").size(), ' ');
  out << "expected " << what << ": " << expected << "\n";
  out << "actual " << what << ":" << pad << " " << actual << "\n";
}

}  // namespace replay
