// C++ side of the side-by-side benchmark (tools/bench/side_by_side/run.sh).
//
// For each fixture written by ts_bench.mjs: runs the engine's prioritize_peers
// on the same inputs with the same Math.random() draws, checks that the
// result is identical to what the real Lodestar returned (else exit 1), then
// times it. Also times PeerRpcScoreStore::update over the same entry counts
// as the TS side. Prints one line per case with the TS figure and the ratio;
// --json F also writes them as an array of {bench, n, ts_mean_us,
// ts_best_us, engine_mean_us, engine_best_us, output} (run.sh's rounds).
//
//   engine_bench <fixture-dir> [--min-ms 1000] [--only N] [--json F]
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/score/store.h"
#include "engine/shuffle.h"
#include "engine/utils/prioritize_peers.h"

using nlohmann::json;

namespace {

bool parse_hex(const std::string& s, uint8_t* out, size_t n) {
  if (s.size() != 2 * n) return false;
  for (size_t i = 0; i < n; i++) out[i] = static_cast<uint8_t>(std::stoul(s.substr(2 * i, 2), nullptr, 16));
  return true;
}

peers::ChainStatus parse_status(const json& j) {
  peers::ChainStatus s;
  parse_hex(j["forkDigest"].get<std::string>(), s.fork_digest.data(), 4);
  parse_hex(j["finalizedRoot"].get<std::string>(), s.finalized_root.data(), 32);
  parse_hex(j["headRoot"].get<std::string>(), s.head_root.data(), 32);
  s.finalized_epoch = j["finalizedEpoch"].get<int64_t>();
  s.head_slot = j["headSlot"].get<int64_t>();
  if (j.contains("earliestAvailableSlot")) s.earliest_available_slot = j["earliestAvailableSlot"].get<int64_t>();
  return s;
}

std::vector<peers::RequestedSubnet> parse_subnets(const json& j) {
  std::vector<peers::RequestedSubnet> out;
  for (const json& e : j) out.push_back({e["subnet"].get<peers::SubnetId>(), e["toSlot"].get<int64_t>()});
  return out;
}

json queries_json(const std::vector<peers::SubnetDiscvQuery>& qs) {
  json out = json::array();
  for (const auto& q : qs) out.push_back({{"subnet", q.subnet}, {"toSlot", q.to_slot}, {"maxPeersToDiscover", q.max_peers_to_discover}});
  return out;
}

json result_json(const peers::PrioritizePeersResult& r) {
  json disconnect = json::array();
  for (const auto& [reason, ids] : r.peers_to_disconnect) {
    disconnect.push_back({std::string(peers::excess_peer_disconnect_reason_value(reason)), ids});
  }
  json groups = json::array();
  for (const auto& [g, n] : r.custody_group_queries) groups.push_back({g, n});
  return {{"peersToConnect", r.peers_to_connect},
          {"peersToDisconnect", disconnect},
          {"attnetQueries", queries_json(r.attnet_queries)},
          {"syncnetQueries", queries_json(r.syncnet_queries)},
          {"custodyGroupQueries", groups}};
}

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Wall time per call over batches of ~10 ms (at least one call) run for
// min_ms in all, as ts_bench.mjs measures the TS: the mean and the best batch.
struct Timing {
  double mean_us = 0;
  double best_us = 0;
  double median_us = 0;      // the median batch, per call: the statistic the fair figures use
  double median_cpu_us = 0;  // the same batches in this process's CPU time (the machine is shared)
};

double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

double median_of(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  return xs[xs.size() / 2];
}
template <typename F>
Timing time_batches(double min_ms, F&& fn) {
  uint64_t per_batch = 1;
  uint64_t iters = 0;
  double best = 1e300;
  std::vector<double> batches;  // per call, batches of 10 CPU-ms or more
  std::vector<double> cpus;
  const double start = now_ms();
  while (now_ms() - start < min_ms || batches.size() < 3) {
    const double c = cpu_ms();
    const double t = now_ms();
    for (uint64_t i = 0; i < per_batch; i++) fn();
    const double ms = now_ms() - t;
    const double cpu = cpu_ms() - c;
    iters += per_batch;
    best = std::min(best, ms * 1000.0 / static_cast<double>(per_batch));
    // Batches grow until they take 10 ms of CPU (a preempted batch is not a
    // long one), and only those count in the medians.
    if (cpu >= 10) {
      batches.push_back(ms * 1000.0 / static_cast<double>(per_batch));
      cpus.push_back(cpu * 1000.0 / static_cast<double>(per_batch));
    } else {
      per_batch *= 2;
    }
  }
  return Timing{.mean_us = (now_ms() - start) * 1000.0 / static_cast<double>(iters),
                .best_us = best,
                .median_us = batches.empty() ? best : median_of(batches),
                .median_cpu_us = cpus.empty() ? 0 : median_of(cpus)};
}

// Batches of per_batch calls, each on its own input built by prepare() before
// the batch's clock starts, until min_ms of timed calls (at least 5 batches),
// as ts_bench.mjs's timePrepared: for a call that changes its input (update()
// sets every entry's lastUpdate to now).
template <typename P, typename F>
Timing time_prepared(double min_ms, size_t per_batch, P&& prepare, F&& fn) {
  std::vector<double> batches;
  std::vector<double> cpus;
  double timed_ms = 0;
  while (timed_ms < min_ms || batches.size() < 5) {
    std::vector<decltype(prepare())> states;
    for (size_t i = 0; i < per_batch; i++) states.push_back(prepare());
    const double c = cpu_ms();
    const double t = now_ms();
    for (auto& st : states) fn(*st);
    const double ms = now_ms() - t;
    cpus.push_back((cpu_ms() - c) * 1000.0 / static_cast<double>(per_batch));
    timed_ms += ms;
    batches.push_back(ms * 1000.0 / static_cast<double>(per_batch));
  }
  return Timing{.mean_us = timed_ms * 1000.0 / static_cast<double>(batches.size() * per_batch),
                .best_us = *std::min_element(batches.begin(), batches.end()),
                .median_us = median_of(batches),
                .median_cpu_us = median_of(cpus)};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: engine_bench <fixture-dir> [--min-ms N] [--only N] [--json F]\n");
    return 2;
  }
  const std::string dir = argv[1];
  double min_ms = 1000;
  int64_t only = 0;  // --only N: just prioritizePeers at N peers (for perf record)
  std::string json_out;
  for (int i = 2; i + 1 < argc; i++) {
    if (!std::strcmp(argv[i], "--min-ms")) min_ms = std::atof(argv[i + 1]);
    if (!std::strcmp(argv[i], "--only")) only = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--json")) json_out = argv[i + 1];
  }
  std::ifstream ts_in(dir + "/ts-results.json");
  if (!ts_in) {
    std::fprintf(stderr, "%s/ts-results.json: missing (run ts_bench.mjs first)\n", dir.c_str());
    return 2;
  }
  const json ts = json::parse(ts_in);
  auto ts_timing = [&](const std::string& bench, int64_t n) {
    for (const json& r : ts) {
      if (r["bench"] == bench && r["n"] == n) {
        return Timing{.mean_us = r["us_per_call"].get<double>(),
                      .best_us = r["best_us_per_call"].get<double>(),
                      .median_us = r.value("median_us_per_call", 0.0),
                      .median_cpu_us = r.contains("median_cpu_us_per_call") && r["median_cpu_us_per_call"].is_number()
                                           ? r["median_cpu_us_per_call"].get<double>()
                                           : 0.0};
      }
    }
    return Timing{};
  };
  // One line per case: mean (throughput) and best batch, each with its ratio.
  json rows = json::array();
  auto print = [&rows](const char* bench, int64_t n, const Timing& t, const Timing& e, const char* output) {
    rows.push_back({{"bench", bench},
                    {"n", n},
                    {"ts_mean_us", t.mean_us},
                    {"ts_best_us", t.best_us},
                    {"engine_mean_us", e.mean_us},
                    {"engine_best_us", e.best_us},
                    {"ts_median_us", t.median_us},
                    {"engine_median_us", e.median_us},
                    {"ts_median_cpu_us", t.median_cpu_us},
                    {"engine_median_cpu_us", e.median_cpu_us},
                    {"output", output}});
    std::printf("%-26s %6lld %11.2f %10.2f %7.1fx %11.2f %10.2f %7.1fx  %s\n", bench, static_cast<long long>(n),
                t.mean_us, e.mean_us, t.mean_us / e.mean_us, t.best_us, e.best_us, t.best_us / e.best_us, output);
  };

