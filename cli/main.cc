// peer-replay: the command-line entry point. The only file that includes
// CLI11 (its header is slow to compile); the commands themselves are
// cli/cmd_*.cc, declared in cli/commands.h, so tests can call them. One
// add_<command> function per subcommand declares its flags and returns how to
// run it.
//
// Exit codes: 0 conforms / identical, 1 diverges / differs, 2 bad input or
// usage, 3 truncated (check). CLI11 parse errors are mapped to 2 and printed as one line. The
// conventions every subcommand keeps (README "Command line"): --quiet (no
// progress line, only results), --format json, "-" for standard input where
// one trace is read, NO_COLOR.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/did_you_mean.h"

namespace {

// A subcommand and how to run it once parsed (the options live in the closure).
struct Command {
  CLI::App* app;
  std::function<int()> run;
};

// The exit codes (trace/format.h), at the end of every --help.
constexpr const char* kExitCodesHelp =
    "Exit codes: 0 conforms / identical / ok, 1 diverges / differs, 2 bad input or usage,\n"
    "3 (check) truncated: a cut trace (killed recorder) that conforms up to its last complete record.\n"
    "Errors are one line on stderr, \"<file>:<line>: <what was expected>\"; stdout holds only results.";

// Counts and seq numbers: digits only, so "-3" is an error, not a wrapped
// size_t (CLI11's NonNegativeNumber prints the whole double range).
const CLI::Validator kWholeNumber(
    [](std::string& text) {
      const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
      return digits ? std::string() : "expected a whole number of 0 or more, got \"" + text + "\"";
    },
    "UINT");

// --format: text (the default) or json, stored as a bool.
void add_format(CLI::App* cmd, bool* json, std::vector<std::string> names = {"text", "json"}) {
  cmd->add_option_function<std::string>(
         "--format", [json](const std::string& f) { *json = f == "json"; },
         "Output format: " + CLI::detail::join(names, ", ") + " (default " + names.front() + ")")
      ->check(CLI::IsMember(names));
}

Command add_check(CLI::App& app) {
  auto opts = std::make_shared<replay::CheckOptions>();
  auto stop_at_seq = std::make_shared<uint64_t>(0);
  auto* cmd = app.add_subcommand("check", "Replay traces through the engine and compare with what Lodestar did");
  cmd->add_option("traces", opts->inputs,
                  "Trace files or directories (searched for *.jsonl, *.jsonl.zst); - reads one from standard input")
      ->required();
  cmd->add_option("--context", opts->context, "Events shown before the first divergence")
      ->check(kWholeNumber)
      ->capture_default_str();
  auto* stop_opt = cmd->add_option("--stop-at-seq", *stop_at_seq, "Stop after this event and its expect")
                       ->check(kWholeNumber);
  cmd->add_option("--ulp", opts->ulp, "Tolerate score differences up to N ulps (default 0: bit-exact)")
      ->check(kWholeNumber);
  cmd->add_flag("--strict", opts->strict, "Unknown members are errors");
  cmd->add_option("--emit-repro", opts->emit_repro, "Write the trace prefix up to the divergence to this file");
  cmd->add_option("--junit", opts->junit, "Write a JUnit XML report (one testcase per trace)");
  cmd->add_option("--known-failures", opts->known_failures,
                  "File of \"<trace file name> <reason>\" lines reported as known failures");
  cmd->add_flag("--require-coverage", opts->require_coverage,
                "Fail when an event kind, action kind, goodbye or prune reason or score transition occurs "
                "in no trace");
  cmd->add_flag("!--no-determinism", opts->determinism, "Skip the determinism check (a second engine stepping the same events)");
  cmd->add_flag("-q,--quiet", opts->quiet, "Print only failures and the summary; no progress line");
  cmd->add_option("-j,--jobs", opts->jobs, "Traces replayed at once (default: the number of cores; one trace is read ahead on a second thread)");
  cmd->add_option("--shard", opts->shard, "Check only shard I of N (I/N, 1-based; traces split by file name)");
  cmd->add_option("--shard-summary", opts->shard_summary, "Write this run's outcomes as JSON, for merge-shards");
  cmd->add_option("--report", opts->report,
                  "FILE.html: an HTML report of the trace, its first divergence marked (one trace); with --impl, "
                  "FILE.json or FILE.md: the conformance report");
  cmd->add_option("--impl", opts->impl,
                  "Judge this implementation instead of the engine: \"CMD ARGS\" speaking docs/PROTOCOL.md");
  cmd->add_option("--timeout", opts->timeout_ms, "With --impl: ms to wait for each answer")->capture_default_str();
  add_format(cmd, &opts->json);
  cmd->add_flag("--raw-times", opts->raw_times, "Times as t_ms (Unix ms) instead of +1h02m03.500s from the first event");
  cmd->add_flag("--any-lodestar-version", opts->any_lodestar_version,
                "Replay traces recorded from another @lodestar/beacon-node than the engine ports (else exit 2)");
  auto no_color = std::make_shared<bool>(false);
  cmd->add_flag("--no-color", *no_color, "No ANSI colours (also NO_COLOR=1; never when not a terminal)");
  return {cmd, [opts, stop_at_seq, stop_opt, no_color] {
            if (stop_opt->count() > 0) opts->stop_at_seq = *stop_at_seq;
            opts->color = !opts->json && replay::stdout_wants_color(*no_color);
            return replay::cmd_check(*opts, std::cout, std::cerr);
          }};
}

Command add_merge_shards(CLI::App& app) {
  auto opts = std::make_shared<replay::MergeShardsOptions>();
  auto* cmd = app.add_subcommand("merge-shards", "One verdict from the summaries of check --shard I/N, I = 1..N");
  cmd->add_option("summaries", opts->summaries, "Files written by check --shard-summary")->required();
  cmd->add_option("--junit", opts->junit, "Write one JUnit XML report for all shards");
  return {cmd, [opts] { return replay::cmd_merge_shards(*opts, std::cout, std::cerr); }};
}

// docs/PROTOCOL.md. --test-fault is for the harness's own tests only.
Command add_serve(CLI::App& app) {
  auto opts = std::make_shared<replay::ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "The engine as an implementation speaking docs/PROTOCOL.md on stdin/stdout");
  cmd->add_option("--test-fault", opts->fault, "")
      ->check(CLI::IsMember({"crash", "hang", "garbage", "close", "version", "goodbye"}))
      ->group("");
  cmd->add_option("--test-fault-at-seq", opts->fault_at_seq, "")->group("");
  return {cmd, [opts] { return replay::cmd_serve(*opts, std::cout, std::cerr); }};
}

