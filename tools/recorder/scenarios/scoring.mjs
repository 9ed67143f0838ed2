// The RPC score store: PeerActions, bans and cool-downs, decay, gossip blending, MAX_ENTRIES, goodbyes.
export default [
  {
    name: "report-peer-actions",
    seed: 31,
    note: "each PeerAction on connected peers: Fatal twice (clamped at -100, banned: goodbye 251), LowTolerance x3 (-30: goodbye 250), MidTolerance, HighTolerance; reports on an unknown peer",
    config: {targetPeers: 8, maxPeers: 10},
    async run(s) {
      await s.init();
      const [f, l, m, h] = ["fatal", "low", "mid", "high"].map((n) => s.peer(n));
      for (const x of [f, l, m, h]) await s.dialed(x, {latency: 20});
      await s.wait(1_234);
      await s.reportPeer(f, "Fatal", "invalid_block");
      await s.reportPeer(f, "Fatal", "invalid_block");
      for (let i = 0; i < 3; i++) await s.reportPeer(l, "LowToleranceError", "rate_limit");
      await s.reportPeer(m, "MidToleranceError", "bad_response");
      await s.reportPeer(m, "MidToleranceError", "bad_response");
      for (let i = 0; i < 5; i++) await s.reportPeer(h, "HighToleranceError", "timeout");
      await s.reportPeer(s.peer("stranger"), "LowToleranceError", "gossip_invalid");
      await s.run(35_000, {latency: 20});
      await s.run(60_000, {latency: 20});
    },
  },
  {
    name: "ban-and-cooldown-expiry",
    seed: 32,
    note: "a banned peer: goodbye 251, decay frozen 30 min, reconnects while banned (goodbye again), then decays to Disconnected and Healthy; a Disconnected peer at -25 recovers (1.5 h)",
    config: {targetPeers: 4, maxPeers: 6, discovery: false},
    async run(s) {
      await s.init();
      const b = s.peer("banned");
      const d = s.peer("disc");
      await s.dialed(b);
      await s.dialed(d);
      await s.wait(5_000);
      await s.reportPeer(b, "Fatal", "invalid_block");
      for (let i = 0; i < 5; i++) await s.reportPeer(d, "MidToleranceError", "bad_response");
      await s.run(31_000);
      await s.run(5 * 60_000);
      await s.dialed(b);
      await s.dialed(d);
      await s.run(40 * 60_000);
      await s.dialed(b);
      await s.run(50 * 60_000);
      await s.dialed(b);
      await s.run(2 * 60_000);
    },
  },
  {
    name: "decay-over-hours",
    seed: 33,
    note: "scores of peers that left decay at every heartbeat for 6 hours (half-life 10 min) and are deleted under |1|; fatal peer frozen 30 min first",
    config: {targetPeers: 4, maxPeers: 6, gossipDecayIntervalMs: 600_000},
    async run(s) {
      await s.init();
      const peers = ["p1", "p2", "p3", "p4", "p5"].map((n) => s.peer(n));
      await s.wait(7_000);
      await s.reportPeer(peers[0], "Fatal", "x");
      await s.reportPeer(peers[1], "LowToleranceError", "x");
      await s.wait(3_333);
      for (let i = 0; i < 4; i++) await s.reportPeer(peers[2], "LowToleranceError", "x");
      await s.reportPeer(peers[3], "HighToleranceError", "x");
      await s.reportPeer(peers[3], "HighToleranceError", "x");
      await s.reportPeer(peers[4], "MidToleranceError", "x");
      await s.wait(6 * 3600_000);
    },
  },
  {
    name: "gossip-blending",
    seed: 34,
    note: "gossip scores blend into the score at the next add/update: positive, negative ignored for the best ceil(target*0.1) negative peers, below -1000 never ignored, ignored entirely at lodestar <= -60; heavy negatives disconnect (250) and ban (251) once a report keeps the entry alive; a banned peer's gossip score is frozen; gossip-only entries die at the heartbeat (|lodestar| < 1)",
    config: {targetPeers: 10, maxPeers: 12},
    async run(s) {
      await s.init();
      const names = ["pos", "neg1", "neg2", "neg3", "deep", "disc", "ban", "zero", "fatal"];
      const hs = names.map((n) => s.peer(n));
      for (const h of hs) await s.dialed(h, {latency: 10});
      const g = {pos: 150.5, neg1: -3.25, neg2: -40, neg3: -800, deep: -1500, disc: -19000, ban: -45000, zero: 0, fatal: 900};
      hs.forEach((h, i) => s.setGossipScore(h, g[names[i]]));
      await s.run(12_500);
      for (const i of [0, 1, 2, 4, 5, 6]) await s.reportPeer(hs[i], "LowToleranceError", "gossip_penalty");
      await s.reportPeer(hs[8], "Fatal", "invalid_signature");
      await s.reportPeer(hs[3], "HighToleranceError", "x");
      s.setGossipScore(hs[6], 10); // frozen while banned
      s.setGossipScore(hs[1], -2);
      await s.run(20_000);
      await s.run(70_000);
    },
  },
  {
    name: "gossip-non-finite",
    seed: 86,
    note: "gossip scores JSON cannot carry (FORMAT.md §4: spelled \"NaN\", \"+Inf\", \"-Inf\"): a NaN makes updateGossipsubScores' comparator inconsistent (V8's sort, NaN counting as 0) and the peer's score NaN (healthy, then sorted by sortPeersToPrune's comparator); -Infinity bans; +Infinity ties with +Infinity; the metrics scrape stops at the first such score (prom-client throws); 24 peers (V8's binary insertion sort), then 74 (its runs merge), reported so that scores are NaN or distinct, pruned to 20; then every score finite again",
    config: {targetPeers: 20, maxPeers: 100},
    async run(s) {
      await s.init();
      const values = [NaN, 5, -3, NaN, Infinity, -Infinity, 0, -0, -7, NaN, Infinity, 12.5, -2, NaN, -900, -1500, 1, NaN, -Infinity, 3, -4, NaN, 0.5, -1];
      const hs = [];
      const join = async (i) => {
        const h = s.peer(`g${i}`);
        hs.push(h);
        if (i % 3 === 0) await s.accepted(h, {latency: 10});
        else await s.dialed(h, {latency: 10});
        s.setGossipScore(h, values[i % values.length] * (i < values.length ? 1 : 1 + i / 1000));
      };
      for (let i = 0; i < 24; i++) await join(i);
      await s.run(12_500);
      await s.reportPeer(hs[0], "LowToleranceError", "x");
      await s.reportPeer(hs[5], "MidToleranceError", "x");
      await s.run(20_000);
      for (let i = 24; i < 74; i++) await join(i);
      await s.run(12_500);
      // a report recomputes the score: NaN where the gossip score is NaN, distinct finite scores
      // elsewhere, so the prune's comparator meets NaN among peers that differ only in score
      for (const h of hs.slice(24)) await s.reportPeer(h, "LowToleranceError", "x");
      await s.run(40_000);
      hs.forEach((h, i) => s.setGossipScore(h, (i % 7) - 3));
      await s.run(45_000);
    },
  },
  {
    name: "max-entries-pruning",
    seed: 35,
    note: "1030 score entries (LowToleranceError on peers never connected): the heartbeat's update() prunes the oldest-inserted down to MAX_ENTRIES=1000, then decays",
    config: {targetPeers: 4, maxPeers: 6, discovery: false, gossipDecayIntervalMs: 3_600_000},
    async run(s) {
      await s.init();
      for (let i = 0; i < 1030; i++) {
        await s.reportPeer(s.peer(`r${i}`), i % 7 === 0 ? "MidToleranceError" : "LowToleranceError", "spam");
        if (i % 50 === 49) await s.wait(1_000);
      }
      await s.wait(70_000);
    },
  },
  {
    name: "disable-peer-scoring",
    seed: 36,
    note: "disablePeerScoring: MaxScore for every entry (score 100, lastUpdate = now at every dump), reports and bans do nothing",
    config: {targetPeers: 4, maxPeers: 6, disablePeerScoring: true},
    async run(s) {
      await s.init();
      const [a, b] = ["a", "b"].map((n) => s.peer(n));
      await s.dialed(a);
      await s.accepted(b);
      s.setGossipScore(a, -5000);
      await s.reportPeer(a, "Fatal", "x");
      await s.run(40_000);
      await s.request(b, "goodbye", "1");
      await s.settle();
      await s.run(31_000);
    },
  },
  {
    name: "goodbye-received-codes",
    seed: 37,
    note: "peers send goodbye with every known code (0,1,2,3,128,129,250,251) and an unknown one (99); inbound ones get the 5-min inbound cool-down on close",
    config: {targetPeers: 12, maxPeers: 14},
    async run(s) {
      await s.init();
      const codes = ["0", "1", "2", "3", "128", "129", "250", "251", "99"];
      const hs = codes.map((c) => s.peer(`bye-${c}`));
      for (let i = 0; i < hs.length; i++) {
        if (i % 2) await s.accepted(hs[i], {latency: 5});
        else await s.dialed(hs[i], {latency: 5});
      }
      await s.wait(3_000);
      for (let i = 0; i < hs.length; i++) {
        await s.request(hs[i], "goodbye", codes[i]);
        await s.wait(100);
      }
      await s.settle({latency: 30});
      await s.run(31_000);
    },
  },
  {
    name: "goodbye-timeout",
    seed: 38,
    note: "goodbyes nobody answers: withTimeout fires after 1 s (two at the same instant, from one heartbeat), hangUp follows; a late goodbye answer after the timeout changes nothing",
    config: {targetPeers: 2, maxPeers: 4},
    async run(s) {
      await s.init();
      const hs = ["a", "b", "c", "d", "e"].map((n) => s.peer(n));
      for (const h of hs) await s.dialed(h, {latency: 5});
      for (const h of hs) h.profile.hold.add("send_goodbye");
      await s.run(40_000);
      const late = s.pendingList({kind: "send_goodbye"});
      for (const p of late) await s.respond(p.req, null);
      await s.run(31_000);
    },
  },
  {
    name: "close-unknown-connection",
    seed: 39,
    note: "connection:close for a peer never tracked: inbound direction still applies the 5-min cool-down (creates a score entry), emits peer_disconnected and untags",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      await s.init();
      await s.wait(1_500);
      await s.closeUnknown(s.peer("ghost-in"), "inbound");
      await s.closeUnknown(s.peer("ghost-out"), "outbound");
      await s.run(31_000);
    },
  },
  {
    name: "inbound-cooldown-overwrite",
    seed: 40,
    note: "we goodbye an inbound peer (irrelevant): hangUp's connection:close applies the 5-min inbound cool-down, then goodbyeAndDisconnect's finally overwrites it with 240 min",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      await s.init();
      const a = s.peer("a");
      a.profile.status = {...a.profile.status, headSlot: s.currentSlot() + 5};
      await s.accepted(a, {latency: 40});
      await s.run(31_000);
    },
  },
  {
    name: "escalating-reports",
    seed: 39,
    note: "a peer reported step by step: three LowTolerance (-30, Disconnected), then two more (-50, Disconnected -> Banned) before the heartbeat; a second peer crosses -20 then -50 with MidTolerance; goodbye 251 for both",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      await s.init();
      const a = s.peer("escalate-a");
      const b = s.peer("escalate-b");
      await s.dialed(a, {latency: 20});
      await s.dialed(b, {latency: 20});
      await s.wait(2_345);
      for (let i = 0; i < 3; i++) await s.reportPeer(a, "LowToleranceError", "rate_limit");
      await s.wait(1_111);
      for (let i = 0; i < 2; i++) await s.reportPeer(a, "LowToleranceError", "rate_limit");
      for (let i = 0; i < 5; i++) await s.reportPeer(b, "MidToleranceError", "bad_response");
      await s.wait(777);
      for (let i = 0; i < 5; i++) await s.reportPeer(b, "MidToleranceError", "bad_response");
      await s.run(35_000, {latency: 20});
    },
  },
];
