// `peer-replay stats` on headers the schema lets through but whose optional
// members have unexpected types: stats must print, not throw.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli/commands.h"

TEST_CASE("stats: producer.packages with a non-string version does not throw", "[stats][robustness]") {
  // get<std::string>() on the number would throw out of cmd_stats and abort
  // the CLI.
  std::ifstream seed(std::string(PEER_REPLAY_SOURCE_DIR) + "/fuzz/seeds/trace_reader/header_only.jsonl");
  std::string header;
  std::getline(seed, header);
  const std::string from = R"("@lodestar/beacon-node":"1.44.0")";
  REQUIRE(header.find(from) != std::string::npos);
  header.replace(header.find(from), from.size(), R"("@lodestar/beacon-node":144)");
  const auto path = std::filesystem::temp_directory_path() / "peer_replay_stats_packages.jsonl";
  std::ofstream(path) << header << "\n";

  replay::StatsOptions opts;
  opts.path = path.string();
  std::ostringstream out, err;
  CHECK(replay::cmd_stats(opts, out, err) == replay::kExitOk);
  CHECK(err.str().empty());
  CHECK(out.str().find("mode scripted\n") != std::string::npos);
}
