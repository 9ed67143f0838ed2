// conformance_report: see conformance_report.h.
#include "cli/conformance_report.h"

#include <sstream>

#include <nlohmann/json.hpp>

#include "replay/impl_protocol.h"

namespace replay {

namespace {

using nlohmann::ordered_json;

struct Tally {
  size_t passed = 0, failed = 0;
};

Tally tally(const ConformanceReport& r) {
  Tally t;
  for (const ConformanceEntry& e : r.entries) {
    if (e.status == "pass") {
      t.passed++;
    } else if (e.status != "known-fail" && e.status != "truncated") {
      t.failed++;
    }
  }
  return t;
}

// shields.io endpoint schema (https://shields.io/badges/endpoint-badge).
ordered_json badge(const ConformanceReport& r) {
  const Tally t = tally(r);
  const size_t total = r.entries.size();
  const char* color = t.failed == 0 && total > 0 ? "brightgreen" : t.passed * 10 >= total * 9 ? "yellow" : "red";
  return ordered_json{{"schemaVersion", 1},
                      {"label", "peer-replay conformance"},
                      {"message", std::to_string(t.passed) + "/" + std::to_string(total) + " traces"},
                      {"color", color}};
}

ordered_json counts(const std::map<std::string, uint64_t>& m) {
  ordered_json o = ordered_json::object();
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

std::string md_escape(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

std::string badge_url(const ordered_json& b) {
  std::string message = b["message"].get<std::string>();
  std::string enc;
  for (char c : message) {
    if (c == ' ') enc += "%20";
    else if (c == '/') enc += "%2F";
    else if (c == '-') enc += "--";
    else enc += c;
  }
  return "https://img.shields.io/badge/peer--replay%20conformance-" + enc + "-" + b["color"].get<std::string>();
}

}  // namespace

std::string conformance_report_json(const ConformanceReport& r) {
  const Tally t = tally(r);
  ordered_json j;
  j["report"] = "peer-replay-conformance";
  j["report_version"] = 1;
  j["protocol"] = kImplProtocolName;
  j["protocol_version"] = kImplProtocolVersion;
  j["implementation"] = {{"command", r.command}, {"name", r.impl_name}, {"version", r.impl_version}};
  j["conforms"] = t.failed == 0 && !r.entries.empty();
  j["traces"] = {{"total", r.entries.size()}, {"passed", t.passed}, {"failed", t.failed}};
  ordered_json results = ordered_json::array();
  for (const ConformanceEntry& e : r.entries) {
    ordered_json x{{"trace", e.trace}, {"path", e.path}, {"status", e.status}, {"events", e.events}};
    if (e.status != "pass") {
      x["message"] = e.message;
      if (e.seq.has_value()) x["seq"] = *e.seq;
      if (e.line.has_value()) x["line"] = *e.line;
      if (!e.fault.empty()) x["fault"] = e.fault;
    }
    results.push_back(std::move(x));
  }
  j["results"] = std::move(results);
  ordered_json cov;
  cov["event_kinds"] = counts(r.coverage.event_kinds);
  cov["action_kinds"] = counts(r.coverage.action_kinds);
  cov["goodbye_reasons"] = counts(r.coverage.goodbye_reasons);
  cov["score_transitions"] = counts(r.coverage.score_transitions);
  cov["required"] = {{"declared", r.required_total},
                     {"exercised", r.required_total - r.required_missing.size() - r.not_observable.size()},
                     {"missing", r.required_missing},
                     {"not_observable", r.not_observable}};
  j["coverage"] = std::move(cov);
  j["badge"] = badge(r);
  return j.dump(2) + "\n";
}

std::string conformance_report_markdown(const ConformanceReport& r) {
  const Tally t = tally(r);
  const ordered_json b = badge(r);
  std::ostringstream o;
  o << "# Conformance report: " << (r.impl_name.empty() ? r.command : r.impl_name + " " + r.impl_version) << "\n\n";
  o << "![" << b["message"].get<std::string>() << "](" << badge_url(b) << ")\n\n";
  o << "Implementation command: `" << r.command << "`, protocol " << kImplProtocolName << " version "
    << kImplProtocolVersion << ".\n\n";
  o << "**" << t.passed << " of " << r.entries.size() << " traces conform**";
  if (t.failed > 0) o << ", " << t.failed << " fail";
  o << ".\n\n";
  o << "| trace | status | events | first divergence or fault |\n|---|---|---|---|\n";
  for (const ConformanceEntry& e : r.entries) {
    o << "| " << md_escape(e.trace) << " | " << e.status << " | " << e.events << " | "
      << (e.status == "pass" ? "" : md_escape(e.message)) << " |\n";
  }
  o << "\n## Coverage\n\n";
  const size_t exercised = r.required_total - r.required_missing.size() - r.not_observable.size();
  o << exercised << " of " << r.required_total << " declared kinds, goodbye codes and score transitions exercised";
  if (!r.not_observable.empty()) o << " (" << r.not_observable.size() << " not observable through the protocol)";
  o << ".\n\n| family | kind | count |\n|---|---|---|\n";
  auto rows = [&o](const char* family, const std::map<std::string, uint64_t>& m) {
    for (const auto& [k, v] : m) o << "| " << family << " | " << md_escape(k) << " | " << v << " |\n";
  };
  rows("event", r.coverage.event_kinds);
  rows("action", r.coverage.action_kinds);
  rows("goodbye", r.coverage.goodbye_reasons);
  rows("score", r.coverage.score_transitions);
  if (!r.required_missing.empty()) {
    o << "\nNever exercised:";
    for (const std::string& m : r.required_missing) o << " `" << m << "`";
    o << "\n";
  }
  if (!r.not_observable.empty()) {
    o << "\nNot observable through the protocol (engine-internal):";
    for (const std::string& m : r.not_observable) o << " `" << m << "`";
    o << "\n";
  }
  return o.str();
}

}  // namespace replay
