// prioritizePeers through the heartbeat: every prune reason, starvation, the outbound ratio, subnet and custody queries.
import {fill} from "./util.mjs";

export default [
  {
    name: "prune-no-long-lived-subnet",
    seed: 41,
    note: "7 healthy peers, target 4: the 3 without long-lived subnets are pruned first (goodbye 129), after a shuffle of 6 draws",
    config: {targetPeers: 4, maxPeers: 8},
    async run(s) {
      await s.init();
      await fill(s, 7, (i) => ({dir: i % 3 === 0 ? "outbound" : "inbound", attnets: i < 3 ? [i * 7] : []}));
      await s.run(65_000);
    },
  },
  {
    name: "prune-low-score",
    seed: 42,
    note: "7 peers all on subnets, target 4: the 3 with score < -2 are pruned for low_score",
    config: {targetPeers: 4, maxPeers: 8},
    async run(s) {
      await s.init();
      const hs = await fill(s, 7, (i) => ({dir: i < 2 ? "outbound" : "inbound", attnets: [i, i + 10]}));
      for (const h of hs.slice(3, 6)) for (let k = 0; k < 3; k++) await s.reportPeer(h, "HighToleranceError", "slow");
      await s.run(65_000);
    },
  },
  {
    name: "prune-too-grouped-subnet",
    seed: 43,
    note: "14 peers crowded on attnet 5, target 6: too_grouped_subnet pruning; candidates kept when they would drop a requested subnet to <= 6 peers or a sync committee to <= 2; the crowded subnet is skipped when nobody can go",
    config: {targetPeers: 6, maxPeers: 16},
    async run(s) {
      await s.init();
      s.setActiveAttnets([{subnet: 9, toSlot: 1200}]);
      await fill(s, 14, (i) => ({
        dir: i % 4 === 0 ? "outbound" : "inbound",
        attnets: i < 10 ? (i < 4 ? [5, 9] : i < 8 ? [5, 30 + i] : [5]) : [20, 21],
        syncnets: i >= 10 && i < 12 ? [0] : i >= 12 ? [1] : [],
      }));
      await s.run(65_000);
      s.setActiveAttnets([]);
      await s.run(35_000);
    },
  },
  {
    name: "prune-too-grouped-skip-subnet",
    seed: 44,
    note: "the most crowded subnet (3) has only peers that must stay (each on a requested subnet with <= 6 peers): it is dropped from the search, the next crowded one (17) is pruned down to 6, find_better_peers does the rest",
    config: {targetPeers: 8, maxPeers: 20},
    async run(s) {
      await s.init();
      s.setActiveAttnets([{subnet: 11, toSlot: 1300}, {subnet: 12, toSlot: 1300}]);
      await fill(s, 16, (i) => ({
        dir: i % 5 === 0 ? "outbound" : "inbound",
        attnets: i < 8 ? [3, i < 4 ? 11 : 12] : [17, 20 + i],
      }));
      await s.run(65_000);
    },
  },
  {
    name: "prune-find-better-peers",
    seed: 45,
    note: "every peer has a duty on a distinct requested subnet and nothing is crowded: step 4 prunes find_better_peers down to target",
    config: {targetPeers: 4, maxPeers: 10},
    async run(s) {
      await s.init();
      s.setActiveAttnets([0, 1, 2, 3, 4, 5, 6, 7].map((subnet) => ({subnet, toSlot: 1100 + subnet})));
      await fill(s, 8, (i) => ({dir: i % 2 ? "inbound" : "outbound", attnets: [i]}));
      await s.run(65_000);
    },
  },
  {
    name: "prune-outbound-ratio",
    seed: 46,
    note: "12 peers, 9 outbound and none on subnets, target 4: round(0.1*n) best outbound peers are kept out of pruning",
    config: {targetPeers: 4, maxPeers: 14},
    async run(s) {
      await s.init();
      const hs = await fill(s, 12, (i) => ({dir: i < 9 ? "outbound" : "inbound"}));
      await s.reportPeer(hs[1], "HighToleranceError", "x");
      await s.run(65_000);
    },
  },
  {
    name: "starvation",
    seed: 47,
    note: "local head stuck for > 64 slots: starved; far-ahead peers (newer finalized / head > ours+64) are not pruned and the prune target grows by target*0.05 (fractional); a local_status move ends it",
    config: {targetPeers: 4, maxPeers: 10},
    async run(s) {
      await s.init();
      await fill(s, 4, (i) => ({attnets: [i]}));
      await s.run(13 * 60_000 + 20_000);
      const cur = s.currentSlot();
      await fill(
        s,
        4,
        (i) => ({
          dir: "inbound",
          status: i < 2 ? {headSlot: cur, finalizedEpoch: 31} : i === 2 ? {headSlot: cur} : {headSlot: 1001},
        }),
        {prefix: "far"}
      );
      await s.run(31_000);
      await s.localStatus({...s.localStatusJson, headSlot: s.currentSlot()});
      await fill(s, 3, () => ({dir: "inbound"}), {prefix: "late"});
      await s.run(65_000);
    },
  },
  {
    name: "attnet-syncnet-queries",
    seed: 48,
    note: "active attnets and syncnets with too few peers: subnet queries (max_peers_to_discover, to_unix_ms); committee_subscriptions runs the heartbeat at once; sync-committee peers protected from crowd pruning",
    config: {targetPeers: 6, maxPeers: 12},
    async run(s) {
      await s.init();
      s.setActiveAttnets([{subnet: 3, toSlot: 1010}, {subnet: 40, toSlot: 1100}]);
      s.setActiveSyncnets([{subnet: 0, toSlot: 1200}]);
      await s.committeeSubscriptions();
      await fill(s, 9, (i) => ({attnets: i < 4 ? [3, 7] : [7, 8], syncnets: i < 3 ? [0] : i < 5 ? [1, 2] : []}));
      s.setActiveAttnets([{subnet: 3, toSlot: 1010}, {subnet: 40, toSlot: 1100}, {subnet: 7, toSlot: 1050}]);
      await s.committeeSubscriptions();
      await s.run(31_000);
      s.setActiveSyncnets([{subnet: 0, toSlot: 1200}, {subnet: 1, toSlot: 1200}, {subnet: 3, toSlot: 1250}]);
      await s.committeeSubscriptions();
      await s.run(65_000);
      // sync committee duties only (no attestation duties)
      s.setActiveAttnets([]);
      await s.committeeSubscriptions();
      await s.run(31_000);
    },
  },
  {
    name: "custody-group-queries",
    seed: 49,
    note: "fulu supernode (local custodyGroupCount 128, every group sampled), targetGroupPeers 3: custody group queries shrink as peers with 4/8/32/128 groups arrive",
    config: {targetPeers: 8, maxPeers: 10, custodyGroupCount: 128, targetGroupPeers: 3},
    async run(s) {
      await s.init();
      await fill(s, 6, (i) => ({cgc: [4, 8, 32, 128, 4, 16][i], attnets: [i]}), {latency: 20});
      await s.run(65_000);
    },
  },
  {
    name: "prefulu-heartbeat",
    seed: 50,
    note: "deneb-era config (electra, fulu unscheduled): prioritizePeers gets no sampling groups, no custody queries; pruning with phase0 metadata peers",
    config: {targetPeers: 3, maxPeers: 6, fork: "electra"},
    async run(s) {
      await s.init();
      const hs = await fill(s, 5, (i) => ({attnets: i === 0 ? [1] : [], syncnets: i === 1 ? [3] : []}));
      hs[4].profile.metadata = {seqNumber: "9", attnets: "0000000000000000"};
      await s.request(hs[4], "ping", "9");
      await s.settle();
      await s.run(65_000);
    },
  },
  {
    name: "prune-syncnet-crowd",
    seed: 71,
    note: "a requested syncnet with 7 peers (>= 6: no syncnet query); too_grouped_subnet pruning removes sync-committee peers when their syncnet keeps more than 2 (7 on syncnet 0, 5 on syncnet 1)",
    config: {targetPeers: 6, maxPeers: 16},
    async run(s) {
      await s.init();
      s.setActiveSyncnets([{subnet: 0, toSlot: 1200}]);
      await s.committeeSubscriptions();
      await fill(s, 12, (i) => ({dir: i % 4 === 0 ? "outbound" : "inbound", attnets: [5], syncnets: i < 7 ? [0] : [1]}));
      await s.run(65_000);
    },
  },
];
