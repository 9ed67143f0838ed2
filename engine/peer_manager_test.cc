// Unit tests of the PeerManager state machine.
//
// The first cases port Lodestar's own PeerManager tests
// (packages/beacon-node/test/e2e/network/peers/peerManager.test.ts and
// test/unit/network/peers/client.test.ts): the expected values are the ones
// those tests assert, read from the TS. The rest check invariants over a
// deterministic pseudo-random run. Conformance values are never derived from
// the engine: the recorder's traces are the oracle (replay/replayer_test.cc,
// conformance/).
#include "engine/peer_manager_impl.h"

// g++ 12 reports a false -Wmaybe-uninitialized inside std::optional<std::vector>
// and std::optional<std::string> assignments of Event members at -O2 (GCC bug
// 105562 family); the members are value-initialized.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/client.h"
#include "engine/testing/fixtures.h"

namespace peers {
namespace {

using testing::kT0;
using testing::make_local;
using testing::make_status;

PeerManagerConfig make_config() { return testing::make_config(/*target_peers=*/4, /*max_peers=*/6); }

std::string peer_id(int n) { return "16Uiu2HAmPeer" + std::to_string(n); }

NodeId node_id(int n) {
  NodeId id{};
  id.fill(static_cast<uint8_t>(n));
  return id;
}

class Harness {
 public:
  Harness() : pm_(make_config(), make_local()) {}

  std::vector<Action> step(Event& ev) {
    ev.seq = ++seq_;
    if (ev.t_ms == 0) ev.t_ms = now_;
    now_ = ev.t_ms;
    std::vector<Action> actions;
    auto s = pm_.step(ev, &actions);
    INFO(s.message());
    REQUIRE(s.is_ok());
    return actions;
  }
  auto step_status(Event& ev, std::vector<Action>* actions) {
    ev.seq = ++seq_;
    if (ev.t_ms == 0) ev.t_ms = now_;
    now_ = ev.t_ms;
    return pm_.step(ev, actions);
  }

  std::vector<Action> init() {
    Event ev;
    ev.kind = EventKind::kInit;
    ev.t_ms = kT0;
    ev.extra.mut().active_attnets = std::vector<ActiveSubnet>{};
    ev.extra.mut().active_syncnets = std::vector<ActiveSubnet>{};
    return step(ev);
  }
  std::vector<Action> open(int n, Direction direction, int conn = 0) {
    Event ev;
    ev.kind = EventKind::kConnectionOpen;
    ev.peer = peer_id(n);
    ev.extra.mut().connection.peer = ev.peer;
    ev.extra.mut().connection.conn = "c" + std::to_string(n) + "." + std::to_string(conn);
    ev.extra.mut().connection.direction = direction;
    ev.extra.mut().connection.node_id = node_id(n);
    return step(ev);
  }
  std::vector<Action> close(int n, int conn = 0) {
    Event ev;
    ev.kind = EventKind::kConnectionClose;
    ev.peer = peer_id(n);
    ev.extra.mut().connection.peer = ev.peer;
    ev.extra.mut().connection.conn = "c" + std::to_string(n) + "." + std::to_string(conn);
    return step(ev);
  }
  std::vector<Action> ping_request(int n, uint64_t seq_number) {
    Event ev;
    ev.kind = EventKind::kRequest;
    ev.peer = peer_id(n);
    ev.method = ReqRespMethod::Ping;
    ev.body_uint = seq_number;
    return step(ev);
  }
  std::vector<Action> status_request(int n, const ChainStatus& status) {
    Event ev;
    ev.kind = EventKind::kRequest;
    ev.peer = peer_id(n);
    ev.method = ReqRespMethod::Status;
    ev.extra.mut().body_status = status;
    return step(ev);
  }
  std::vector<Action> respond(int64_t req, const ResponseValue& value) {
    Event ev;
    ev.kind = EventKind::kResponse;
    ev.req = req;
    ev.ok = value;
    return step(ev);
  }
  std::vector<Action> respond_error(int64_t req) {
    Event ev;
    ev.kind = EventKind::kResponse;
    ev.req = req;
    ev.is_error = true;
    ev.extra.mut().error = "timeout";
    return step(ev);
  }
  std::vector<Action> report(int n, PeerAction action) {
    Event ev;
    ev.kind = EventKind::kReportPeer;
    ev.peer = peer_id(n);
    ev.extra.mut().action = action;
    ev.extra.mut().action_name = "test";
    return step(ev);
  }
  std::vector<Action> timer(TimerKind kind, UnixMs t_ms, std::vector<double> rand = {}, int64_t req = 0) {
    Event ev;
    ev.kind = EventKind::kTimer;
    ev.timer = kind;
    ev.t_ms = t_ms;
    ev.req = req;
    if (!rand.empty()) ev.extra.mut().rand = rand;
    if (kind == TimerKind::kHeartbeat) {
      ev.extra.mut().active_attnets = std::vector<ActiveSubnet>{};
      ev.extra.mut().active_syncnets = std::vector<ActiveSubnet>{};
    }
    if (kind == TimerKind::kGossipScores) {
      std::vector<std::pair<PeerIdStr, double>> scores;
      for (const auto& [peer, data] : pm_.impl().connected_peers()) scores.emplace_back(peer, 0.0);
      ev.extra.mut().gossip_scores = scores;
    }
    return step(ev);
  }

