// `peer-replay check`: every trace replayed through the engine and compared
// with what Lodestar did (replay/replayer.h), a PASS/FAIL line per trace, the
// known failures, coverage and JUnit report, and the closing summary line.
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <map>
#include <ostream>

#include "cli/commands.h"
#include "cli/coverage.h"
#include "cli/junit.h"
#include "cli/known_failures.h"
#include "cli/trace_paths.h"
#include "replay/replayer.h"
#include "trace/atomic_file.h"

namespace replay {

namespace {

namespace fs = std::filesystem;

// What one check run has seen so far.
struct CheckTotals {
  int passed = 0, failed = 0, bad = 0, known_failed = 0;
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
  }
}

// Replays one trace and prints its line (and report, on a failure).
void check_one(const CheckOptions& opts, const std::string& path, std::map<std::string, KnownFailure>* known,
               CheckTotals* totals, std::ostream& out, std::ostream& err) {
  const auto t0 = std::chrono::steady_clock::now();
  const ReplayResult r = replay_trace(path, replay_options(opts));
  TraceOutcome o;
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
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
  } else if (o.status != OutcomeStatus::kPass || !opts.quiet) {
    out << std::left << std::setw(11) << outcome_status_name(o.status) << o.path << ": " << o.message << "\n";
  }
  if (!o.report.empty() && o.status == OutcomeStatus::kFail) out << o.report << "\n";
  if (!r.repro_path.empty()) out << "repro trace written to " << r.repro_path << "\n";
  out.flush();
  totals->outcomes.push_back(std::move(o));
}

// --require-coverage: prints what no trace exercised; returns how many.
size_t report_coverage(const Coverage& total, std::ostream& out) {
  const std::vector<std::string> missing = missing_coverage(total);
  for (const std::string& item : missing) out << "COVERAGE   " << item << " occurs in no trace\n";
  const size_t required = required_coverage().size();
  out << "coverage: " << required - missing.size() << " of " << required
      << " declared kinds, reasons and transitions exercised\n";
  return missing.size();
}

}  // namespace

int cmd_check(const CheckOptions& opts, std::ostream& out, std::ostream& err) {
  if (!opts.impl.empty()) return cmd_check_impl(opts, out, err);
  std::vector<std::string> paths;
  std::string error;
  if (!expand_trace_paths(opts.inputs, &paths, &error)) {
    err << error << "\n";
    return kExitBadInput;
  }
  std::map<std::string, KnownFailure> known;
  if (!opts.known_failures.empty() && !load_known_failures(opts.known_failures, &known, &error)) {
    err << error << "\n";
    return kExitBadInput;
  }
  if (!opts.emit_repro.empty() && paths.size() != 1) {
    err << "--emit-repro needs exactly one trace (got " << paths.size() << ")\n";
    return kExitBadInput;
  }

  CheckTotals totals;
  for (const std::string& path : paths) check_one(opts, path, &known, &totals, out, err);
  const size_t coverage_missing = opts.require_coverage ? report_coverage(totals.coverage, out) : 0;
  for (const auto& [name, kf] : known) {
    if (!kf.seen) out << "NOTE       known-failures entry \"" << name << "\" matches no trace checked\n";
  }
  if (!opts.junit.empty()) {
    // AtomicFile: an interrupted run leaves the old report or the new one.
    const peers::Status written = write_file_atomically(opts.junit, junit_xml(totals.outcomes));
    if (!written.is_ok()) {
      err << opts.junit << ": " << written.message() << "\n";
      return kExitBadInput;
    }
  }

  // The closing line CI reads: "N passed, N failed" alone on its line.
  out << "check: " << totals.passed << " passed, " << totals.failed + totals.bad << " failed\n";
  if (totals.known_failed > 0) out << "known failures (conformance/known_failures.txt): " << totals.known_failed << "\n";
  if (totals.bad > 0) {
    out << "bad input: " << totals.bad << " trace(s) could not be read (exit 2)\n";
    return kExitBadInput;
  }
  if (totals.failed > 0 || coverage_missing > 0) return kExitDiverges;
  return kExitOk;
}

}  // namespace replay
