// Inputs placed exactly on the boundaries of Lodestar's comparisons: scores on the -20/-50/-60
// thresholds and at |1|, gossip scores at the -1000 ignore threshold, a decay of zero ms, a decay
// whose last bit depends on the last bit of HALFLIFE_DECAY_MS, ping/status checks one ms past
// their interval, Math.round(0.5) for the outbound target, a requested subnet at exactly
// targetSubnetPeers, the starvation prune ratio. Timer instants are counted from init: the
// PeerManager's intervals (ping/status 10 s, heartbeat 30 s, gossip scores) start there, and
// timers due at the instant of a scripted event fire before it.
import {fill} from "./util.mjs";

/** Lets time pass until `t` with the peers alive (answers 10 ms after each request). */
async function until(s, t) {
  await s.run(t - s.now(), {latency: 10});
}

export default [
  {
    name: "score-thresholds-exact",
    seed: 81,
    note:
      "scores exactly on the boundaries: a MidToleranceError decayed 25959 ms (the decay whose last bit the last bit of HALFLIFE_DECAY_MS changes: the fuzzer's regression halflife-decay-one-ulp), " +
      "-40 decayed 10 s then -10 (-49.43: Disconnected, not Banned), lodestar -59.30 with gossip +8000 (score -49.80: gossip still counts), lodestar exactly -60 with gossip +8000 (gossip ignored), " +
      "score exactly -20 and lodestar exactly -1 frozen by a reconnection cool-down at a heartbeat (goodbye 250; entry kept), gossip -1000 (never ignored) and -999.5 (ignored, 2 to ignore), " +
      "a cool-down expiring at a heartbeat instant after a gossip change (no decay of 0 ms, score not recomputed)",
    config: {targetPeers: 20, maxPeers: 24, discovery: false, gossipDecayIntervalMs: 30_000},
    async run(s) {
      await s.init();
      const t0 = s.now();
      const heartbeat = (k) => t0 + 30_000 * k; // the gossip score update fires right after it
      const [gpos, g60, ign1000, ign999] = ["gpos", "g60", "ign1000", "ign999"].map((n) => s.peer(n));
      const [z, one, f20] = ["zero-decay", "one", "f20"].map((n) => s.peer(n));
      for (const h of [gpos, g60, ign1000, ign999]) await s.dialed(h, {latency: 10});
      for (const h of [z, one, f20]) await s.accepted(h, {latency: 10});
      s.setGossipScore(gpos, 8000);
      s.setGossipScore(g60, 8000);
      s.setGossipScore(ign1000, -1000);
      s.setGossipScore(ign999, -999.5);
      s.setGossipScore(z, -3000);
      // the one-ULP decay: reported 25959 ms before the first heartbeat
      await until(s, heartbeat(1) - 25_959);
      await s.reportPeer(s.peer("halflife"), "MidToleranceError", "x");
      await until(s, t0 + 5_000);
      for (const h of [ign1000, ign999, z]) await s.reportPeer(h, "MidToleranceError", "x");
      // -1 frozen: the inbound close's cool-down puts lastUpdate 5 min ahead, so no decay
      await s.reportPeer(one, "HighToleranceError", "x");
      await s.close(one);
      // -20 frozen the same way, while connected again
      await s.close(f20);
      await s.accepted(f20, {latency: 10});
      for (let i = 0; i < 2; i++) await s.reportPeer(f20, "LowToleranceError", "x");
      // -40 created 10 s before the heartbeat, -10 after it: -49.43
      await until(s, heartbeat(1) - 10_000);
      for (let i = 0; i < 4; i++) await s.reportPeer(s.peer("edge49"), "LowToleranceError", "x");
      await until(s, heartbeat(1) + 500);
      await s.reportPeer(s.peer("edge49"), "LowToleranceError", "x");
      // gossip +8000 (+9.5) is in both entries since heartbeat 1: lodestar exactly -60
      await until(s, t0 + 40_000);
      for (let i = 0; i < 6; i++) await s.reportPeer(g60, "LowToleranceError", "x");
      // lodestar -50 decayed 30 s (since heartbeat 1 created the entry), then -11: -59.30
      await until(s, heartbeat(2) - 10_000);
      for (let i = 0; i < 5; i++) await s.reportPeer(gpos, "LowToleranceError", "x");
      await until(s, heartbeat(2) + 1_000);
      await s.reportPeer(gpos, "LowToleranceError", "x");
      await s.reportPeer(gpos, "HighToleranceError", "x");
      // a new gossip score lands right after heartbeat 3's recompute; the close at that instant
      // freezes the entry until heartbeat 13 (lastUpdate = now + 5 min): a decay of 0 ms there
      s.setGossipScore(z, -6000);
      await until(s, heartbeat(3));
      await s.close(z);
      await until(s, heartbeat(13) + 1_000);
    },
  },
  {
    name: "ping-status-interval-edges",
    seed: 82,
    note: "an inbound peer whose last message (its status request) is 15001 ms before a ping check, an outbound peer whose status answer arrives 300001 ms before a check: pinged and re-statused at that check (now > last + interval)",
    config: {targetPeers: 4, maxPeers: 6, discovery: false},
    async run(s) {
      await s.init();
      const t0 = s.now();
      const check = (k) => t0 + 10_000 * k;
      const a = s.peer("ping-edge");
      const b = s.peer("status-edge");
      await s.advanceTo(check(3) - 15_001);
      await s.connect(a, "inbound");
      await s.request(a, "status", a.profile.status);
      await s.settle();
      // dialed right after check 3: its status is answered 1 ms before check 4
      b.profile.hold.add("send_status");
      await s.advanceTo(check(3));
      await s.connect(b, "outbound");
      await s.settle();
      await s.advanceTo(check(4) - 1);
      b.profile.hold.delete("send_status");
      const [status] = s.pendingList({kind: "send_status", peer: b});
      await s.respond(status.req, b.profile.status);
      await until(s, check(35));
    },
  },
  {
    name: "prune-outbound-round-half",
    seed: 83,
    note: "5 healthy peers, target 4, one outbound: round(0.1*5) = 1 outbound peer kept out of pruning although its score is the lowest (a floor would prune it)",
    config: {targetPeers: 4, maxPeers: 8, discovery: false},
    async run(s) {
      await s.init();
      const hs = await fill(s, 5, (i) => ({dir: i === 0 ? "outbound" : "inbound"}));
      await s.reportPeer(hs[0], "MidToleranceError", "x");
      await s.run(35_000, {latency: 10});
    },
  },
  {
    name: "prune-min-attnet-boundary",
    seed: 84,
    note: "8 peers on attnet 3 (> 6), target 6: 6 of them also on requested subnet 11 (exactly targetSubnetPeers: kept), 2 on requested 12; too_grouped finds nobody, find_better_peers prunes",
    config: {targetPeers: 6, maxPeers: 10, discovery: false},
    async run(s) {
      await s.init();
      s.setActiveAttnets([{subnet: 11, toSlot: 1300}, {subnet: 12, toSlot: 1300}]);
      await fill(s, 8, (i) => ({attnets: [3, i < 6 ? 11 : 12]}));
      await s.run(35_000, {latency: 10});
    },
  },
  {
    name: "starvation-prune-ratio",
    seed: 85,
    note: "starved (local head stuck > 64 slots) with 21 peers, target 20: the prune target is 21 - 20 + 20*0.05 = 2",
    config: {targetPeers: 20, maxPeers: 24, discovery: false},
    async run(s) {
      await s.init();
      await s.wait(13 * 60_000 + 10_000);
      await fill(s, 21, () => ({dir: "inbound"}), {gap: 0});
      await s.run(35_000, {latency: 10});
    },
  },
];
