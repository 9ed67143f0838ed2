// Tests of prioritize_peers / sort_peers_to_prune / shuffle.
//
// Expected values come from the REAL Lodestar (the version tools/recorder/package.json pins) prioritizePeers, recorded
// with the Math.random() values it consumed, in
// engine/testdata/prioritize_peers_cases.json, made by
// engine/testdata/gen_prioritize_peers.mjs (see that file for the encoding and
// how to re-run it). That file includes Lodestar's own unit test cases
// (priorization.test.ts) under names starting with "lodestar: ".
#include "engine/testing/draws.h"
#include "engine/utils/prioritize_peers.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <deque>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace peers {
namespace {

using nlohmann::json;

json load_fixture(const std::string& name) {
  const std::string path = std::string(PEER_REPLAY_SOURCE_DIR) + "/engine/testdata/" + name;
  std::ifstream in(path);
  REQUIRE(in.good());
  return json::parse(in);
}

template <typename Bits>
Bits bits_from(const json& indices) {
  Bits b;
  for (const json& i : indices) b.set(i.get<size_t>());
  return b;
}

ChainStatus status_from(const json& fe_hs) {
  ChainStatus s;
  s.fork_digest = {0xaa, 0xbb, 0xcc, 0xdd};
  s.finalized_root.fill(1);
  s.finalized_epoch = fe_hs[0].get<int64_t>();
  s.head_root.fill(2);
  s.head_slot = fe_hs[1].get<int64_t>();
  s.earliest_available_slot = 0;
  return s;
}

std::vector<RequestedSubnet> subnets_from(const json& list) {
  std::vector<RequestedSubnet> out;
  for (const json& s : list) out.push_back({.subnet = s[0].get<int64_t>(), .to_slot = s[1].get<int64_t>()});
  return out;
}

struct Case {
  std::string name;
  std::vector<ConnectedPeerInfo> peers;
  // What the peers' status and sampling_groups point at (a deque: elements
  // stay where they are as it grows, and when the Case is moved).
  std::deque<ChainStatus> statuses;
  std::deque<std::vector<CustodyIndex>> groups;
  Case() = default;
  Case(Case&&) = default;
  Case(const Case&) = delete;  // a copy's peers would point into the original
  std::vector<RequestedSubnet> active_attnets;
  std::vector<RequestedSubnet> active_syncnets;
  std::optional<std::vector<CustodyIndex>> sampling_groups;
  PrioritizePeersOpts opts;
  ChainConfig config;
  std::vector<double> rand;
};

Case case_from(const json& c) {
  Case out;
  out.name = c["name"].get<std::string>();
  for (const json& p : c["peers"]) {
    ConnectedPeerInfo info;
    info.id = p[0].get<std::string>();
    if (!p[1].is_null()) info.direction = p[1] == "outbound" ? Direction::kOutbound : Direction::kInbound;
    if (!p[2].is_null()) info.status = &out.statuses.emplace_back(status_from(p[2]));
    if (!p[3].is_null()) info.attnets = bits_from<Attnets>(p[3]);
    if (!p[4].is_null()) info.syncnets = bits_from<Syncnets>(p[4]);
    if (!p[5].is_null()) info.sampling_groups.emplace(out.groups.emplace_back(p[5].get<std::vector<CustodyIndex>>()));
    info.score = p[6] == "NaN" ? std::numeric_limits<double>::quiet_NaN() : p[6].get<double>();
    out.peers.push_back(info);
  }
  out.active_attnets = subnets_from(c["activeAttnets"]);
  out.active_syncnets = subnets_from(c["activeSyncnets"]);
  if (!c["samplingGroups"].is_null()) out.sampling_groups = c["samplingGroups"].get<std::vector<CustodyIndex>>();
  const json& o = c["opts"];
  out.opts.target_peers = o["targetPeers"].get<int64_t>();
  out.opts.max_peers = o["maxPeers"].get<int64_t>();
  out.opts.target_group_peers = o["targetGroupPeers"].get<int64_t>();
  out.opts.status = status_from(o["status"]);
  out.opts.starved = o["starved"].get<bool>();
  out.opts.starvation_prune_ratio = o["starvationPruneRatio"].get<double>();
  out.opts.starvation_threshold_slots = o["starvationThresholdSlots"].get<int64_t>();
  if (o.contains("outboundPeersRatio")) out.opts.outbound_peers_ratio = o["outboundPeersRatio"].get<double>();
  if (o.contains("targetSubnetPeers")) out.opts.target_subnet_peers = o["targetSubnetPeers"].get<int64_t>();
  out.config.number_of_custody_groups = c["numberOfCustodyGroups"].get<int64_t>();
  out.rand = c["rand"].get<std::vector<double>>();
  return out;
}

// The result in the fixture's encoding, for a whole-value comparison.
json encode(const PrioritizePeersResult& r) {
  json disconnect = json::array();
  for (const auto& [reason, ids] : r.peers_to_disconnect) {
    disconnect.push_back({std::string(excess_peer_disconnect_reason_value(reason)), ids});
  }
  auto queries = [](const std::vector<SubnetDiscvQuery>& qs) {
    json out = json::array();
    for (const SubnetDiscvQuery& q : qs) out.push_back({q.subnet, q.to_slot, q.max_peers_to_discover});
    return out;
  };
  json groups = json::array();
  for (const auto& [group, count] : r.custody_group_queries) groups.push_back({group, count});
  return json{{"peersToConnect", r.peers_to_connect},
              {"peersToDisconnect", disconnect},
              {"attnetQueries", queries(r.attnet_queries)},
              {"syncnetQueries", queries(r.syncnet_queries)},
              {"custodyGroupQueries", groups},
              {"randomDraws", r.random_draws_used}};
}

TEST_CASE("prioritize_peers matches the pinned Lodestar on every recorded case", "[prioritize_peers][fixture]") {
  const json fixture = load_fixture("prioritize_peers_cases.json");
  REQUIRE(fixture["cases"].size() >= 200);
  size_t lodestar_cases = 0;
  for (const json& c : fixture["cases"]) {
    const Case input = case_from(c);
    if (input.name.rfind("lodestar: ", 0) == 0) lodestar_cases++;
    INFO("case: " << input.name);
    RandomDraws random(input.rand);
    const std::optional<PrioritizePeersResult> result =
        prioritize_peers(input.peers, input.active_attnets, input.active_syncnets, input.sampling_groups, input.opts,
                         input.config, random);
    REQUIRE(result.has_value());
    CHECK(encode(*result).dump() == c["expect"].dump());
    CHECK(random.used() == result->random_draws_used);
  }
  CHECK(lodestar_cases == 10);
}

// Lodestar's sortPeersToPrune unit test: no ties, so the draws do not matter.
TEST_CASE("sort_peers_to_prune: dutied subnets, then long-lived subnets, then score", "[prioritize_peers]") {
  auto peer = [](const std::string& id, std::vector<SubnetId> attnets, double score) {
    PeerInfo p;
    p.id = id;
    p.status_score = StatusScore::CLOSE_TO_US;
    for (SubnetId s : attnets) p.attnets.set(static_cast<size_t>(s));
    p.attnets_true_bit_indices = attnets;
    p.score = score;
    return p;
  };
  const std::vector<PeerInfo> peers = {peer("peer-3", {0, 4}, -1), peer("peer-2", {2, 3, 5}, 0),
                                       peer("peer-1", {3, 5}, -1), peer("peer-0", {6, 7}, -1.9)};
  const std::vector<int64_t> duties = {2, 0, 0, 0};
  for (const std::vector<double>& draws :
       {std::vector<double>{0.1, 0.5, 0.9}, std::vector<double>{0.99, 0.0, 0.42}, std::vector<double>{0, 0, 0}}) {
    RandomDraws random(draws);
    const std::optional<std::vector<size_t>> sorted = sort_peers_to_prune(peers, duties, random);
    REQUIRE(sorted.has_value());
    std::vector<std::string> ids;
    for (size_t i : *sorted) ids.push_back(peers[i].id);
    CHECK(ids == std::vector<std::string>{"peer-0", "peer-1", "peer-2", "peer-3"});
    CHECK(random.used() == 3);
  }
}

TEST_CASE("shuffle consumes n-1 draws from the top index down", "[prioritize_peers][shuffle]") {
  const std::vector<int> arr = {0, 1, 2, 3, 4};
  // i=4: j=floor(0.5*5)=2 -> [0,1,4,3,2]; i=3: j=floor(0.99*4)=3 -> same;
  // i=2: j=floor(0*3)=0 -> [4,1,0,3,2]; i=1: j=floor(0.6*2)=1 -> same.
  const std::vector<double> draws = {0.5, 0.99, 0.0, 0.6, 0.7};
  RandomDraws random(draws);
  const auto shuffled = shuffle(arr, random);
  REQUIRE(shuffled.has_value());
  CHECK(*shuffled == std::vector<int>{4, 1, 0, 3, 2});
  CHECK(random.used() == 4);
  CHECK(random.remaining() == 1);
  CHECK(arr == std::vector<int>{0, 1, 2, 3, 4});  // without mutation

  for (size_t n = 0; n < 50; n++) {
    std::vector<int> values(n);
    std::vector<double> many(100, 0.25);
    RandomDraws r(many);
    REQUIRE(shuffle(values, r).has_value());
    CHECK(r.used() == (n == 0 ? 0 : n - 1));
  }
}

// The shuffle loop as the TS runs it, one checked draw per swap: the oracle
// for shuffle_in_place, which checks all of its draws before the first swap.
bool shuffle_one_draw_at_a_time(std::vector<int>& out, RandomDraws& random) {
  for (int64_t i = static_cast<int64_t>(out.size()) - 1; i > 0; i--) {
    const std::optional<double> r = random.next();
    if (!r.has_value()) return false;
    const auto j = static_cast<int64_t>(std::floor(*r * static_cast<double>(i + 1)));
    std::swap(out[static_cast<size_t>(i)], out[static_cast<size_t>(j)]);
  }
  return true;
}

TEST_CASE("shuffle uses, fails and leaves its draws as one next() per swap does", "[prioritize_peers][shuffle]") {
  std::mt19937_64 rng(20261203);
  const std::vector<double>& specials = testing::edge_draws();
  for (size_t it = 0; it < 20000; it++) {
    const size_t n = rng() % 40;
    std::vector<int> values(n);
    for (size_t i = 0; i < n; i++) values[i] = static_cast<int>(i);
    std::vector<double> draws(rng() % (n + 4));
    for (double& d : draws) d = std::uniform_real_distribution<double>(0, 1)(rng);
    const size_t injected = draws.empty() || rng() % 3 == 0 ? 0 : 1 + rng() % 3;
    for (size_t k = 0; k < injected; k++) draws[rng() % draws.size()] = specials[rng() % specials.size()];
    RandomDraws fast(draws);
    RandomDraws slow(draws);
    // Sometimes a draw or two taken before (an earlier failure is sticky).
    for (size_t k = rng() % 4 == 0 ? rng() % 3 : 0; k > 0; k--) {
      REQUIRE(fast.next().has_value() == slow.next().has_value());
    }
    // Twice: after a failure, the second shuffle must fail alike too.
    for (int round = 0; round < 2; round++) {
      std::vector<int> expected = values;
      const bool ok = shuffle_one_draw_at_a_time(expected, slow);
      const std::optional<std::vector<int>> shuffled = shuffle(values, fast);
      REQUIRE(shuffled.has_value() == ok);
      if (ok) REQUIRE(*shuffled == expected);
      REQUIRE(fast.used() == slow.used());
      REQUIRE(fast.error() == slow.error());
    }
  }
}

TEST_CASE("shuffle and prioritize_peers report draws that run out or are invalid", "[prioritize_peers][shuffle]") {
  const std::vector<int> arr = {1, 2, 3, 4};
  {
    const std::vector<double> draws = {0.1, 0.2};
    RandomDraws random(draws);
    CHECK_FALSE(shuffle(arr, random).has_value());
    CHECK(random.error() == RandomDraws::Error::kExhausted);
  }
  {
    const std::vector<double> draws = {0.1, 1.0, 0.2};
    RandomDraws random(draws);
    CHECK_FALSE(shuffle(arr, random).has_value());
    CHECK(random.error() == RandomDraws::Error::kOutOfRange);
  }
  std::vector<ConnectedPeerInfo> peers(5);
  for (size_t i = 0; i < peers.size(); i++) peers[i].id = "p" + std::to_string(i);
  PrioritizePeersOpts opts;
  opts.target_peers = 2;
  opts.max_peers = 3;
  RandomDraws none;
  CHECK_FALSE(prioritize_peers(peers, {}, {}, std::nullopt, opts, ChainConfig{}, none).has_value());
  CHECK(none.error() == RandomDraws::Error::kExhausted);
  // At or below target no shuffle runs and no draw is needed.
  opts.target_peers = 5;
  RandomDraws still_none;
  const auto at_target = prioritize_peers(peers, {}, {}, std::nullopt, opts, ChainConfig{}, still_none);
  REQUIRE(at_target.has_value());
  CHECK(at_target->random_draws_used == 0);
  CHECK(at_target->peers_to_disconnect.empty());
}

TEST_CASE("pruning never goes below target peers (random inputs)", "[prioritize_peers][invariant]") {
  std::mt19937_64 rng(99);
  auto uniform = [&] { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); };
  for (int iteration = 0; iteration < 2000; iteration++) {
    const int n = static_cast<int>(rng() % 40);
    std::vector<ConnectedPeerInfo> peers(static_cast<size_t>(n));
    for (int i = 0; i < n; i++) {
      ConnectedPeerInfo& p = peers[static_cast<size_t>(i)];
      p.id = "p" + std::to_string(i);
      if (rng() % 3 != 0) p.direction = rng() % 2 ? Direction::kInbound : Direction::kOutbound;
      if (rng() % 4 != 0) {
        Attnets a;
        for (int s = 0; s < 8; s++) a.set(static_cast<size_t>(s), rng() % 4 == 0);
        p.attnets = a;
      }
      if (rng() % 2 != 0) {
        Syncnets s;
        for (int k = 0; k < 4; k++) s.set(static_cast<size_t>(k), rng() % 3 == 0);
        p.syncnets = s;
      }
      p.score = -5.0 * uniform();
    }
    PrioritizePeersOpts opts;
    opts.target_peers = static_cast<int64_t>(rng() % 30);
    opts.max_peers = opts.target_peers + 5;
    opts.target_group_peers = 6;
    opts.starved = rng() % 3 == 0;
    opts.starvation_prune_ratio = 0.05;
    opts.starvation_threshold_slots = 64;
    if (rng() % 2) opts.target_subnet_peers = static_cast<int64_t>(rng() % 4);
    std::vector<RequestedSubnet> active;
    for (int s = 0; s < 8; s++) {
      if (rng() % 5 == 0) active.push_back({.subnet = s, .to_slot = 10});
    }
    std::vector<double> draws(static_cast<size_t>(n), 0.0);
    for (double& d : draws) d = uniform();
    RandomDraws random(draws);
    const auto result = prioritize_peers(peers, active, {}, std::nullopt, opts, ChainConfig{}, random);
    REQUIRE(result.has_value());
    size_t disconnected = 0;
    std::vector<PeerIdStr> all;
    for (const auto& [reason, ids] : result->peers_to_disconnect) {
      disconnected += ids.size();
      all.insert(all.end(), ids.begin(), ids.end());
    }
    std::sort(all.begin(), all.end());
    CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());  // nobody twice
    const double allowed = static_cast<double>(n - opts.target_peers) +
                           (opts.starved ? static_cast<double>(opts.target_peers) * opts.starvation_prune_ratio : 0);
    if (n <= opts.target_peers) {
      CHECK(disconnected == 0);
      CHECK(result->random_draws_used == 0);
    } else {
      CHECK(static_cast<double>(disconnected) < allowed + 1);  // stops as soon as count >= target
      if (!opts.starved) CHECK(static_cast<int64_t>(disconnected) <= n - opts.target_peers);
      CHECK(result->random_draws_used == static_cast<size_t>(n - 1));
    }
  }
}

