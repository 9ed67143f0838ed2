// `peer-replay diff`: two trace files (diff/trace_diff.h does the work and
// writes the report), or two directories whose traces are paired by relative
// path, one line per pair and a total.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <ostream>
#include <set>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/trace_paths.h"
#include "diff/json_report.h"
#include "diff/report_format.h"
#include "diff/trace_diff.h"
#include "report/html_report.h"

namespace replay {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct PairLine {
  std::string rel;
  std::string b_rel;   // b's name when only the .zst suffix differs
  std::string status;  // identical, differs, error, only in a, only in b
  std::string detail;
  int code = kExitOk;
  json report;  // JSON mode
};

struct PairTotals {
  size_t identical = 0, differ = 0, errors = 0, only_a = 0, only_b = 0;
  int code = kExitOk;

  std::string text() const {
    return std::to_string(identical + differ + errors) + " pairs: " + std::to_string(identical) + " identical, " +
           std::to_string(differ) + " differ, " + std::to_string(errors) + " errors; " + std::to_string(only_a) +
           " only in a, " + std::to_string(only_b) + " only in b";
  }
};

std::string pair_detail(const DiffReport& r) {
  std::string s;
  if (r.outputs_identical()) {
    s = "outputs identical";
  } else {
    s = std::to_string(r.differences) + " differences in " + std::to_string(r.expects_differing) + " of " +
        std::to_string(r.events_compared) + " events";
  }
  if (!r.inputs_identical()) {
    s += "; inputs differ";
    if (r.events_differing) s += " (" + std::to_string(r.events_differing) + " events)";
    if (r.only_in_a_events || r.only_in_b_events)
      s += " (lengths " + std::to_string(r.a.events) + " vs " + std::to_string(r.b.events) + ")";
    if (!r.header_diffs.empty()) s += " (header)";
  } else {
    s += "; inputs identical";
  }
  return s;
}

// A trace compressed on one side only still pairs: x.jsonl with x.jsonl.zst.
// Renames such b entries to a's name; returns a's name -> b's.
std::map<std::string, std::string> pair_compressed(const std::map<std::string, std::string>& in_a,
                                                   std::map<std::string, std::string>* in_b) {
  std::map<std::string, std::string> b_alias;
  for (const auto& [rel, path] : in_a) {
    if (in_b->count(rel)) continue;
    const bool zst = rel.size() > 4 && rel.compare(rel.size() - 4, 4, ".zst") == 0;
    const std::string other = zst ? rel.substr(0, rel.size() - 4) : rel + ".zst";
    if (in_b->count(other) && !in_a.count(other)) b_alias[rel] = other;
  }
  for (const auto& [rel, other] : b_alias) {
    (*in_b)[rel] = (*in_b)[other];
    in_b->erase(other);
  }
  return b_alias;
}

// Compares one pair (or notes a file on one side only) and counts it.
PairLine diff_pair(const DiffOptions& opts, const std::string& rel, const std::string* a, const std::string* b,
                   PairTotals* totals) {
  PairLine line;
  line.rel = rel;
  if (a == nullptr || b == nullptr) {
    line.status = a != nullptr ? "only in a" : "only in b";
    (a != nullptr ? totals->only_a : totals->only_b)++;
    line.code = kExitDiverges;
  } else {
    DiffReport report;
    std::string pair_error;
    line.code = diff_trace_files(opts, *a, *b, &report, &pair_error);
    if (line.code == kExitBadInput) {
      line.status = "error";
      line.detail = pair_error;
      totals->errors++;
    } else {
      line.status = line.code == kExitOk ? "identical" : "differs";
      line.detail = line.code == kExitOk ? std::to_string(report.events_compared) + " events" : pair_detail(report);
      (line.code == kExitOk ? totals->identical : totals->differ)++;
      if (opts.format == DiffOutputFormat::kJson) line.report = diff_report_json(report, opts.top);
    }
  }
  totals->code = std::max(totals->code, line.code);
  return line;
}

void write_pair_text(const PairLine& line, bool color, std::ostream& out) {
  const Colors c{color};
  const char marker = line.status == "identical"   ? 0
                      : line.status == "only in b" ? '+'
                      : line.status == "only in a" ? '-'
                                                   : '~';
  std::string text = line.status + std::string(11 - std::min<size_t>(line.status.size(), 10), ' ') + line.rel;
  if (!line.b_rel.empty()) text += " (b: " + line.b_rel + ")";
  if (!line.detail.empty()) text += "  " + line.detail;
  out << (marker ? c.wrap(marker, text) : text) << "\n";
}

void write_directories_json(const DiffOptions& opts, const std::vector<PairLine>& lines, const PairTotals& t,
                            std::ostream& out) {
  json pairs = json::array();
  for (const PairLine& l : lines) {
    json j = {{"path", l.rel}, {"status", l.status}, {"exit_code", l.code}};
    if (!l.b_rel.empty()) j["b_path"] = l.b_rel;
    if (l.status == "error") j["error"] = l.detail;
    if (!l.report.is_null()) j["report"] = l.report;
    pairs.push_back(std::move(j));
  }
  json doc = {{"diff_format_version", kDiffFormatVersion},
              {"mode", "directories"},
              {"a", opts.a},
              {"b", opts.b},
              {"pairs", pairs},
              {"totals",
               {{"pairs", t.identical + t.differ + t.errors},
                {"identical", t.identical},
                {"differ", t.differ},
                {"errors", t.errors},
                {"only_in_a", t.only_a},
                {"only_in_b", t.only_b}}},
              {"exit_code", t.code}};
  out << doc.dump(2) << "\n";
}

void write_directories_markdown(const std::vector<PairLine>& lines, const PairTotals& t, std::ostream& out) {
  out << "### peer-replay diff: " << t.text() << "\n\n| trace | result | details |\n|---|---|---|\n";
  for (const PairLine& l : lines) {
    std::string detail = l.detail;
    std::replace(detail.begin(), detail.end(), '|', '/');
    out << "| `" << l.rel << "` | " << l.status << " | " << cut_text(detail, 160) << " |\n";
  }
}

int diff_directories(const DiffOptions& opts, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> in_a, in_b;
  std::string error;
  if (!list_traces_by_relative_path(opts.a, &in_a, &error) || !list_traces_by_relative_path(opts.b, &in_b, &error)) {
    err << error << "\n";
    return kExitBadInput;
  }
  for (const auto* side : {&in_a, &in_b}) {
    if (side->empty()) {
      err << no_trace_error(side == &in_a ? opts.a : opts.b) << "\n";
      return kExitBadInput;
    }
  }
  const std::map<std::string, std::string> b_alias = pair_compressed(in_a, &in_b);
  std::set<std::string> names;
  for (const auto& [k, v] : in_a) names.insert(k);
  for (const auto& [k, v] : in_b) names.insert(k);
  std::vector<PairLine> lines;
  PairTotals totals;
  uint64_t total_bytes = 0;
  for (const auto* side : {&in_a, &in_b}) {
    for (const auto& [rel, path] : *side) total_bytes += trace_file_bytes(path);
  }
  ProgressLine progress(stderr_is_terminal() && !opts.quiet, total_bytes, err);
  // The pairs before the current one: their bytes and events.
  uint64_t bytes_before = 0, events_before = 0, events_now = 0;
  DiffOptions pair_opts = opts;
  pair_opts.on_progress = [&](uint64_t bytes, uint64_t events) {
    events_now = events;
    progress.update(bytes_before + bytes, events_before + events);
  };
  for (const std::string& rel : names) {
    auto ia = in_a.find(rel), ib = in_b.find(rel);
    progress.set_label(rel);
    PairLine line = diff_pair(pair_opts, rel, ia == in_a.end() ? nullptr : &ia->second,
                              ib == in_b.end() ? nullptr : &ib->second, &totals);
    bytes_before += (ia == in_a.end() ? 0 : trace_file_bytes(ia->second)) + (ib == in_b.end() ? 0 : trace_file_bytes(ib->second));
    events_before += events_now;
    events_now = 0;
    if (auto alias = b_alias.find(rel); alias != b_alias.end()) line.b_rel = alias->second;
    progress.clear();
    if (opts.format == DiffOutputFormat::kText) write_pair_text(line, opts.color, out);
    out.flush();
    progress.update(bytes_before, events_before);
    lines.push_back(std::move(line));
  }
  progress.clear();
  switch (opts.format) {
    case DiffOutputFormat::kText:
      out << "total: " << totals.text() << "\n";
      break;
    case DiffOutputFormat::kJson:
      write_directories_json(opts, lines, totals, out);
      break;
    case DiffOutputFormat::kMarkdown:
      write_directories_markdown(lines, totals, out);
      break;
    case DiffOutputFormat::kHtml:
      break;  // refused by cmd_diff
  }
  for (const PairLine& l : lines) {
    if (l.status == "error") err << l.detail << "\n";
  }
  return totals.code;
}

}  // namespace

