// peer-replay: the command-line entry point. The only file that includes
// CLI11 (its header is slow to compile); the commands themselves are
// cli/cmd_*.cc, declared in cli/commands.h, so tests can call them. One
// add_<command> function per subcommand declares its flags and returns how to
// run it.
//
// Exit codes: 0 conforms / identical, 1 diverges / differs, 2 bad input or
// usage. CLI11 parse errors are mapped to 2.
#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

// A subcommand and how to run it once parsed (the options live in the closure).
struct Command {
  CLI::App* app;
  std::function<int()> run;
};

Command add_check(CLI::App& app) {
  auto opts = std::make_shared<replay::CheckOptions>();
  auto stop_at_seq = std::make_shared<uint64_t>(0);
  auto* cmd = app.add_subcommand("check", "Replay traces through the engine and compare with what Lodestar did");
  cmd->add_option("traces", opts->inputs, "Trace files or directories (searched for *.jsonl, *.jsonl.zst)")->required();
  cmd->add_option("--context", opts->context, "Events shown before the first divergence")->capture_default_str();
  auto* stop_opt = cmd->add_option("--stop-at-seq", *stop_at_seq, "Stop after this event and its expect");
  cmd->add_option("--ulp", opts->ulp, "Tolerate score differences up to N ulps (default 0: bit-exact)");
  cmd->add_flag("--strict", opts->strict, "Unknown members are errors");
  cmd->add_option("--emit-repro", opts->emit_repro, "Write the trace prefix up to the divergence to this file");
  cmd->add_option("--junit", opts->junit, "Write a JUnit XML report (one testcase per trace)");
  cmd->add_option("--known-failures", opts->known_failures,
                  "File of \"<trace file name> <reason>\" lines reported as known failures");
  cmd->add_flag("--require-coverage", opts->require_coverage,
                "Fail when an event kind, action kind, goodbye or prune reason or score transition occurs "
                "in no trace");
  cmd->add_flag("!--no-determinism", opts->determinism, "Replay each trace once instead of twice");
  cmd->add_flag("-q,--quiet", opts->quiet, "Print only failures and the summary");
  cmd->add_option("--impl", opts->impl,
                  "Judge this implementation instead of the engine: \"CMD ARGS\" speaking docs/PROTOCOL.md");
  cmd->add_option("--timeout", opts->timeout_ms, "With --impl: ms to wait for each answer")->capture_default_str();
  cmd->add_option("--report", opts->report, "With --impl: conformance report, FILE.json or FILE.md");
  return {cmd, [opts, stop_at_seq, stop_opt] {
            if (stop_opt->count() > 0) opts->stop_at_seq = *stop_at_seq;
            return replay::cmd_check(*opts, std::cout, std::cerr);
          }};
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
  return {cmd, [opts] { return replay::cmd_run(*opts, std::cout, std::cerr); }};
}

Command add_stats(CLI::App& app) {
  auto opts = std::make_shared<replay::StatsOptions>();
  auto* cmd = app.add_subcommand("stats", "What is inside a trace: counts by kind, peers, time span, bytes");
  cmd->add_option("trace", opts->path, "Trace file (.jsonl or .jsonl.zst)")->required();
  cmd->add_flag("--strict", opts->strict, "Unknown members are errors");
  cmd->add_flag("--json", opts->json, "Print JSON instead of text");
  return {cmd, [opts] { return replay::cmd_stats(*opts, std::cout, std::cerr); }};
}

Command add_cat(CLI::App& app) {
  auto opts = std::make_shared<replay::CatOptions>();
  auto* cmd = app.add_subcommand("cat", "Print a trace as JSON Lines (decompressed), e.g. | jq");
  cmd->add_option("trace", opts->path, "Trace file (.jsonl or .jsonl.zst)")->required();
  cmd->add_flag("--strict", opts->strict, "Unknown members are errors");
  cmd->add_flag("--no-check", opts->no_check, "Do not parse or validate lines (inspect a broken trace)");
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
  cmd->add_option("a", opts->a, "Trace file or directory (before)")->required();
  cmd->add_option("b", opts->b, "Trace file or directory (after)")->required();
  cmd->add_option("--format", *format, "text, json (docs/DIFF_FORMAT.md) or markdown")
      ->check(CLI::IsMember({"text", "json", "markdown"}))
      ->capture_default_str();
  cmd->add_option("--limit", opts->limit, "Differences listed in detail (the summary covers all)")
      ->capture_default_str();
  cmd->add_option("--top", opts->top, "Largest score deltas listed")->capture_default_str();
  cmd->add_flag("--inputs-must-match", opts->inputs_must_match,
                "Differing inputs (header or events) are an error, exit 2");
  cmd->add_flag("--exact-req", opts->exact_req, "List req ids that differ only by renumbering");
  cmd->add_flag("--strict", opts->strict, "Unknown members are errors");
  cmd->add_flag("--read-ahead", opts->read_ahead,
                "Read and parse each trace on its own thread: faster on an idle multi-core machine, more CPU");
  cmd->add_flag("--no-color", *no_color, "No ANSI colours (also NO_COLOR=1; never when not a terminal)");
  return {cmd, [opts, format, no_color] {
            opts->format = *format == "json"       ? replay::DiffOutputFormat::kJson
                           : *format == "markdown" ? replay::DiffOutputFormat::kMarkdown
                                                   : replay::DiffOutputFormat::kText;
            opts->color = replay::stdout_wants_color(*no_color);
            return replay::cmd_diff(*opts, std::cout, std::cerr);
          }};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"peer-replay: replay Lodestar peer-manager traces through the C++ engine and compare"};
  app.set_version_flag("--version", std::string("peer-replay ") + PEER_REPLAY_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  const std::vector<Command> commands = {add_check(app), add_run(app), add_stats(app), add_cat(app), add_diff(app),
                                         add_serve(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : replay::kExitBadInput;
  }
  std::ios::sync_with_stdio(false);
  for (const Command& c : commands) {
    if (*c.app) return c.run();
  }
  return replay::kExitBadInput;
}