TEST_CASE("peersToDisconnect reasons come in the TS insertion order", "[prioritize_peers]") {
  // 6 peers without subnets, target 1: phase 1 takes them all but the TS still
  // sets low_score (empty) after no_long_lived_subnet; phases 3-4 do not run.
  std::vector<ConnectedPeerInfo> peers(6);
  for (size_t i = 0; i < peers.size(); i++) peers[i].id = "p" + std::to_string(i);
  PrioritizePeersOpts opts;
  opts.target_peers = 1;
  opts.max_peers = 1;
  const std::vector<double> draws(5, 0.5);
  RandomDraws random(draws);
  const auto result = prioritize_peers(peers, {}, {}, std::nullopt, opts, ChainConfig{}, random);
  REQUIRE(result.has_value());
  std::vector<ExcessPeerDisconnectReason> reasons;
  for (const auto& entry : result->peers_to_disconnect) reasons.push_back(entry.first);
  CHECK(reasons == std::vector<ExcessPeerDisconnectReason>{ExcessPeerDisconnectReason::NO_LONG_LIVED_SUBNET,
                                                           ExcessPeerDisconnectReason::LOW_SCORE});
  CHECK(result->peers_to_disconnect.find(ExcessPeerDisconnectReason::NO_LONG_LIVED_SUBNET)->size() == 5);
}