Command add_run(CLI::App& app) {
  auto opts = std::make_shared<replay::RunOptions>();
  auto* cmd =
      app.add_subcommand("run", "Write the engine's outputs for a trace's events as a trace of the same format");
  cmd->add_option("traces", opts->inputs, "Trace files or directories")->required();
  cmd->add_option("-o,--output", opts->output, "Output file (one input) or directory")->required();
  cmd->add_flag("--strict", opts->strict, "Unknown members are errors");
  cmd->add_flag("-q,--quiet", opts->quiet, "No \"wrote\" lines and no progress line; errors only");
  cmd->add_option("--metrics-out", opts->metrics_out,
                  "Write the peer-manager metrics after the last event here, in Prometheus text format 0.0.4");
  add_format(cmd, &opts->json);
  return {cmd, [opts] { return replay::cmd_run(*opts, std::cout, std::cerr); }};
}

Command add_stats(CLI::App& app) {
  auto opts = std::make_shared<replay::StatsOptions>();
  auto* cmd = app.add_subcommand("stats", "What is inside a trace: counts by kind, peers, time span, bytes");
  cmd->add_option("trace", opts->path, "Trace file (.jsonl or .jsonl.zst; - for standard input)")->required();
  cmd->add_flag("--strict", opts->strict, "Unknown members are errors");
  cmd->add_flag("--json", opts->json, "Same as --format json");
  add_format(cmd, &opts->json);
  cmd->add_flag("-q,--quiet", opts->quiet, "No progress line");
  cmd->add_flag("--raw-times", opts->raw_times, "Times as t_ms (Unix ms) instead of +1h02m03.500s from the first event");
  return {cmd, [opts] { return replay::cmd_stats(*opts, std::cout, std::cerr); }};
}

