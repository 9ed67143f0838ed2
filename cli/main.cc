// peer-replay: the command-line entry point. The only file that includes
// CLI11 (its header is slow to compile); the commands themselves are
// cli/cmd_*.cc, declared in cli/commands.h, so tests can call them.
//
// Exit codes: 0 conforms / identical, 1 diverges / differs, 2 bad input or
// usage. CLI11 parse errors are mapped to 2.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"peer-replay: replay Lodestar peer-manager traces through the C++ engine and compare"};
  app.set_version_flag("--version", std::string("peer-replay ") + PEER_REPLAY_VERSION);
  app.require_subcommand(1);
  app.fallthrough();

  replay::CheckOptions check;
  uint64_t stop_at_seq = 0;
  auto* check_cmd = app.add_subcommand("check", "Replay traces through the engine and compare with what Lodestar did");
  check_cmd->add_option("traces", check.inputs, "Trace files or directories (searched for *.jsonl, *.jsonl.zst)")
      ->required();
  check_cmd->add_option("--context", check.context, "Events shown before the first divergence")->capture_default_str();
  auto* stop_opt = check_cmd->add_option("--stop-at-seq", stop_at_seq, "Stop after this event and its expect");
  check_cmd->add_option("--ulp", check.ulp, "Tolerate score differences up to N ulps (default 0: bit-exact)");
  check_cmd->add_flag("--strict", check.strict, "Unknown members are errors");
  check_cmd->add_option("--emit-repro", check.emit_repro, "Write the trace prefix up to the divergence to this file");
  check_cmd->add_option("--junit", check.junit, "Write a JUnit XML report (one testcase per trace)");
  check_cmd->add_option("--known-failures", check.known_failures,
                        "File of \"<trace file name> <reason>\" lines reported as known failures");
  check_cmd->add_flag("--require-coverage", check.require_coverage,
                      "Fail when an event kind, action kind, goodbye or prune reason or score transition occurs "
                      "in no trace");
  check_cmd->add_flag("!--no-determinism", check.determinism, "Replay each trace once instead of twice");
  check_cmd->add_flag("-q,--quiet", check.quiet, "Print only failures and the summary");

  replay::RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "Write the engine's outputs for a trace's events as a trace of the same format");
  run_cmd->add_option("traces", run.inputs, "Trace files or directories")->required();
  run_cmd->add_option("-o,--output", run.output, "Output file (one input) or directory")->required();
  run_cmd->add_flag("--strict", run.strict, "Unknown members are errors");

  replay::StatsOptions stats;
  auto* stats_cmd = app.add_subcommand("stats", "What is inside a trace: counts by kind, peers, time span, bytes");
  stats_cmd->add_option("trace", stats.path, "Trace file (.jsonl or .jsonl.zst)")->required();
  stats_cmd->add_flag("--strict", stats.strict, "Unknown members are errors");
  stats_cmd->add_flag("--json", stats.json, "Print JSON instead of text");

  replay::CatOptions cat;
  auto* cat_cmd = app.add_subcommand("cat", "Print a trace as JSON Lines (decompressed), e.g. | jq");
  cat_cmd->add_option("trace", cat.path, "Trace file (.jsonl or .jsonl.zst)")->required();
  cat_cmd->add_flag("--strict", cat.strict, "Unknown members are errors");
  cat_cmd->add_flag("--no-check", cat.no_check, "Do not parse or validate lines (inspect a broken trace)");

  // diff: diff/trace_diff.h; JSON schema in docs/DIFF_FORMAT.md.
  replay::DiffOptions diff;
  std::string diff_format = "text";
  bool diff_no_color = false;
  auto* diff_cmd = app.add_subcommand("diff", "Every difference between two traces' outputs (or two directories of "
                                              "traces, paired by relative path), with a summary");
  diff_cmd->add_option("a", diff.a, "Trace file or directory (before)")->required();
  diff_cmd->add_option("b", diff.b, "Trace file or directory (after)")->required();
  diff_cmd->add_option("--format", diff_format, "text, json (docs/DIFF_FORMAT.md) or markdown")
      ->check(CLI::IsMember({"text", "json", "markdown"}))
      ->capture_default_str();
  diff_cmd->add_option("--limit", diff.limit, "Differences listed in detail (the summary covers all)")
      ->capture_default_str();
  diff_cmd->add_option("--top", diff.top, "Largest score deltas listed")->capture_default_str();
  diff_cmd->add_flag("--inputs-must-match", diff.inputs_must_match,
                     "Differing inputs (header or events) are an error, exit 2");
  diff_cmd->add_flag("--exact-req", diff.exact_req, "List req ids that differ only by renumbering");
  diff_cmd->add_flag("--strict", diff.strict, "Unknown members are errors");
  diff_cmd->add_flag("--read-ahead", diff.read_ahead,
                     "Read and parse each trace on its own thread: faster on an idle multi-core machine, more CPU");
  diff_cmd->add_flag("--no-color", diff_no_color, "No ANSI colours (also NO_COLOR=1; never when not a terminal)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : replay::kExitBadInput;
  }
  std::ios::sync_with_stdio(false);
  if (*check_cmd) {
    if (stop_opt->count() > 0) check.stop_at_seq = stop_at_seq;
    return replay::cmd_check(check, std::cout, std::cerr);
  }
  if (*run_cmd) return replay::cmd_run(run, std::cout, std::cerr);
  if (*stats_cmd) return replay::cmd_stats(stats, std::cout, std::cerr);
  if (*cat_cmd) return replay::cmd_cat(cat, std::cout, std::cerr);
  if (*diff_cmd) {
    diff.format = diff_format == "json"       ? replay::DiffOutputFormat::kJson
                  : diff_format == "markdown" ? replay::DiffOutputFormat::kMarkdown
                                              : replay::DiffOutputFormat::kText;
    diff.color = replay::stdout_wants_color(diff_no_color);
    return replay::cmd_diff(diff, std::cout, std::cerr);
  }
  return replay::kExitBadInput;
}
