#include "tools/bench/synthetic_trace.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "replay/replayer.h"

namespace bench {
namespace {

// A synthetic trace is the engine's own run through the simulator: read back
// and replayed, it must conform bit for bit, twice over (digests agree), with
// every event kind the simulator makes present.
TEST_CASE("synthetic trace: a valid trace the replayer passes", "[bench][synthetic]") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "peer-replay-synthetic-test";
  std::filesystem::create_directories(dir);
  for (const bool zstd : {true, false}) {
    const std::string path = (dir / (zstd ? "t.jsonl.zst" : "t.jsonl")).string();
    SyntheticOptions opts;
    opts.seed = 5;
    opts.peers = 40;
    opts.target_jsonl_bytes = 2u << 20;
    opts.zstd = zstd;
    SyntheticResult res;
    std::string error;
    REQUIRE(write_synthetic_trace(path, opts, &res, &error));
    INFO(error);
    CHECK(res.jsonl_bytes >= opts.target_jsonl_bytes);
    replay::ReplayOptions ro;
    ro.check_determinism = true;
    const replay::ReplayResult r = replay::replay_trace(path, ro);
    INFO(r.message << "\n" << r.report);
    REQUIRE(r.verdict == replay::Verdict::kConforms);
    CHECK(r.events == res.events);
    CHECK(r.expects == res.events);
    CHECK(r.actions_compared > 0);
    CHECK(r.scores_compared > 0);
    for (const char* kind : {"init", "connection_open", "connection_close", "request:ping", "request:status",
                             "response", "timer:heartbeat", "timer:gossip_scores", "report_peer",
                             "committee_subscriptions", "local_status", "restatus_peers"}) {
      INFO(kind);
      bool seen = false;
      for (const auto& [name, count] : r.coverage.event_kinds) seen |= name.rfind(kind, 0) == 0 && count > 0;
      CHECK(seen);
    }
    std::filesystem::remove(path);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace bench
