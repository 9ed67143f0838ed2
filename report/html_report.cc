// html_report: see html_report.h.
#include "report/html_report.h"

#include <cassert>
#include <set>
#include <string_view>

#include "diff/json_report.h"
#include "replay/replayer.h"
#include "report/report_assets.h"
#include "report/report_data.h"

namespace report {

namespace {

using nlohmann::json;

// JSON inside <script type="application/json">: no "</script" may appear, so
// every '<' (only ever inside strings) becomes its \u escape.
std::string script_safe_json(const json& data) {
  const std::string text = data.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + text.size() / 64);
  for (const char c : text) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

// Replaces the one occurrence of `marker` in *page.
void fill(std::string* page, std::string_view marker, std::string_view content) {
  const size_t at = page->find(marker);
  assert(at != std::string::npos);
  assert(page->find(marker, at + 1) == std::string::npos);
  page->replace(at, marker.size(), content);
}

json prune_reasons_json(const replay::Coverage& coverage) {
  json out = json::array();
  for (const auto& [name, n] : coverage.prune_reasons) out.push_back({{"name", name}, {"count", n}});
  return out;
}

}  // namespace

std::string render_html(const json& data) {
  std::string page(kReportHtml);
  // The data first: the assets are filled after it, so a marker-like string
  // inside them is never searched for.
  fill(&page, "@@REPORT_DATA@@", script_safe_json(data));
  fill(&page, "@@UPLOT_CSS@@", kUplotCss);
  fill(&page, "@@REPORT_CSS@@", kReportCss);
  fill(&page, "@@UPLOT_JS@@", kUplotJs);
  fill(&page, "@@REPORT_JS@@", kReportJs);
  return page;
}

TraceReportResult trace_report_html(const TraceReportOptions& options) {
  TraceReportResult result;
  ExtractOptions ex;
  ex.strict = options.strict;
  json divergence = nullptr, prune = nullptr;
  if (options.replay) {
    replay::ReplayOptions ro;
    ro.strict = options.strict;
    ro.ulp = options.ulp;
    ro.stop_at_seq = options.stop_at_seq;
    const replay::ReplayResult r = replay::replay_trace(options.path, ro);
    if (r.verdict == replay::Verdict::kBadInput) {
      result.code = replay::kExitBadInput;
      result.error = r.message;
      return result;
    }
    prune = prune_reasons_json(r.coverage);
    if (r.verdict == replay::Verdict::kDiverges && r.divergence_seq.has_value()) {
      result.diverged = true;
      ex.mark_seqs.push_back(*r.divergence_seq);
      divergence = {{"seq", *r.divergence_seq},
                    {"line", r.divergence_line.value_or(0)},
                    {"message", r.message},
                    {"report", r.report}};
    }
  }
  json engine_diff = nullptr;
  if (result.diverged && options.engine_diff) {
    replay::DiffReport diff;
    if (options.engine_diff(&diff)) {
      engine_diff = replay::diff_report_json(diff, 10);
      for (const replay::DiffItem& it : diff.items) {
        if (!it.peer.empty()) ex.involved_peers.push_back(it.peer);
      }
    }
  }
  json data;
  const peers::Status s = extract_report_data(options.path, ex, &data);
  if (!s.is_ok()) {
    result.code = replay::kExitBadInput;
    result.error = s.message();
    return result;
  }
  data["diff"] = engine_diff;
  data["diff_role"] = "engine";
  data["title"] = "peer-replay report: " + options.path;
  data["replayed"] = options.replay;
  data["prune_reasons"] = prune;
  data["divergence"] = divergence;
  result.html = render_html(data);
  result.summary = result.diverged ? "diverges at seq " + std::to_string(ex.mark_seqs.front()) + ", marked"
                   : options.replay ? "conforms"
                                    : "not replayed (--no-replay)";
  return result;
}

TraceReportResult diff_report_html(const replay::DiffReport& diff, size_t top, bool strict) {
  TraceReportResult result;
  ExtractOptions ex;
  ex.strict = strict;
  for (const replay::SeqRange& r : diff.divergent_ranges) ex.mark_seqs.push_back(r.first);
  if (diff.has_first_event_diff) ex.mark_seqs.insert(ex.mark_seqs.begin(), diff.first_event_diff.seq);
  std::set<std::string> peers;
  for (const replay::DiffItem& it : diff.items) {
    if (!it.peer.empty()) peers.insert(it.peer);
    if (!it.event_peer.empty()) peers.insert(it.event_peer);
  }
  ex.involved_peers.assign(peers.begin(), peers.end());
  json data;
  const peers::Status s = extract_report_data(diff.b.path, ex, &data);
  if (!s.is_ok()) {
    result.code = replay::kExitBadInput;
    result.error = s.message();
    return result;
  }
  data["title"] = "peer-replay diff: " + diff.a.path + " vs " + diff.b.path;
  data["replayed"] = false;
  data["prune_reasons"] = nullptr;
  data["divergence"] = nullptr;
  data["diff"] = replay::diff_report_json(diff, top);
  data["diff_role"] = "traces";
  result.html = render_html(data);
  result.diverged = !diff.identical();
  result.summary = diff.identical() ? "identical" : std::to_string(diff.differences) + " differences, marked";
  return result;
}

}  // namespace report