  PeerManager& pm() { return pm_; }
  UnixMs now() const { return now_; }

 private:
  PeerManager pm_;
  uint64_t seq_ = 0;
  UnixMs now_ = kT0;
};

ResponseValue seq_value(uint64_t seq_number) {
  ResponseValue v;
  v.shape = ResponseValue::Shape::kSeqNumber;
  v.seq_number = seq_number;
  return v;
}
ResponseValue status_value(const ChainStatus& s) {
  ResponseValue v;
  v.shape = ResponseValue::Shape::kStatus;
  v.detail.mut().status = s;
  return v;
}
ResponseValue metadata_value(uint64_t seq_number, std::optional<uint64_t> cgc = std::nullopt) {
  ResponseValue v;
  v.shape = ResponseValue::Shape::kMetadata;
  v.detail.mut().metadata.seq_number = seq_number;
  v.detail.mut().metadata.attnets.set(5);
  v.detail.mut().metadata.syncnets = Syncnets{};
  v.detail.mut().metadata.custody_group_count = cgc;
  return v;
}
ResponseValue null_value() { return ResponseValue{}; }

std::vector<ActionKind> kinds(const std::vector<Action>& actions) {
  std::vector<ActionKind> out;
  for (const Action& a : actions) out.push_back(a.kind);
  return out;
}

// ---- Lodestar's client.test.ts ----

// event.h's layout: an Event is two cache lines, and all that step() reads
// of every event (its header, the extra's pointer) and a response of a ping
// (its shape and number) is in the first.
TEST_CASE("Event: two cache lines, what a response reads is in the first", "[event]") {
  static_assert(alignof(Event) == 64);
  static_assert(sizeof(Event) == 2 * 64);
  Event ev;
  const auto end_of = [&](const auto& member) {
    return static_cast<size_t>(reinterpret_cast<const char*>(&member) - reinterpret_cast<const char*>(&ev)) +
           sizeof(member);
  };
  for (size_t end : {end_of(ev.kind), end_of(ev.timer), end_of(ev.t_ms), end_of(ev.req), end_of(ev.is_error),
                     end_of(ev.peer), end_of(ev.extra), end_of(ev.ok.shape), end_of(ev.ok.seq_number)}) {
    CHECK(end <= 64);
  }
}

// An Event without extra reads as one with an empty extra, and a copy owns
// its own extra.
TEST_CASE("Event: extra reads as empty until written, copies are deep", "[event]") {
  Event a;
  CHECK_FALSE(a.extra.has_value());
  CHECK_FALSE(a.extra->rand.has_value());
  CHECK(a.extra->connection.conn.empty());
  a.extra.mut().connection.conn = "c1";
  a.ok.detail.mut().status.head_slot = 7;
  Event b = a;
  b.extra.mut().connection.conn = "c2";
  b.ok.detail.mut().status.head_slot = 8;
  CHECK(a.extra->connection.conn == "c1");
  CHECK(a.ok.detail->status.head_slot == 7);
  CHECK(b.extra->connection.conn == "c2");
  CHECK(b.ok.detail->status.head_slot == 8);
  CHECK(ResponseValue{} == ResponseValue{});  // unmade detail equals a made default one
  ResponseValue made;
  (void)made.detail.mut();
  CHECK(made == ResponseValue{});
  CHECK_FALSE(a.ok == b.ok);
}

TEST_CASE("clientFromAgentVersion (client.test.ts)", "[client]") {
  CHECK(get_known_client_from_agent_version("Lighthouse/v2.0.1-fff01b2/x86_64-linux") == ClientKind::kLighthouse);
  CHECK(get_known_client_from_agent_version("teku/teku/v21.11.0+62-g501ffa7/linux-x86_64/corretto-java-17") ==
        ClientKind::kTeku);
  CHECK(get_known_client_from_agent_version("nimbus") == ClientKind::kNimbus);
  CHECK(get_known_client_from_agent_version("Prysm/v2.0.2/a80b1c252a9b4773493b41999769bf3134ac373f") ==
        ClientKind::kPrysm);
  CHECK(get_known_client_from_agent_version("js-libp2p/0.32.4") == ClientKind::kLodestar);
  CHECK(get_known_client_from_agent_version("Grandine/0.4.1-537713d/arm-linux") == ClientKind::kGrandine);
  CHECK(get_known_client_from_agent_version("strange-client-agent-version") == std::nullopt);
  CHECK(std::string(client_kind_name(ClientKind::kUnknown)) == "Unknown");
  // String.prototype.toLowerCase maps KELVIN SIGN to 'k'.
  CHECK(get_known_client_from_agent_version("te\xE2\x84\xAAu/1") == ClientKind::kTeku);
}

// ---- Lodestar's peerManager.test.ts ----

TEST_CASE("Should request metadata on receivedPing of unknown peer", "[peer_manager]") {
  Harness h;
  h.init();
  REQUIRE(h.open(1, Direction::kInbound).empty());  // inbound: ping and status wait

  // We get a ping by peer1, don't have its metadata so it gets requested
  std::vector<Action> a = h.ping_request(1, 2);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == ActionKind::kSendMetadata);
  CHECK(a[0].peer == peer_id(1));