Command add_cat(CLI::App& app) {
  auto opts = std::make_shared<replay::CatOptions>();
  auto* cmd = app.add_subcommand("cat", "Print a trace as JSON Lines (decompressed), e.g. | jq");
  cmd->add_option("trace", opts->path, "Trace file (.jsonl or .jsonl.zst; - for standard input)")->required();
  cmd->add_flag("--strict", opts->strict, "Unknown members are errors");
  cmd->add_flag("--no-check", opts->no_check, "Do not parse or validate lines (inspect a broken trace)");
  cmd->add_flag("-q,--quiet", opts->quiet, "No warnings about unknown members");
  add_format(cmd, &opts->json, {"jsonl", "json"});
  return {cmd, [opts] { return replay::cmd_cat(*opts, std::cout, std::cerr); }};
}

// JSON schema of --format json: docs/DIFF_FORMAT.md.
Command add_diff(CLI::App& app) {
  auto opts = std::make_shared<replay::DiffOptions>();
  auto format = std::make_shared<std::string>("text");
  auto no_color = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("diff",
                                 "Every difference between two traces' outputs (or two directories of "
                                 "traces, paired by relative path), with a summary");
  cmd->add_option("a", opts->a, "Trace file or directory (before); - for standard input")->required();
  cmd->add_option("b", opts->b, "Trace file or directory (after); - for standard input")->required();
  cmd->add_option("--format", *format, "text, json (docs/DIFF_FORMAT.md), markdown or html (a self-contained page)")
      ->check(CLI::IsMember({"text", "json", "markdown", "html"}))
      ->capture_default_str();
  cmd->add_option("--limit", opts->limit, "Differences listed in detail (the summary covers all)")
      ->check(kWholeNumber)
      ->capture_default_str();
  cmd->add_option("--top", opts->top, "Largest score deltas listed")
      ->check(kWholeNumber)
      ->capture_default_str();
  cmd->add_flag("--inputs-must-match", opts->inputs_must_match,
                "Differing inputs (header or events) are an error, exit 2");
  cmd->add_flag("--exact-req", opts->exact_req, "List req ids that differ only by renumbering");
  cmd->add_flag("--strict", opts->strict, "Unknown members are errors");
  cmd->add_flag("--read-ahead", opts->read_ahead,
                "Read and parse each trace on its own thread: faster on an idle multi-core machine, more CPU");
  cmd->add_flag("--no-color", *no_color, "No ANSI colours (also NO_COLOR=1; never when not a terminal)");
  cmd->add_flag("-q,--quiet", opts->quiet, "No progress line");
  cmd->add_flag("--raw-times", opts->raw_times, "Times as t_ms (Unix ms) instead of +1h02m03.500s from the first event");
  return {cmd, [opts, format, no_color] {
            opts->format = *format == "json"       ? replay::DiffOutputFormat::kJson
                           : *format == "markdown" ? replay::DiffOutputFormat::kMarkdown
                           : *format == "html"     ? replay::DiffOutputFormat::kHtml
                                                   : replay::DiffOutputFormat::kText;
            opts->color = replay::stdout_wants_color(*no_color);
            return replay::cmd_diff(*opts, std::cout, std::cerr);
          }};
}