bool stdout_wants_color(bool no_color) {
  if (no_color) return false;
  const char* env = std::getenv("NO_COLOR");
  if (env != nullptr && env[0] != '\0') return false;
  return ::isatty(STDOUT_FILENO) == 1;
}

int cmd_diff(const DiffOptions& opts, std::ostream& out, std::ostream& err) {
  std::error_code ec;
  const bool dir_a = fs::is_directory(opts.a, ec), dir_b = fs::is_directory(opts.b, ec);
  if (opts.a == "-" && opts.b == "-") {
    err << "diff: standard input (-) can be one side only\n";
    return kExitBadInput;
  }
  for (const std::string* p : {&opts.a, &opts.b}) {
    if (*p != "-" && !fs::exists(*p, ec)) {
      err << *p << ": no such file or directory\n";
      return kExitBadInput;
    }
  }
  if (dir_a != dir_b) {
    err << "diff: compare two trace files or two directories, not " << (dir_a ? "a directory" : "a file") << " with "
        << (dir_b ? "a directory" : "a file") << "\n";
    return kExitBadInput;
  }
  if (dir_a && opts.format == DiffOutputFormat::kHtml) {
    err << "diff: --format html compares two trace files, not directories\n";
    return kExitBadInput;
  }
  if (dir_a) return diff_directories(opts, out, err);

  DiffReport report;
  std::string error;
  DiffOptions with_progress = opts;
  ProgressLine progress(stderr_is_terminal() && !opts.quiet, trace_file_bytes(opts.a) + trace_file_bytes(opts.b), err);
  with_progress.on_progress = [&progress](uint64_t bytes, uint64_t events) { progress.update(bytes, events); };
  const int code = diff_trace_files(with_progress, opts.a, opts.b, &report, &error);
  progress.clear();
  if (code == kExitBadInput) {
    err << error << "\n";
    return code;
  }
  if (opts.format == DiffOutputFormat::kHtml) {
    // Built whole before a byte is written: bad input leaves no half page.
    const report::TraceReportResult page = report::diff_report_html(report, opts.top, opts.strict);
    if (page.code != kExitOk) {
      err << page.error << "\n";
      return page.code;
    }
    out << page.html;
    out.flush();
    return code;
  }
  write_diff_report(report, opts, out);
  return code;
}

}  // namespace replay
