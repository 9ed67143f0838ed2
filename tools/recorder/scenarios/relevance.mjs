// assertPeerRelevance through onStatus: every irrelevance code, the boundaries that stay relevant, local status changes.
import {AGENTS, ROOT_FINALIZED} from "../lib/constants.mjs";

const ZERO = "00".repeat(32);
const OTHER_ROOT = "ab".repeat(32);

export default [
  {
    name: "irrelevant-incompatible-forks",
    seed: 21,
    note: "outbound peer on another fork digest: goodbye IRRELEVANT_NETWORK from the status answer and again from the metadata->status path; inbound peer sends such a status itself",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      await s.init();
      const a = s.peer("a");
      const b = s.peer("b");
      a.profile.status = {...a.profile.status, forkDigest: "aabbccdd"};
      b.profile.status = {...b.profile.status, forkDigest: "00000000"};
      await s.wait(700);
      await s.dialed(a, {latency: 30});
      await s.accepted(b, {latency: 30});
      await s.run(35_000);
    },
  },
  {
    name: "irrelevant-different-clocks",
    seed: 22,
    note: "remote head one slot ahead is tolerated, two slots ahead is DIFFERENT_CLOCKS; re-checked after the clock moves on",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      await s.init();
      const ok = s.peer("one-ahead");
      const bad = s.peer("two-ahead");
      ok.profile.status = {...ok.profile.status, headSlot: s.currentSlot() + 1};
      bad.profile.status = {...bad.profile.status, headSlot: s.currentSlot() + 2};
      await s.dialed(ok);
      await s.dialed(bad);
      await s.request(ok, "status", {...ok.profile.status, headSlot: s.currentSlot() + 3});
      await s.run(31_000);
    },
  },
  {
    name: "irrelevant-different-finalized",
    seed: 23,
    note: "same finalized epoch with another root is irrelevant; an older epoch with another root, a zero remote root, and a newer epoch are relevant",
    config: {targetPeers: 6, maxPeers: 8},
    async run(s) {
      await s.init();
      const p = (n, st) => {
        const h = s.peer(n);
        h.profile.status = {...h.profile.status, ...st};
        return h;
      };
      const same = p("same-epoch-other-root", {finalizedRoot: OTHER_ROOT});
      const older = p("older-epoch-other-root", {finalizedRoot: OTHER_ROOT, finalizedEpoch: 20});
      const zero = p("zero-root", {finalizedRoot: ZERO, finalizedEpoch: 29});
      const newer = p("newer-epoch", {finalizedRoot: OTHER_ROOT, finalizedEpoch: 30, headSlot: 1001});
      for (const h of [same, older, zero, newer]) await s.dialed(h, {latency: 15});
      await s.run(31_000);
    },
  },
  {
    name: "irrelevant-no-earliest-slot",
    seed: 24,
    note: "fulu: a status without earliestAvailableSlot is irrelevant (NO_EARLIEST_AVAILABLE_SLOT), from a response and from a request",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      await s.init();
      const a = s.peer("a");
      const b = s.peer("b");
      const {earliestAvailableSlot, ...noEas} = a.profile.status;
      a.profile.status = noEas;
      await s.dialed(a, {latency: 20});
      await s.connect(b, "inbound");
      await s.request(b, "status", noEas);
      await s.run(31_000);
    },
  },
  {
    name: "prefulu-status-without-eas",
    seed: 25,
    note: "electra (fulu not scheduled): statuses without earliestAvailableSlot are relevant; metadata without custodyGroupCount; no custody group queries",
    config: {targetPeers: 4, maxPeers: 6, fork: "electra"},
    async run(s) {
      await s.init();
      const a = s.peer("a");
      const b = s.peer("b");
      b.profile.agent = AGENTS.grandine;
      s.setMetadata(a, {seq: 3, attnets: [7], syncnets: [0]});
      await s.dialed(a);
      await s.accepted(b);
      await s.run(70_000);
    },
  },
  {
    name: "local-status-changes",
    seed: 26,
    note: "the chain moves our status: finalized epoch advances (a peer's old finalized root becomes DIFFERENT_FINALIZED at re-status), then the fork digest changes (every re-status is INCOMPATIBLE_FORKS)",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      await s.init();
      const [a, b, c] = ["a", "b", "c"].map((n) => s.peer(n));
      for (const h of [a, b, c]) await s.dialed(h, {latency: 10});
      await s.run(20_000);
      await s.localStatus({...s.localStatusJson, finalizedEpoch: 30, finalizedRoot: OTHER_ROOT, headSlot: s.currentSlot()});
      b.profile.status = {...b.profile.status, finalizedEpoch: 30, finalizedRoot: ROOT_FINALIZED};
      c.profile.status = {...c.profile.status, finalizedEpoch: 30, finalizedRoot: OTHER_ROOT};
      await s.restatus([a, b, c]);
      await s.settle({latency: 40});
      await s.run(10_000);
      await s.localStatus({...s.localStatusJson, forkDigest: "0badf00d", headSlot: s.currentSlot()});
      await s.restatus([c]);
      await s.run(40_000);
    },
  },
  {
    name: "fork-transition-fulu",
    seed: 27,
    note: "FULU_FORK_EPOCH 32 (slot 1024, 5 min in): heartbeats switch to custody-group queries, statuses without earliestAvailableSlot become irrelevant at the 5-min re-status",
    config: {targetPeers: 4, maxPeers: 6, fork: "electra", forkEpochs: {FULU_FORK_EPOCH: 32}},
    async run(s) {
      await s.init();
      const [a, b] = ["a", "b"].map((n) => s.peer(n));
      s.setMetadata(a, {seq: 1, attnets: [2]});
      await s.dialed(a);
      await s.dialed(b);
      await s.run(4 * 60_000);
      // the chain crosses the fork: new digest in our status, peers that follow send EAS
      a.profile.status = {...a.profile.status, forkDigest: "7a7b7c7d", earliestAvailableSlot: 990};
      await s.run(60_000);
      await s.localStatus({...s.localStatusJson, forkDigest: "7a7b7c7d", headSlot: s.currentSlot(), earliestAvailableSlot: 0});
      a.profile.metadata = {...a.profile.metadata, seqNumber: "2", custodyGroupCount: "8"};
      await s.request(a, "ping", "2");
      await s.run(6 * 60_000);
    },
  },
  {
    name: "irrelevant-status-unknown-peer",
    seed: 70,
    note: "a peer with no connection and no peer data sends an irrelevant status: goodbye IRRELEVANT_NETWORK to a peer without a connection",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      await s.init();
      const u = s.peer("unknown-other-root");
      u.profile.status = {...u.profile.status, finalizedRoot: OTHER_ROOT};
      await s.wait(2_000);
      await s.request(u, "status", u.profile.status);
      await s.settle({latency: 25});
      await s.run(31_000);
    },
  },
];