Command add_report(CLI::App& app) {
  auto opts = std::make_shared<replay::ReportOptions>();
  auto stop_at_seq = std::make_shared<uint64_t>(0);
  auto* cmd = app.add_subcommand("report", "A trace as one self-contained HTML page: peers, scores, actions, reasons, "
                                           "the first divergence marked");
  cmd->add_option("trace", opts->path, "Trace file (.jsonl or .jsonl.zst)")->required();
  cmd->add_option("-o,--output", opts->output, "The HTML file to write")->required();
  cmd->add_flag("!--no-replay", opts->replay, "Do not replay through the engine (no prune reasons, no divergence)");
  cmd->add_flag("-q,--quiet", opts->quiet, "No \"report written\" line; errors only");
  cmd->add_option("--ulp", opts->ulp, "As check --ulp");
  auto* stop_opt = cmd->add_option("--stop-at-seq", *stop_at_seq, "As check --stop-at-seq");
  cmd->add_flag("--strict", opts->strict, "Unknown members are errors");
  return {cmd, [opts, stop_at_seq, stop_opt] {
            if (stop_opt->count() > 0) opts->stop_at_seq = *stop_at_seq;
            return replay::cmd_report(*opts, std::cout, std::cerr);
          }};
}

Command add_export(CLI::App& app) {
  auto opts = std::make_shared<replay::ExportOptions>();
  auto* cmd = app.add_subcommand("export", "A trace in another tool's format: chrome-trace (ui.perfetto.dev, "
                                           "chrome://tracing)");
  cmd->add_option("trace", opts->path, "Trace file (.jsonl or .jsonl.zst)")->required();
  cmd->add_option("-o,--output", opts->output, "The file to write")->required();
  cmd->add_flag("-q,--quiet", opts->quiet, "No \"written\" line; errors only");
  cmd->add_option("--format", opts->format, "chrome-trace (the Trace Event Format, JSON)")
      ->check(CLI::IsMember({"chrome-trace"}))
      ->capture_default_str();
  cmd->add_flag("--strict", opts->strict, "Unknown members are errors");
  return {cmd, [opts] { return replay::cmd_export(*opts, std::cout, std::cerr); }};
}

}  // namespace

// The first argument when it is not an option must name a subcommand: a
// typo gets the nearest name. Returns false (after the one error line) when
// it names none.
bool known_subcommand(int argc, char** argv, const std::vector<Command>& commands) {
  if (argc < 2 || argv[1][0] == '-') return true;
  const std::string typed = argv[1];
  std::vector<std::string> names;
  for (const Command& c : commands) names.push_back(c.app->get_name());
  if (std::find(names.begin(), names.end(), typed) != names.end()) return true;
  const std::string near = replay::closest_name(typed, names);
  std::cerr << "peer-replay: unknown command \"" << typed << "\"; "
            << (near.empty() ? "expected one of " + CLI::detail::join(names, ", ") : "did you mean \"" + near + "\"?")
            << " (see peer-replay --help)\n";
  return false;
}

int main(int argc, char** argv) {
  CLI::App app{"peer-replay: replay Lodestar peer-manager traces through the C++ engine and compare"};
  app.set_version_flag("--version", std::string("peer-replay ") + PEER_REPLAY_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  app.footer(kExitCodesHelp);
  const std::vector<Command> commands = {add_check(app), add_run(app), add_stats(app), add_cat(app), add_diff(app),
                                         add_merge_shards(app), add_report(app), add_export(app), add_serve(app)};
  for (const Command& c : commands) c.app->footer(kExitCodesHelp);
  if (!known_subcommand(argc, argv, commands)) return replay::kExitBadInput;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line, not CLI11's two ("... Run with --help for more information.").
    std::cerr << "peer-replay: " << e.what() << " (see --help)\n";
    return replay::kExitBadInput;
  }
  std::ios::sync_with_stdio(false);
  for (const Command& c : commands) {
    if (*c.app) return c.run();
  }
  return replay::kExitBadInput;
}