TEST_CASE("custody group queries are in group order and only post-fulu", "[prioritize_peers]") {
  ChainConfig config;
  config.number_of_custody_groups = 8;
  std::vector<ConnectedPeerInfo> peers(2);
  peers[0].id = "a";
  const std::vector<CustodyIndex> groups_a{5, 1};
  const std::vector<CustodyIndex> groups_b{1};
  peers[0].sampling_groups.emplace(groups_a);
  peers[1].id = "b";
  peers[1].sampling_groups.emplace(groups_b);
  PrioritizePeersOpts opts;
  opts.target_peers = 2;
  opts.max_peers = 2;
  opts.target_group_peers = 3;
  RandomDraws random;
  const auto pre = prioritize_peers(peers, {}, {}, std::nullopt, opts, config, random);
  REQUIRE(pre.has_value());
  CHECK(pre->custody_group_queries.empty());
  const auto post = prioritize_peers(peers, {}, {}, std::vector<CustodyIndex>{1, 2}, opts, config, random);
  REQUIRE(post.has_value());
  std::vector<std::pair<CustodyIndex, int64_t>> got;
  for (const auto& [group, count] : post->custody_group_queries) got.emplace_back(group, count);
  // ours {1,2} want 3 peers; the others want TARGET_GROUP_PEERS_PER_SUBNET = 4.
  CHECK(got ==
        std::vector<std::pair<CustodyIndex, int64_t>>{{0, 4}, {1, 1}, {2, 3}, {3, 4}, {4, 4}, {5, 3}, {6, 4}, {7, 4}});
}

}  // namespace
}  // namespace peers
