// peer-replay: the command-line entry point. The only file that includes
// CLI11 (its header costs ~3 s per translation unit); the commands themselves
// live in commands.cc so tests can call them.
//
// Exit codes: 0 conforms / identical, 1 diverges / differs, 2 bad input or
// usage. CLI11 parse errors are mapped to 2.
#include <CLI/CLI.hpp>

#include <iostream>

#include "replay/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"peer-replay: replay Lodestar peer-manager traces through the C++ engine and compare"};
  app.set_version_flag("--version", std::string("peer-replay ") + PEER_REPLAY_VERSION);
  app.require_subcommand(1);
  app.fallthrough();

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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : replay::kExitBadInput;
  }
  std::ios::sync_with_stdio(false);
  if (*stats_cmd) return replay::cmd_stats(stats, std::cout, std::cerr);
  if (*cat_cmd) return replay::cmd_cat(cat, std::cout, std::cerr);
  return replay::kExitBadInput;
}
