// `peer-replay check --impl "CMD ARGS"`: every trace fed to an external
// implementation through the conformance protocol (docs/PROTOCOL.md,
// replay/impl_replayer.h) and judged as `check` judges the engine: a
// PASS/FAIL line per trace with the first-divergence report, known failures,
// JUnit, --ulp, --stop-at-seq, coverage, and the closing summary line; plus
// BROKEN for an implementation that crashed, hung, printed garbage or closed
// its stdout (exit 2), and the conformance report (--report).
//
// Not available with --impl: the determinism replay (state digests are the
// engine's internals) and --emit-repro (the trace prefix is the same file
// `check --stop-at-seq` names); main.cc refuses the second.
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <map>
#include <ostream>

#include "cli/commands.h"
#include "cli/conformance_report.h"
#include "cli/coverage.h"
#include "cli/junit.h"
#include "cli/known_failures.h"
#include "cli/trace_paths.h"
#include "replay/impl_replayer.h"
#include "trace/atomic_file.h"

namespace replay {

namespace {

namespace fs = std::filesystem;

struct ImplTotals {
  int passed = 0, failed = 0, broken = 0, bad = 0, known_failed = 0, truncated = 0;
  std::vector<TraceOutcome> outcomes;  // for JUnit
  ConformanceReport report;
};

ImplOptions impl_options(const CheckOptions& opts) {
  ImplOptions io;
  io.command = opts.impl;
  io.timeout_ms = opts.timeout_ms;
  io.context = opts.context;
  io.stop_at_seq = opts.stop_at_seq;
  io.ulp = opts.ulp;
  io.strict = opts.strict;
  return io;
}

// The status column and report status of one result, given the known failures.
std::pair<OutcomeStatus, std::string> classify(const CheckOptions& opts, const ImplResult& r,
                                               std::map<std::string, KnownFailure>* known, TraceOutcome* o) {
  auto kf = known->find(o->name);
  if (r.verdict == ImplVerdict::kBadInput) return {OutcomeStatus::kError, "bad-input"};
  if (r.verdict == ImplVerdict::kBroken) return {OutcomeStatus::kError, "broken"};
  if (r.verdict == ImplVerdict::kTruncated) return {OutcomeStatus::kTruncated, "truncated"};
  if (r.verdict == ImplVerdict::kDiverges) {
    if (kf == known->end()) return {OutcomeStatus::kFail, "fail"};
    kf->second.seen = true;
    o->message = kf->second.reason + " (" + o->message + ")";
    return {OutcomeStatus::kKnownFail, "known-fail"};
  }
  if (kf != known->end()) {
    kf->second.seen = true;
    o->message = "conforms but is listed in " + opts.known_failures + ": remove the entry";
    return {OutcomeStatus::kFixed, "fixed"};
  }
  return {OutcomeStatus::kPass, "pass"};
}

void check_one(const CheckOptions& opts, const std::string& path, std::map<std::string, KnownFailure>* known,
               ImplTotals* totals, std::ostream& out, std::ostream& err) {
  const auto t0 = std::chrono::steady_clock::now();
  const ImplResult r = check_trace_with_impl(path, impl_options(opts));
  TraceOutcome o;
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  o.path = path;
  o.name = fs::path(path).filename().string();
  o.message = r.message;
  if (o.message.rfind(path + ": ", 0) == 0) o.message.erase(0, path.size() + 2);
  o.report = r.report;
  const auto [status, report_status] = classify(opts, r, known, &o);
  o.status = status;
  switch (report_status[0]) {
    case 'p': totals->passed++; break;
    case 'k': totals->known_failed++; break;
    case 't': totals->truncated++; break;
    case 'b': (report_status == "broken" ? totals->broken : totals->bad)++; break;
    default: totals->failed++; break;
  }
  if (r.verdict != ImplVerdict::kBadInput) add_coverage(r.coverage, &totals->report.coverage);
  if (totals->report.impl_name.empty()) {
    totals->report.impl_name = r.impl_name;
    totals->report.impl_version = r.impl_version;
  }
  if (r.verdict == ImplVerdict::kBadInput) {
    err << r.message << "\n";
  } else if (r.verdict == ImplVerdict::kBroken) {
    out << std::left << std::setw(11) << "BROKEN" << o.path << ": " << o.message << "\n";
  } else if (o.status != OutcomeStatus::kPass || !opts.quiet) {
    out << std::left << std::setw(11) << outcome_status_name(o.status) << o.path << ": " << o.message << "\n";
  }
  if (!o.report.empty() && o.status == OutcomeStatus::kFail) out << o.report << "\n";
  out.flush();
  ConformanceEntry e;
  e.trace = o.name;
  e.path = path;
  e.status = report_status;
  e.message = o.message;
  if (r.verdict == ImplVerdict::kBroken) e.fault = impl_fault_name(r.fault);
  e.seq = r.divergence_seq;
  e.line = r.divergence_line;
  e.events = r.events;
  totals->report.entries.push_back(std::move(e));
  totals->outcomes.push_back(std::move(o));
}

// Coverage through the protocol: the declared items, less those only the
// engine's internals show (prune reasons: prioritizePeers' decisions are not
// an output; metrics: the protocol's answers are expect records, which carry
// no metrics); prints what no answer exercised and returns how many.
size_t report_impl_coverage(ImplTotals* totals, bool print, std::ostream& out) {
  ConformanceReport& rep = totals->report;
  rep.required_total = required_coverage().size();
  for (const std::string& item : missing_coverage(rep.coverage)) {
    if (item.rfind("prune:", 0) == 0 || item.rfind("metric:", 0) == 0) {
      rep.not_observable.push_back(item);
    } else {
      rep.required_missing.push_back(item);
    }
  }
  if (!print) return rep.required_missing.size();
  for (const std::string& item : rep.required_missing) out << "COVERAGE   " << item << " occurs in no answer\n";
  out << "coverage: " << rep.required_total - rep.required_missing.size() - rep.not_observable.size() << " of "
      << rep.required_total - rep.not_observable.size()
      << " declared kinds, reasons and transitions exercised through the protocol (" << rep.not_observable.size()
      << " prune reasons are engine-internal, not observable)\n";
  return rep.required_missing.size();
}

bool write_report(const std::string& path, const ConformanceReport& report, std::ostream& err) {
  const bool json = path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
  const std::string text = json ? conformance_report_json(report) : conformance_report_markdown(report);
  const peers::Status written = write_file_atomically(path, text);
  if (!written.is_ok()) {
    err << path << ": " << written.message() << "\n";
    return false;
  }
  return true;
}

}  // namespace

int cmd_check_impl(const CheckOptions& opts, std::ostream& out, std::ostream& err) {
  std::vector<std::string> paths;
  std::map<std::string, KnownFailure> known;
  std::string error;
  if (!load_check_inputs(opts.inputs, opts.known_failures, &paths, &known, &error)) {
    err << error << "\n";
    return kExitBadInput;
  }
  if (!opts.emit_repro.empty()) {
    err << "--emit-repro is not available with --impl (use --stop-at-seq N to replay the prefix)\n";
    return kExitBadInput;
  }
  if (opts.timeout_ms <= 0) {
    err << "--timeout must be a positive number of milliseconds (got " << opts.timeout_ms << ")\n";
    return kExitBadInput;
  }
  const bool md = opts.report.size() >= 3 && opts.report.compare(opts.report.size() - 3, 3, ".md") == 0;
  const bool js = opts.report.size() >= 5 && opts.report.compare(opts.report.size() - 5, 5, ".json") == 0;
  if (!opts.report.empty() && !md && !js) {
    err << opts.report << ": --report needs a file name ending in .json or .md\n";
    return kExitBadInput;
  }

  ImplTotals totals;
  totals.report.command = opts.impl;
  for (const std::string& path : paths) check_one(opts, path, &known, &totals, out, err);
  const size_t coverage_missing = report_impl_coverage(&totals, opts.require_coverage, out);
  for (const auto& [name, kf] : known) {
    if (!kf.seen) out << "NOTE       known-failures entry \"" << name << "\" matches no trace checked\n";
  }
  if (!opts.junit.empty()) {
    const peers::Status written = write_file_atomically(opts.junit, junit_xml(totals.outcomes));
    if (!written.is_ok()) {
      err << opts.junit << ": " << written.message() << "\n";
      return kExitBadInput;
    }
  }
  if (!opts.report.empty() && !write_report(opts.report, totals.report, err)) return kExitBadInput;

  out << "check: " << totals.passed << " passed, " << totals.failed + totals.broken + totals.bad << " failed\n";
  if (totals.known_failed > 0) out << "known failures: " << totals.known_failed << "\n";
  if (totals.truncated > 0) out << "truncated (cut traces, conforming up to the cut): " << totals.truncated << "\n";
  if (totals.broken > 0) {
    out << "broken implementation: " << totals.broken << " trace(s) ended in a crash, hang, garbage or early close (exit 2)\n";
  }
  if (totals.bad > 0) out << "bad input: " << totals.bad << " trace(s) could not be read (exit 2)\n";
  if (totals.broken > 0 || totals.bad > 0) return kExitBadInput;
  if (totals.failed > 0 || (opts.require_coverage && coverage_missing > 0)) return kExitDiverges;
  return totals.truncated > 0 ? kExitTruncated : kExitOk;
}

}  // namespace replay
