// `peer-replay check`: every trace replayed through the engine and compared
// with what Lodestar did (replay/replayer.h), a PASS/FAIL line per trace, the
// known failures, coverage and JUnit report, and the closing summary line.
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <map>
#include <ostream>

#include "cli/check_output.h"
#include "cli/check_pool.h"
#include "cli/commands.h"
#include "cli/coverage.h"
#include "cli/junit.h"
#include "cli/known_failures.h"
#include "cli/progress.h"
#include "cli/shard.h"
#include "cli/trace_paths.h"
#include "replay/replayer.h"
#include "trace/atomic_file.h"
#include "trace/display_text.h"

namespace replay {

namespace {

namespace fs = std::filesystem;

// What one check run has seen so far.
struct CheckTotals {
  int passed = 0, failed = 0, bad = 0, known_failed = 0, truncated = 0;
  Coverage coverage;
  std::vector<TraceOutcome> outcomes;
};

ReplayOptions replay_options(const CheckOptions& opts) {
  ReplayOptions ro;
  ro.context = opts.context;
  ro.stop_at_seq = opts.stop_at_seq;
  ro.ulp = opts.ulp;
  ro.strict = opts.strict;
  ro.check_determinism = opts.determinism;
  ro.raw_times = opts.raw_times;
  ro.any_lodestar_version = opts.any_lodestar_version;
  if (!opts.emit_repro.empty()) {
    ro.emit_repro = true;
    ro.repro_path = opts.emit_repro;
  }
  return ro;
}

// The status of one replay, given the known failures (marks the entry seen).
OutcomeStatus classify(const CheckOptions& opts, const ReplayResult& r, std::map<std::string, KnownFailure>* known,
                       TraceOutcome* o) {
  auto kf = known->find(o->name);
  if (r.verdict == Verdict::kBadInput) return OutcomeStatus::kError;
  if (r.verdict == Verdict::kTruncated) return OutcomeStatus::kTruncated;
  if (r.verdict == Verdict::kDiverges) {
    if (kf == known->end()) return OutcomeStatus::kFail;
    kf->second.seen = true;
    o->message = kf->second.reason + " (" + r.message + ")";
    return OutcomeStatus::kKnownFail;
  }
  if (opts.determinism && r.second_digest.has_value() && *r.second_digest != r.state_digest) {
    o->message = "not deterministic: two replays ended with different state digests";
    return OutcomeStatus::kFail;
  }
  if (kf != known->end()) {
    kf->second.seen = true;
    o->message = "conforms but is listed in " + opts.known_failures + ": remove the entry";
    return OutcomeStatus::kFixed;
  }
  return OutcomeStatus::kPass;
}

void count(OutcomeStatus status, CheckTotals* totals) {
  switch (status) {
    case OutcomeStatus::kPass: totals->passed++; break;
    case OutcomeStatus::kFail:
    case OutcomeStatus::kFixed: totals->failed++; break;
    case OutcomeStatus::kError: totals->bad++; break;
    case OutcomeStatus::kKnownFail: totals->known_failed++; break;
    case OutcomeStatus::kTruncated: totals->truncated++; break;
  }
}

// The progress line over all traces: file bytes and events. With one trace
// at a time it moves within each trace (ReplayOptions::on_progress); with
// traces replayed in parallel it moves as each one finishes, on the calling
// thread only.
class CheckProgress {
 public:
  CheckProgress(const CheckOptions& opts, const std::vector<std::string>& paths, std::ostream& err)
      : paths_(paths), line_(stderr_is_terminal() && !opts.quiet, total(paths), err) {
    if (!paths_.empty()) line_.set_label(paths_[0]);
  }

  // Within the trace being replayed (one at a time only).
  void in_trace(uint64_t bytes, uint64_t events) { line_.update(bytes_before_ + bytes, events_before_ + events); }
  // Trace i done: erases the line before its verdict is printed.
  void done(size_t i, uint64_t events) {
    bytes_before_ += trace_file_bytes(paths_[i]);
    events_before_ += events;
    line_.clear();
    if (i + 1 < paths_.size()) line_.set_label(paths_[i + 1]);
  }
  // After a verdict: the line again, at the traces finished so far.
  void redraw() { line_.update(bytes_before_, events_before_); }
  void clear() { line_.clear(); }

 private:
  static uint64_t total(const std::vector<std::string>& paths) {
    uint64_t sum = 0;
    for (const std::string& p : paths) sum += trace_file_bytes(p);
    return sum;
  }

