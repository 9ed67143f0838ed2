// trace_diff: see trace_diff.h. The driver: two sides read in lock-step by
// seq, each pair handed to the Differ; and the choice of writer.
#include "diff/trace_diff.h"

#include <cassert>
#include <ostream>

#include "diff/differ.h"
#include "diff/json_report.h"
#include "diff/markdown_report.h"
#include "diff/text_report.h"
#include "diff/trace_side.h"
#include "trace/format.h"

namespace replay {

using peers::Status;

namespace {

constexpr uint64_t kProgressEvery = 2048;  // events between two calls of DiffOptions::on_progress

}  // namespace

int diff_trace_files(const DiffOptions& opts, const std::string& a, const std::string& b, DiffReport* report,
                     std::string* error) {
  *report = DiffReport{};
  ReaderOptions ropts;
  ropts.strict = opts.strict;
  ropts.keep_raw = true;  // byte-identical lines skip the structural compare
  TraceSide side_a(&report->a), side_b(&report->b);
  Status s = side_a.open(a, ropts, opts.read_ahead);
  if (!s.is_ok()) {
    *error = s.message();
    return kExitBadInput;
  }
  s = side_b.open(b, ropts, opts.read_ahead);
  if (!s.is_ok()) {
    *error = s.message();
    return kExitBadInput;
  }
  Differ differ(opts, report);
  differ.compare_headers(side_a.header().to_json(), side_b.header().to_json());
  if (opts.inputs_must_match && !report->header_diffs.empty()) {
    *error = "inputs differ: " + differ.header_mismatch_message() + "; --inputs-must-match requires the same inputs";
    return kExitBadInput;
  }
  uint64_t units = 0;  // events taken from either side
  for (;;) {
    Unit* ua = nullptr;
    Unit* ub = nullptr;
    s = side_a.front(&ua);
    if (s.is_ok()) s = side_b.front(&ub);
    if (!s.is_ok()) {
      *error = s.message();
      return kExitBadInput;
    }
    if (ua == nullptr && ub == nullptr) break;
    bool ok = true;
    if (ua != nullptr && ub != nullptr) {
      ok = differ.compare(*ua, *ub, error);
      side_a.pop();
      side_b.pop();
    } else if (ua != nullptr) {
      ok = differ.tail(*ua, true, error);
      side_a.pop();
    } else {
      ok = differ.tail(*ub, false, error);
      side_b.pop();
    }
    if (!ok) return kExitBadInput;
    if (opts.on_progress && !opts.read_ahead && ++units % kProgressEvery == 0) {
      opts.on_progress(side_a.bytes_read() + side_b.bytes_read(), units);
    }
  }
  differ.finish(side_a.late_expects(), side_b.late_expects());
  return report->identical() ? kExitOk : kExitDiverges;
}

void write_diff_report(const DiffReport& report, const DiffOptions& opts, std::ostream& out) {
  const TimeStyle time{report.a.first_t_ms, opts.raw_times};
  switch (opts.format) {
    case DiffOutputFormat::kText:
      write_diff_text(report, opts.color, opts.top, time, out);
      break;
    case DiffOutputFormat::kJson:
      out << diff_report_json(report, opts.top).dump(2) << "\n";
      break;
    case DiffOutputFormat::kMarkdown:
      write_diff_markdown(report, opts.top, time, out);
      break;
    case DiffOutputFormat::kHtml:
      // The page needs the report library (trace b's charts): cmd_diff writes it.
      assert(false && "write_diff_report: html is written by report::diff_report_html");
      break;
  }
  out.flush();
}

}  // namespace replay