  int mismatches = 0;
  std::printf("%-26s %6s %11s %10s %8s %11s %10s %8s  %s\n", "bench (us per call)", "peers", "TS mean", "engine",
              "ratio", "TS best", "engine", "ratio", "output");
  for (int64_t n : {50, 200, 1000, 5000}) {
    if (only != 0 && n != only) continue;
    std::ifstream in(dir + "/prioritize-" + std::to_string(n) + ".json");
    if (!in) {
      std::fprintf(stderr, "%s/prioritize-%lld.json: missing\n", dir.c_str(), static_cast<long long>(n));
      return 2;
    }
    const json f = json::parse(in);
    std::vector<peers::ConnectedPeerInfo> info;
    // What the infos' status and sampling_groups point at: reserved up
    // front, so they never move, and contiguous, as the peers' data is.
    std::vector<peers::ChainStatus> statuses;
    std::vector<std::vector<peers::CustodyIndex>> groups;
    statuses.reserve(f["peers"].size());
    groups.reserve(f["peers"].size());
    for (const json& p : f["peers"]) {
      peers::ConnectedPeerInfo c;
      c.id = p["id"].get<std::string>();
      c.direction = p["direction"] == "outbound" ? peers::Direction::kOutbound : peers::Direction::kInbound;
      c.status = &statuses.emplace_back(parse_status(p["status"]));
      peers::Attnets a;
      for (const json& b : p["attnetBits"]) a.set(b.get<size_t>());
      c.attnets = a;
      peers::Syncnets s;
      for (const json& b : p["syncBits"]) s.set(b.get<size_t>());
      c.syncnets = s;
      c.sampling_groups.emplace(groups.emplace_back(p["samplingGroups"].get<std::vector<peers::CustodyIndex>>()));
      c.score = p["score"].get<double>();
      info.push_back(std::move(c));
    }
    const auto attnets = parse_subnets(f["activeAttnets"]);
    const auto syncnets = parse_subnets(f["activeSyncnets"]);
    const auto sampling = f["samplingGroups"].get<std::vector<peers::CustodyIndex>>();
    peers::PrioritizePeersOpts opts;
    opts.target_peers = f["opts"]["targetPeers"].get<int64_t>();
    opts.max_peers = f["opts"]["maxPeers"].get<int64_t>();
    opts.target_group_peers = f["opts"]["targetGroupPeers"].get<int64_t>();
    opts.status = parse_status(f["status"]);
    opts.starved = f["opts"]["starved"].get<bool>();
    opts.starvation_prune_ratio = f["opts"]["starvationPruneRatio"].get<double>();
    opts.starvation_threshold_slots = f["opts"]["starvationThresholdSlots"].get<int64_t>();
    peers::ChainConfig config;
    const std::vector<double> draws = f["draws"].get<std::vector<double>>();

    peers::RandomDraws first(draws);
    auto r = peers::prioritize_peers(info, attnets, syncnets, sampling, opts, config, first);
    const bool same = r.has_value() && result_json(*r) == f["result"] && first.remaining() == 0;
    if (!same) {
      mismatches++;
      std::fprintf(stderr, "prioritize_peers n=%lld differs from Lodestar:\n  lodestar %s\n  engine   %s\n",
                   static_cast<long long>(n), f["result"].dump().substr(0, 400).c_str(),
                   r ? result_json(*r).dump().substr(0, 400).c_str() : "(out of draws)");
    }
    bool ran_out = false;
    const Timing e = time_batches(min_ms, [&] {
      peers::RandomDraws d(draws);  // the recorded draws each time: same work as TS
      auto res = peers::prioritize_peers(info, attnets, syncnets, sampling, opts, config, d);
      ran_out |= !res.has_value();
    });
    if (ran_out) return 1;
    print("prioritizePeers", n, ts_timing("prioritizePeers", n), e, same ? "identical" : "DIFFERS");
    print("prioritizePeers, same draws", n, ts_timing("prioritizePeers, same draws", n), e,
          same ? "identical" : "DIFFERS");
  }