  // Simulate peer1 responding with its metadata
  std::vector<Action> b = h.respond(a[0].req, metadata_value(2));
  // onMetadata with no old metadata re-statuses the peer
  REQUIRE(kinds(b) == std::vector<ActionKind>{ActionKind::kSendStatus});

  // We get another ping by peer1, but with an already known seqNumber
  CHECK(h.ping_request(1, 2).empty());
  // A higher one is requested again
  CHECK(kinds(h.ping_request(1, 3)) == std::vector<ActionKind>{ActionKind::kSendMetadata});
}

TEST_CASE("Should emit peer connected event on relevant peer status", "[peer_manager]") {
  Harness h;
  h.init();
  h.open(1, Direction::kOutbound);
  // Send the local status as the remote status: always passes assertPeerRelevance
  std::vector<Action> a = h.status_request(1, make_status());
  bool connected = false;
  for (const Action& x : a) {
    if (x.kind == ActionKind::kPeerConnected) {
      connected = true;
      CHECK(x.peer == peer_id(1));
      CHECK(x.client == "Unknown");
      CHECK(x.status == make_status());
    }
  }
  CHECK(connected);
}

TEST_CASE("On peerConnect handshake flow", "[peer_manager]") {
  Harness h;
  h.init();
  // After the connection:open event the PeerManager must
  // 1. call reqResp.sendPing  2. call reqResp.sendStatus
  std::vector<Action> open = h.open(1, Direction::kOutbound);
  REQUIRE(kinds(open) == std::vector<ActionKind>{ActionKind::kSendPing, ActionKind::kSendStatus});
  CHECK(open[1].status == make_status());
  // 3. receive the ping result and call reqResp.sendMetadata
  std::vector<Action> ping = h.respond(open[0].req, seq_value(1));
  REQUIRE(kinds(ping) == std::vector<ActionKind>{ActionKind::kSendMetadata});
  // 4. receive the status result, assert peer relevance and emit peerConnected
  std::vector<Action> status = h.respond(open[1].req, status_value(make_status()));
  REQUIRE(kinds(status) ==
          std::vector<ActionKind>{ActionKind::kTagRelevant, ActionKind::kPeerConnected, ActionKind::kIdentify});
  std::vector<Action> metadata = h.respond(ping[0].req, metadata_value(1));
  CHECK(kinds(metadata) == std::vector<ActionKind>{ActionKind::kSendStatus});

  const PeerData* data = h.pm().impl().connected_peers().find(peer_id(1));
  REQUIRE(data != nullptr);
  REQUIRE(data->metadata.has_value());
  CHECK(data->metadata->seq_number == 1);
  CHECK(data->metadata->attnets.test(5));
  CHECK(data->relevant_status == RelevantPeerStatus::kRelevant);

  ResponseValue identify;
  identify.shape = ResponseValue::Shape::kIdentify;
  identify.detail.mut().agent_version = "Lighthouse/v7.0.0";
  CHECK(h.respond(status[2].req, identify).empty());
  CHECK(h.pm().impl().connected_peers().find(peer_id(1))->agent_client == ClientKind::kLighthouse);
}

// ---- engine behaviour read from peerManager.ts ----

TEST_CASE("request ids count 1, 2, 3 over the run in call order", "[peer_manager]") {
  Harness h;
  h.init();
  std::vector<Action> a = h.open(1, Direction::kOutbound);
  std::vector<Action> b = h.open(2, Direction::kOutbound);
  CHECK(a[0].req == 1);
  CHECK(a[1].req == 2);
  CHECK(b[0].req == 3);
  CHECK(b[1].req == 4);
  CHECK(h.pm().pending_request_count() == 4);
}

TEST_CASE("startup ping/status fires at init time and re-pings an unanswered outbound peer", "[peer_manager]") {
  Harness h;
  h.init();
  h.open(1, Direction::kOutbound);
  // lastReceivedMsg = 0 and lastStatus = 0 for an outbound peer: the startup
  // check pings and statuses it again.
  std::vector<Action> a = h.timer(TimerKind::kStartupPingStatus, kT0);
  CHECK(kinds(a) == std::vector<ActionKind>{ActionKind::kSendPing, ActionKind::kSendStatus});
  // It fires once.
  std::vector<Action> out;
  Event ev;
  ev.kind = EventKind::kTimer;
  ev.timer = TimerKind::kStartupPingStatus;
  CHECK_FALSE(h.step_status(ev, &out).is_ok());
}

TEST_CASE("inbound peer is statused after the 15 s grace period", "[peer_manager]") {
  Harness h;
  h.init();
  h.open(1, Direction::kInbound);
  CHECK(h.timer(TimerKind::kStartupPingStatus, kT0).empty());
  CHECK(h.timer(TimerKind::kPingStatus, kT0 + 10000).empty());
  // At +20 s: ping (now > lastReceived + 15 s) and status (now > lastStatus + 300 s).
  CHECK(kinds(h.timer(TimerKind::kPingStatus, kT0 + 20000)) ==
        std::vector<ActionKind>{ActionKind::kSendPing, ActionKind::kSendStatus});
}

TEST_CASE("timers: a timer that is not due is refused, overdue ones are reported", "[peer_manager]") {
  Harness h;
  h.init();
  std::vector<Action> out;
  Event ev;
  ev.kind = EventKind::kTimer;
  ev.timer = TimerKind::kHeartbeat;
  ev.t_ms = kT0 + 29999;
  ev.extra.mut().active_attnets = std::vector<ActiveSubnet>{};
  ev.extra.mut().active_syncnets = std::vector<ActiveSubnet>{};
  CHECK_FALSE(h.step_status(ev, &out).is_ok());
  Harness h2;
  h2.init();
  auto overdue = h2.pm().overdue_timer(kT0 + 10001);
  REQUIRE(overdue.has_value());
  CHECK(overdue->kind == TimerKind::kStartupPingStatus);
  CHECK(!h2.pm().overdue_timer(kT0).has_value());
}

TEST_CASE("goodbye: response, then hangUp, then cool-down, and the timeout path", "[peer_manager]") {
  Harness h;
  h.init();
  std::vector<Action> open = h.open(1, Direction::kOutbound);
  // An irrelevant status (another fork) gets goodbye IRRELEVANT_NETWORK.
  ChainStatus other = make_status();
  other.fork_digest = {1, 1, 1, 1};
  std::vector<Action> a = h.respond(open[1].req, status_value(other));
  REQUIRE(kinds(a) == std::vector<ActionKind>{ActionKind::kSendGoodbye});
  CHECK(a[0].reason == 2);
  // The goodbye timeout is armed at +1000 ms.
  bool armed = false;
  for (const TimerDue& t : h.pm().timers()) {
    if (t.kind == TimerKind::kGoodbyeTimeout && t.req == a[0].req) armed = t.due_ms == h.now() + 1000;
  }
  CHECK(armed);
  std::vector<Action> b = h.respond(a[0].req, null_value());
  REQUIRE(kinds(b) == std::vector<ActionKind>{ActionKind::kDisconnect});
  for (const TimerDue& t : h.pm().timers()) CHECK(t.kind != TimerKind::kGoodbyeTimeout);  // cleared
  h.close(1);
  CHECK(h.respond(b[0].req, null_value()).empty());
  // IRRELEVANT_NETWORK: 240 min cool-down.
  const PeerScoreStats stats = h.pm().dump_peer_score_stats();
  REQUIRE(stats.size() == 1);
  CHECK(stats[0].stat.last_update_ms == h.now() + 240 * 60000);

  // Timeout path: the goodbye is never answered.
  Harness t;
  t.init();
  std::vector<Action> o = t.open(2, Direction::kOutbound);
  std::vector<Action> g = t.respond(o[1].req, status_value(other));
  REQUIRE(g.size() == 1);
  std::vector<Action> d = t.timer(TimerKind::kGoodbyeTimeout, t.now() + 1000, {}, g[0].req);
  REQUIRE(kinds(d) == std::vector<ActionKind>{ActionKind::kDisconnect});
  // A late answer to the raced-out goodbye is accepted and does nothing.
  CHECK(t.respond(g[0].req, null_value()).empty());
}

TEST_CASE("inbound disconnect applies the 5 min cool-down, then emits peer_disconnected and untags", "[peer_manager]") {
  Harness h;
  h.init();
  h.open(1, Direction::kInbound);
  std::vector<Action> a = h.close(1);
  CHECK(kinds(a) == std::vector<ActionKind>{ActionKind::kPeerDisconnected, ActionKind::kUntagRelevant});
  CHECK(h.pm().impl().connected_peers().size() == 0);
  const PeerScoreStats stats = h.pm().dump_peer_score_stats();
  REQUIRE(stats.size() == 1);
  CHECK(stats[0].stat.last_update_ms == h.now() + 5 * 60000);
}

TEST_CASE("a second connection keeps the peer, closing one of two is ignored", "[peer_manager]") {
  Harness h;
  h.init();
  h.open(1, Direction::kInbound, 0);
  h.open(1, Direction::kInbound, 1);
  CHECK(h.pm().impl().connected_peers().size() == 1);
  CHECK(h.close(1, 0).empty());
  CHECK(h.pm().impl().connected_peers().size() == 1);
  CHECK(kinds(h.close(1, 1)) == std::vector<ActionKind>{ActionKind::kPeerDisconnected, ActionKind::kUntagRelevant});
}

TEST_CASE("reportPeer Fatal bans, heartbeat sends goodbye BANNED", "[peer_manager]") {
  Harness h;
  h.init();
  h.open(1, Direction::kInbound);
  h.report(1, PeerAction::Fatal);
  std::vector<Action> a = h.timer(TimerKind::kHeartbeat, kT0 + 30000);
  REQUIRE(!a.empty());
  CHECK(a[0].kind == ActionKind::kSendGoodbye);
  CHECK(a[0].reason == 251);
  CHECK(a.back().kind == ActionKind::kDiscoverPeers);
}

TEST_CASE("events the engine cannot accept are errors, not crashes", "[peer_manager]") {
  Harness h;
  std::vector<Action> out;
  Event early;
  early.kind = EventKind::kReportPeer;
  early.peer = peer_id(1);
  early.extra.mut().action = PeerAction::Fatal;
  CHECK_FALSE(h.step_status(early, &out).is_ok());  // before init
  h.init();
  Event unknown_req;
  unknown_req.kind = EventKind::kResponse;
  unknown_req.req = 99;
  CHECK_FALSE(h.step_status(unknown_req, &out).is_ok());
  std::vector<Action> open = h.open(1, Direction::kOutbound);
  Event wrong_shape;
  wrong_shape.kind = EventKind::kResponse;
  wrong_shape.req = open[0].req;  // a ping answered with a Status
  wrong_shape.ok = status_value(make_status());
  CHECK_FALSE(h.step_status(wrong_shape, &out).is_ok());

  Harness h2;
  h2.init();
  Event leftover;
  leftover.kind = EventKind::kReportPeer;
  leftover.peer = peer_id(1);
  leftover.extra.mut().action = PeerAction::LowToleranceError;
  leftover.extra.mut().rand = std::vector<double>{0.5};
  CHECK_FALSE(h2.step_status(leftover, &out).is_ok());  // a draw left over
  Event bad_close;
  bad_close.kind = EventKind::kConnectionClose;
  bad_close.peer = peer_id(7);
  bad_close.extra.mut().connection.conn = "nope";
  CHECK_FALSE(h2.step_status(bad_close, &out).is_ok());
  Event bad_gossip;
  bad_gossip.kind = EventKind::kTimer;
  bad_gossip.timer = TimerKind::kGossipScores;
  bad_gossip.t_ms = kT0 + 12000;
  h2.open(3, Direction::kInbound);
  bad_gossip.extra.mut().gossip_scores = std::vector<std::pair<PeerIdStr, double>>{{peer_id(4), 0.0}};
  CHECK_FALSE(h2.step_status(bad_gossip, &out).is_ok());  // peer id mismatch
}

TEST_CASE("state digest is a function of the state", "[peer_manager]") {
  Harness a;
  Harness b;
  a.init();
  b.init();
  CHECK(a.pm().state_digest() == b.pm().state_digest());
  a.open(1, Direction::kOutbound);
  CHECK(a.pm().state_digest() != b.pm().state_digest());
  b.open(1, Direction::kOutbound);
  CHECK(a.pm().state_digest() == b.pm().state_digest());
}

// ---- invariants over a pseudo-random run ----

TEST_CASE("invariants: known peers, scores in -100..100, no status to a disconnected banned peer", "[peer_manager][invariants]") {
  uint64_t x = 0x9e3779b97f4a7c15ull;
  auto next = [&x]() {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  Harness h;
  h.init();
  std::set<PeerIdStr> known;
  std::map<int, int> conns;  // peer -> open connection count
  std::set<int> banned_gone;  // banned peers that were disconnected and are cooling down
  UnixMs t = kT0;
  int64_t oldest = 1;   // the oldest request that may still be pending
  int64_t max_req = 0;  // the highest request id any action carried
  const PeerAction reports[] = {PeerAction::Fatal, PeerAction::LowToleranceError, PeerAction::MidToleranceError,
                                PeerAction::HighToleranceError};
  for (int i = 0; i < 3000; i++) {
    std::vector<Action> actions;
    // Fire every due timer first (in due order), as the recorder would.
    const UnixMs step_ms = static_cast<UnixMs>(next() % 4000);
    const UnixMs target = t + step_ms;
    while (true) {
      auto due = h.pm().overdue_timer(target + 1);
      if (!due.has_value()) break;
      Event ev = testing::make_timer_event(*due);
      if (due->kind == TimerKind::kHeartbeat) {
        // At most 4 connected peers (= targetPeers): prioritizePeers never
        // prunes, so it draws no Math.random().
        ev.extra.mut().active_attnets = std::vector<ActiveSubnet>{};
        ev.extra.mut().active_syncnets = std::vector<ActiveSubnet>{};
      }
      if (due->kind == TimerKind::kGossipScores) {
        std::vector<std::pair<PeerIdStr, double>> scores;
        for (const auto& [peer, data] : h.pm().impl().connected_peers()) scores.emplace_back(peer, -1.0);
        ev.extra.mut().gossip_scores = scores;
      }
      actions.clear();
      auto s = h.step_status(ev, &actions);
      INFO(s.message());
      REQUIRE(s.is_ok());
      for (const Action& a : actions) {
        max_req = std::max(max_req, a.req);
        if (a.kind != ActionKind::kDiscoverPeers) CHECK(known.count(a.peer) == 1);
        if (a.kind == ActionKind::kSendStatus) {
          int n = std::stoi(a.peer.str().substr(std::string("16Uiu2HAmPeer").size()));
          CHECK(banned_gone.count(n) == 0);
        }
      }
    }
    t = target;
    // One input.
    const int peer = static_cast<int>(next() % 8) + 1;
    const uint64_t what = next() % 10;
    Event ev;
    ev.t_ms = t;
    if (what < 3 && conns[peer] == 0 && banned_gone.count(peer) == 0 && h.pm().get_connected_peer_ids().size() < 4) {
      ev.kind = EventKind::kConnectionOpen;
      ev.peer = peer_id(peer);
      ev.extra.mut().connection.peer = ev.peer;
      ev.extra.mut().connection.conn = "c" + std::to_string(peer) + "." + std::to_string(i);
      ev.extra.mut().connection.direction = next() % 2 ? Direction::kInbound : Direction::kOutbound;
      ev.extra.mut().connection.node_id = node_id(peer);
      known.insert(ev.peer);
    } else if (what < 5 && conns[peer] > 0) {
      ev.kind = EventKind::kReportPeer;
      ev.peer = peer_id(peer);
      ev.extra.mut().action = reports[next() % 4];
      ev.extra.mut().action_name = "fuzz";
    } else if (what < 6 && conns[peer] > 0) {
      ev.kind = EventKind::kConnectionClose;
      ev.peer = peer_id(peer);
      ev.extra.mut().connection.peer = ev.peer;
      // Close the most recent connection of this peer.
      const Connection* c = h.pm().get_connection(ev.peer);
      REQUIRE(c != nullptr);
      ev.extra.mut().connection.conn = c->conn;
    } else if (what < 9) {
      // Answer the oldest pending request, with an error or a plausible value.
      // Requests below `oldest` are all settled (answered oldest first).
      while (oldest <= max_req && !h.pm().pending_request_kind(oldest).has_value()) oldest++;
      if (oldest > max_req) continue;
      const int64_t req = oldest;
      ev.kind = EventKind::kResponse;
      ev.req = req;
      switch (*h.pm().pending_request_kind(req)) {
        case ActionKind::kSendPing: ev.ok = seq_value(next() % 3); break;
        case ActionKind::kSendStatus: ev.ok = status_value(make_status(1000 + static_cast<Slot>(next() % 3))); break;
        case ActionKind::kSendMetadata: ev.ok = metadata_value(next() % 3, 4 + next() % 5); break;
        case ActionKind::kIdentify:
          ev.ok.shape = ResponseValue::Shape::kIdentify;
          ev.ok.detail.mut().agent_version = "Lodestar/v1";
          break;
        default: ev.ok = null_value(); break;
      }
      if (next() % 5 == 0) ev.is_error = true;
    } else {
      continue;
    }
    actions.clear();
    auto s = h.step_status(ev, &actions);
    INFO(s.message());
    REQUIRE(s.is_ok());
    if (ev.kind == EventKind::kConnectionOpen) {
      conns[peer]++;
      banned_gone.erase(peer);
    }
    if (ev.kind == EventKind::kConnectionClose) {
      conns[peer]--;
      if (conns[peer] == 0 && h.pm().impl().peer_rpc_scores().get_score_state(peer_id(peer)) == ScoreState::Banned) {
        banned_gone.insert(peer);
      }
    }
    for (const Action& a : actions) {
      max_req = std::max(max_req, a.req);
      if (a.kind != ActionKind::kDiscoverPeers) CHECK(known.count(a.peer) == 1);
      if (a.kind == ActionKind::kSendStatus) {
        const int n = std::stoi(a.peer.str().substr(std::string("16Uiu2HAmPeer").size()));
        CHECK(banned_gone.count(n) == 0);
      }
    }
    for (const PeerScoreStatEntry& e : h.pm().dump_peer_score_stats()) {
      CHECK(e.stat.lodestar_score >= -100);
      CHECK(e.stat.lodestar_score <= 100);
      CHECK(std::isfinite(e.stat.score));
    }
    CHECK(h.pm().pending_request_count() <= kMaxPendingRequests);
  }
}

}  // namespace
}  // namespace peers