  const std::vector<std::string>& paths_;
  ProgressLine line_;
  uint64_t bytes_before_ = 0, events_before_ = 0;
};

// Prints one trace's line (and report, on a failure), given its replay.
void check_one(const CheckOptions& opts, const std::string& path, const ReplayResult& r, double seconds,
               std::map<std::string, KnownFailure>* known, CheckTotals* totals, std::ostream& out, std::ostream& err) {
  TraceOutcome o;
  o.seconds = seconds;
  o.path = path;
  o.name = fs::path(path).filename().string();
  o.message = r.message;
  // The verdict line names the trace already.
  if (o.message.rfind(path + ": ", 0) == 0) o.message.erase(0, path.size() + 2);
  o.report = r.report;
  o.status = classify(opts, r, known, &o);
  count(o.status, totals);
  if (r.verdict != Verdict::kBadInput) add_coverage(r.coverage, &totals->coverage);
  if (o.status == OutcomeStatus::kError) {
    err << r.message << "\n";  // unstripped: a lone error line must name its file
  } else if (!opts.json && (o.status != OutcomeStatus::kPass || !opts.quiet)) {
    out << verdict_line(o, opts.color) << "\n";
  }
  if (!opts.json && !o.report.empty() && o.status == OutcomeStatus::kFail) out << o.report << "\n";
  if (!opts.json && !r.repro_path.empty()) out << "repro trace written to " << r.repro_path << "\n";
  out.flush();
  totals->outcomes.push_back(std::move(o));
}

// --require-coverage: prints what no trace exercised.
void report_coverage(const std::vector<std::string>& missing, std::ostream& out) {
  constexpr std::string_view kGoodbye = "goodbye:";
  for (const std::string& item : missing) {
    // "goodbye:250 (Peer score too low)": the code and its Lodestar name.
    const bool goodbye = item.rfind(kGoodbye, 0) == 0;
    out << "COVERAGE   " << (goodbye ? std::string(kGoodbye) + goodbye_reason_text(item.substr(kGoodbye.size())) : item)
        << " occurs in no trace\n";
  }
  const size_t required = required_coverage().size();
  out << "coverage: " << required - missing.size() << " of " << required
      << " declared kinds, reasons and transitions exercised\n";
}

}  // namespace

int cmd_check(const CheckOptions& opts, std::ostream& out, std::ostream& err) {
  if (!opts.impl.empty()) return cmd_check_impl(opts, out, err);
  std::vector<std::string> paths;
  std::map<std::string, KnownFailure> known;
  std::string error;
  if (!load_check_inputs(opts.inputs, opts.known_failures, &paths, &known, &error)) {
    err << error << "\n";
    return kExitBadInput;
  }
  if (!opts.emit_repro.empty() && paths.size() != 1) {
    err << "--emit-repro needs exactly one trace (got " << paths.size() << ")\n";
    return kExitBadInput;
  }
  if (!opts.report.empty() && paths.size() != 1) {
    err << "--report needs exactly one trace (got " << paths.size() << ")\n";
    return kExitBadInput;
  }
  if (!opts.report.empty() && !opts.report.ends_with(".html")) {
    err << opts.report << ": --report writes the HTML page of a trace (FILE.html); the conformance report "
        << "(FILE.json, FILE.md) is written with --impl\n";
    return kExitBadInput;
  }

  ShardSpec shard;
  if (!opts.shard.empty()) {
    if (!parse_shard(opts.shard, &shard, &error)) {
      err << error << "\n";
      return kExitBadInput;
    }
    paths = select_shard(paths, shard);
  }

  CheckTotals totals;
  CheckProgress progress(opts, paths, err);
  const size_t jobs = opts.jobs == 0 ? default_check_jobs() : opts.jobs;
  ReplayOptions ro = replay_options(opts);
  if (jobs == 1 || paths.size() == 1) {
    ro.on_progress = [&progress](uint64_t bytes, uint64_t events) { progress.in_trace(bytes, events); };
  }
  replay_in_order(paths, ro, jobs, [&](size_t i, ReplayResult&& r, double seconds) {
    progress.done(i, r.events);
    check_one(opts, paths[i], r, seconds, &known, &totals, out, err);
    if (i + 1 < paths.size()) progress.redraw();
  });
  progress.clear();
  const std::vector<std::string> coverage_missing =
      opts.require_coverage ? missing_coverage(totals.coverage) : std::vector<std::string>{};
  if (opts.require_coverage && !opts.json) report_coverage(coverage_missing, out);
  for (const auto& [name, kf] : known) {
    if (!kf.seen) {
      (opts.json ? err : out) << "NOTE       known-failures entry \"" << name << "\" matches no trace checked\n";
    }
  }
  if (!opts.shard_summary.empty()) {
    const peers::Status written = write_file_atomically(opts.shard_summary, shard_summary_json(shard, totals.outcomes));
    if (!written.is_ok()) {
      err << opts.shard_summary << ": " << written.message() << "\n";
      return kExitBadInput;
    }
  }
  if (!opts.report.empty() && totals.bad == 0) {
    const ReportOptions report_opts{paths.front(), opts.report, opts.strict, true, opts.ulp, opts.stop_at_seq};
    if (const int code = cmd_report(report_opts, out, err); code != kExitOk) return code;
  }
  if (!opts.junit.empty()) {
    // AtomicFile: an interrupted run leaves the old report or the new one.
    const peers::Status written = write_file_atomically(opts.junit, junit_xml(totals.outcomes));
    if (!written.is_ok()) {
      err << opts.junit << ": " << written.message() << "\n";
      return kExitBadInput;
    }
  }

  const int code = totals.bad > 0                                           ? kExitBadInput
                   : totals.failed > 0 || !coverage_missing.empty() ? kExitDiverges
                   : totals.truncated > 0                           ? kExitTruncated
                                                                    : kExitOk;
  if (opts.json) {
    const CheckSummary summary{totals.passed, totals.failed, totals.bad, totals.known_failed, coverage_missing, code};
    out << check_json(totals.outcomes, summary).dump(2) << "\n";
    return code;
  }
  // stdout holds results only: a trace that could not be read has its error
  // line on stderr and is no result; when none could, there is no summary.
  const int compared = totals.passed + totals.failed + totals.known_failed + totals.truncated;
  if (compared > 0) {
    // The closing line CI reads: "N passed, N failed" alone on its line.
    out << "check: " << totals.passed << " passed, " << totals.failed << " failed\n";
    if (totals.known_failed > 0) {
      out << "known failures (conformance/known_failures.txt): " << totals.known_failed << "\n";
    }
    if (totals.truncated > 0) out << "truncated (cut traces, conforming up to the cut): " << totals.truncated << "\n";
  }
  if (totals.bad > 0 && paths.size() > 1) {
    err << "check: " << totals.bad << " of " << paths.size() << " traces could not be read\n";
  }
  return code;
}

}  // namespace replay