  for (int64_t n : {200, 1000}) {
    if (only != 0) break;
    peers::PeerRpcScoreStore store;
    int64_t now = 1700000000000;
    for (int64_t i = 0; i < n; i++) {
      const std::string id = "score-peer-" + std::to_string(i);
      store.apply_action(id, peers::PeerAction::MidToleranceError, "bench", now);
      store.apply_action(id, peers::PeerAction::MidToleranceError, "bench", now);
    }
    const Timing e = time_batches(min_ms, [&] {
      now += 1;
      store.update(now);
    });
    print("PeerRpcScoreStore.update", n, ts_timing("PeerRpcScoreStore.update", n), e,
          store.size() == static_cast<size_t>(n) ? "entries kept" : "ENTRIES LOST");
  }
  // Every entry last updated at its own time in the last 30 s, as ts_bench.mjs builds them.
  for (int64_t n : {200, 1000}) {
    if (only != 0) break;
    const int64_t t0 = 1700000000000;
    std::vector<peers::PeerIdStr> ids;
    for (int64_t i = 0; i < n; i++) ids.emplace_back("score-peer-" + std::to_string(i));
    size_t kept = 0;
    const Timing e = time_prepared(
        min_ms, static_cast<size_t>(std::max<int64_t>(1, 20000 / n)),
        [&] {
          auto store = std::make_unique<peers::PeerRpcScoreStore>();
          for (int64_t i = 0; i < n; i++) {
            const int64_t at = t0 + (i * 7919) % 30000;
            store->apply_action(ids[static_cast<size_t>(i)], peers::PeerAction::MidToleranceError, "bench", at);
            store->apply_action(ids[static_cast<size_t>(i)], peers::PeerAction::MidToleranceError, "bench", at);
          }
          return store;
        },
        [&](peers::PeerRpcScoreStore& store) {
          store.update(t0 + 30000);
          kept = store.size();
        });
    print("PeerRpcScoreStore.update, spread lastUpdate", n, ts_timing("PeerRpcScoreStore.update, spread lastUpdate", n), e,
          kept == static_cast<size_t>(n) ? "entries kept" : "ENTRIES LOST");
  }
  if (!json_out.empty()) {
    std::ofstream out(json_out);
    out << rows.dump(1) << "\n";
    if (!out) {
      std::fprintf(stderr, "%s: cannot write\n", json_out.c_str());
      return 2;
    }
  }
  return mismatches == 0 ? 0 : 1;
}
