// Public methods, defaults, timer ties, metrics, a full node.
import {fill} from "./util.mjs";

export default [
  {
    name: "restatus-peers",
    seed: 61,
    note: "reStatusPeers: connected peers are statused at once (lastStatus reset), unknown ids are skipped, a peer listed twice is statused once",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      await s.init();
      const hs = await fill(s, 3, (i) => ({dir: i ? "inbound" : "outbound", attnets: [i]}));
      await s.run(5_000);
      await s.restatus([hs[0], hs[2], s.peer("unknown"), hs[0]]);
      await s.settle({latency: 30});
      await s.restatus([]);
      await s.run(31_000);
    },
  },
  {
    name: "goodbye-all",
    seed: 62,
    note: "goodbyeAndDisconnectAllPeers (shutdown): goodbye CLIENT_SHUTDOWN to every open peer, answered, rejected or timed out; 60-min cool-downs",
    config: {targetPeers: 6, maxPeers: 8},
    async run(s) {
      await s.init();
      const hs = await fill(s, 5, (i) => ({dir: i % 2 ? "inbound" : "outbound"}));
      await s.run(3_000);
      hs[1].profile.hold.add("send_goodbye");
      hs[2].profile.hold.add("send_goodbye");
      await s.goodbyeAll();
      const [g2] = s.pendingList({kind: "send_goodbye", peer: hs[2]});
      await s.fail(g2.req, "ERR_STREAM_RESET");
      await s.settle({latency: 50});
      await s.run(2_000);
      await s.settle({latency: 50});
      await s.run(31_000);
    },
  },
  {
    name: "timers-same-instant",
    seed: 63,
    note: "gossip decay interval 10 s: the gossip-score, ping/status and heartbeat timers fall due together; scripted events land on those instants; goodbye timeouts coincide with a heartbeat",
    config: {targetPeers: 2, maxPeers: 4, gossipDecayIntervalMs: 10_000},
    async run(s) {
      await s.init();
      const hs = await fill(s, 4, (i) => ({dir: i % 2 ? "inbound" : "outbound"}), {gap: 0});
      for (const h of hs) h.profile.hold.add("send_goodbye");
      const t0 = s.now();
      // land exactly on the next 30 s heartbeat instant (timers due at that instant fire first)
      await s.advanceTo(s.nextTimerAt());
      await s.reportPeer(hs[0], "LowToleranceError", "x");
      await s.run(29_000);
      await s.advanceTo(t0 + 59_000);
      await s.run(62_000);
    },
  },
  {
    name: "discovery-disabled-via-init",
    seed: 64,
    note: "PeerManager.init with discv5 null (no discovery: no discover_peers), gossip scoreParams.decayInterval undefined (falls back to 30 s)",
    config: {targetPeers: 3, maxPeers: 5, discovery: false, viaInit: true, gossipDecayIntervalMs: null},
    async run(s) {
      await s.init();
      await fill(s, 5, (i) => ({dir: i % 2 ? "inbound" : "outbound"}));
      await s.run(95_000);
    },
  },
  {
    name: "metrics-long-connection",
    seed: 65,
    note: "real NetworkCoreMetrics; two peers connected for more than a day: one says goodbye after 24 h, the other is banned and goodbyed after 24 h (long-connection branches); a third, connected on a heartbeat's millisecond, is banned and goodbyed by the heartbeat exactly 24 h (LONG_PEER_CONNECTION_MS) after its open: not a long connection (> not >=)",
    config: {targetPeers: 4, maxPeers: 6, metrics: true, gossipDecayIntervalMs: 3_600_000},
    async run(s) {
      await s.init();
      const t0 = s.now();
      const [a, b] = await fill(s, 2, (i) => ({dir: i ? "inbound" : "outbound", attnets: [i]}));
      // heartbeats fire every 30 s from init, and 24 h is 2880 of them: c opens on the heartbeat at
      // t0 + 30 s, so the heartbeat at t0 + 30 s + 24 h sends its goodbye exactly 24 h after its open
      await s.run(t0 + 30_000 - s.now(), {latency: 40});
      const c = s.peer("c");
      s.setMetadata(c, {seq: 1, attnets: [2], syncnets: []});
      const cOpen = s.now();
      await s.dialed(c, {latency: 40});
      for (let h = 0; h < 25; h++) {
        if (h === 23) {
          await s.run(cOpen + 86_400_000 - 1_000 - s.now(), {latency: 40});
          await s.reportPeer(c, "Fatal", "x");
          await s.run(2_000, {latency: 40}); // the heartbeat at cOpen + 24 h: goodbye BANNED to c
        }
        await s.run(3600_000, {latency: 40});
        await s.followHead();
      }
      await s.request(a, "goodbye", "1");
      await s.reportPeer(b, "Fatal", "x");
      await s.run(35_000, {latency: 40});
    },
  },
  {
    name: "metrics-prune-queries",
    seed: 68,
    note: "real NetworkCoreMetrics with subnet queries, custody-group queries, pruning and a metrics scrape while peers are connected",
    config: {targetPeers: 3, maxPeers: 8, metrics: true},
    async run(s) {
      await s.init();
      s.setActiveAttnets([{subnet: 4, toSlot: 1100}]);
      s.setActiveSyncnets([{subnet: 1, toSlot: 1200}]);
      await fill(s, 6, (i) => ({dir: i % 2 ? "inbound" : "outbound", attnets: i < 2 ? [4] : [], syncnets: i === 2 ? [1] : []}));
      await s.run(35_000);
      await s.run(31_000);
    },
  },
  {
    name: "defaults-small",
    seed: 66,
    note: "Lodestar defaults (target 200, max 210, 12 s gossip decay) with a handful of peers over 10 minutes: discovery asks for min(3*(200-n), 210-n)",
    config: {},
    async run(s) {
      await s.init();
      await fill(s, 6, (i) => ({dir: i % 2 ? "inbound" : "outbound", attnets: [i * 3], cgc: i === 5 ? 8 : undefined}), {latency: 60, gap: 3_000});
      for (let m = 0; m < 10; m++) {
        await s.run(60_000, {latency: 70});
        await s.followHead();
      }
    },
  },
  {
    name: "full-node-at-max-peers",
    seed: 67,
    note: "Lodestar defaults: 212 peers connect (half inbound), the heartbeat prunes to 200 (shuffle of 211 draws, every reason), 3 minutes of pings",
    config: {},
    async run(s) {
      await s.init();
      s.setActiveAttnets([{subnet: 12, toSlot: 1040}, {subnet: 33, toSlot: 1040}]);
      s.setActiveSyncnets([{subnet: 2, toSlot: 1100}]);
      const hs = await fill(
        s,
        212,
        (i) => ({
          dir: i % 2 ? "inbound" : "outbound",
          attnets: i % 5 === 0 ? [] : [i % 64, (i * 7) % 64],
          syncnets: i % 11 === 0 ? [i % 4] : [],
          cgc: i % 13 === 0 ? 128 : i % 3 === 0 ? 8 : 4,
        }),
        {latency: 15, gap: 0}
      );
      for (let i = 0; i < 8; i++) await s.reportPeer(hs[i * 17], "HighToleranceError", "x");
      for (let i = 0; i < 4; i++) await s.reportPeer(hs[i * 17], "MidToleranceError", "x");
      await s.run(3 * 60_000, {latency: 45});
    },
  },
  {
    name: "metrics-mid-handshake",
    seed: 69,
    note: "real NetworkCoreMetrics scraped while one peer's status is unanswered (client unknown, not yet relevant) and another has only a closing connection",
    config: {targetPeers: 4, maxPeers: 6, metrics: true},
    async run(s) {
      await s.init();
      await fill(s, 2, (i) => ({dir: i ? "inbound" : "outbound", attnets: [i]}));
      await s.connect(s.peer("closing"), "inbound", {status: "closing"});
      await s.connect(s.peer("unanswered"), "outbound");
      await s.run(31_000);
    },
  },
];
