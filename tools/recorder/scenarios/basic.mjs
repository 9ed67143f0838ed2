// Connection lifecycle: outbound and inbound handshakes, grace period, intervals, metadata, several connections.
import {AGENTS} from "../lib/constants.mjs";

export default [
  {
    name: "outbound-connect",
    seed: 1,
    note: "one outbound peer: ping+status at once, metadata after the pong, identify after the first relevant status; runs past the first intervals",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      await s.init();
      const a = s.peer("a");
      s.setMetadata(a, {seq: 1, attnets: [3]});
      await s.wait(1500);
      await s.dialed(a, {latency: 40});
      await s.wait(65_000);
      await s.settle({latency: 30});
      await s.wait(20_000);
    },
  },
  {
    name: "inbound-connect",
    seed: 2,
    note: "inbound peers that status us at once; they ping us, we ping them after 15 s; teku and prysm agents",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      await s.init();
      const a = s.peer("a");
      const b = s.peer("b");
      a.profile.agent = AGENTS.teku;
      b.profile.agent = AGENTS.prysm;
      s.setMetadata(b, {seq: 7, attnets: [0, 63], syncnets: [1]});
      await s.wait(2_300);
      await s.accepted(a, {latency: 25});
      await s.wait(700);
      await s.accepted(b, {latency: 60});
      await s.request(a, "ping", "1");
      await s.settle();
      await s.run(50_000, {latency: 35});
      await s.request(b, "ping", "7");
      await s.request(b, "metadata");
      await s.request(b, "beacon_blocks_by_range");
      await s.run(45_000, {latency: 35});
    },
  },
  {
    name: "inbound-grace-period",
    seed: 3,
    note: "an inbound peer that never sends status: we status and ping it once the 15 s grace period is over",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      await s.init();
      const a = s.peer("quiet");
      a.profile.agent = AGENTS.nimbus;
      await s.wait(3_000);
      await s.connect(a, "inbound");
      await s.run(14_000);
      await s.run(40_000, {latency: 120});
    },
  },
  {
    name: "ping-status-intervals",
    seed: 4,
    note: "two outbound and one inbound peer over 11 minutes: pings every 20 s / 15 s, re-status every 5 min",
    config: {targetPeers: 6, maxPeers: 8},
    async run(s) {
      await s.init();
      const [a, b, c] = ["a", "b", "c"].map((n) => s.peer(n));
      c.profile.agent = AGENTS.lodestar;
      await s.wait(1_000);
      await s.dialed(a, {latency: 30});
      await s.wait(4_321);
      await s.dialed(b, {latency: 80});
      await s.wait(2_000);
      await s.accepted(c, {latency: 15});
      await s.run(11 * 60_000, {latency: 45});
    },
  },
  {
    name: "metadata-seq-changes",
    seed: 5,
    note: "ping sequence numbers: unknown, equal, lower, higher, uint64 max; metadata with new attnets (no re-status), phase0 metadata without syncnets",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      await s.init();
      const a = s.peer("a");
      const b = s.peer("b");
      s.setMetadata(a, {seq: 5, attnets: [1, 2]});
      await s.dialed(a);
      await s.request(a, "ping", "5");
      await s.request(a, "ping", "4");
      s.setMetadata(a, {seq: 6, attnets: [1, 2, 40], syncnets: [3]});
      await s.request(a, "ping", "6");
      await s.settle({latency: 20});
      s.setMetadata(a, {seq: "18446744073709551615", attnets: [9]});
      a.profile.ping = "18446744073709551615";
      await s.run(25_000, {latency: 20});
      await s.request(a, "ping", "18446744073709551615");
      // b speaks phase0 metadata: no syncnets, no custodyGroupCount
      b.profile.metadata = {seqNumber: "2", attnets: "ff00000000000000"};
      await s.accepted(b);
      await s.request(b, "ping", "3");
      b.profile.metadata = {seqNumber: "3", attnets: "ff01000000000000"};
      await s.settle();
      await s.run(35_000);
    },
  },
  {
    name: "custody-group-count-change",
    seed: 6,
    note: "fulu: a peer's metadata custodyGroupCount goes 4 -> 8 -> 128 -> 8 -> 16 (re-status on each change), an invalid 129 is rejected by getCustodyGroups",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      await s.init();
      const a = s.peer("a");
      await s.dialed(a);
      let seq = 1;
      for (const cgc of [8, 128, 8, 16, 16, 129, 4]) {
        seq++;
        s.setMetadata(a, {seq, attnets: [seq % 64], cgc});
        await s.wait(3_000);
        await s.request(a, "ping", String(seq));
        await s.settle({latency: 25});
      }
      await s.run(31_000);
    },
  },
  {
    name: "second-connection",
    seed: 7,
    note: "one peer, two connections (inbound then outbound: re-tracked, handshake again); closing one of the two is ignored, closing the last disconnects; then the reverse order",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      await s.init();
      const a = s.peer("a");
      const b = s.peer("b");
      await s.accepted(a);
      await s.wait(5_000);
      const c2 = await s.connect(a, "outbound");
      await s.settle({latency: 10});
      await s.run(20_000);
      await s.close(a, s.connectionsOf(a)[0]);
      await s.run(15_000);
      await s.close(a, c2);
      await s.run(5_000);
      // b: outbound first, inbound second; the inbound one closes last (inbound cool-down)
      await s.dialed(b);
      await s.connect(b, "inbound");
      await s.run(12_000);
      await s.close(b, s.connectionsOf(b)[0]);
      await s.close(b);
      await s.run(31_000);
    },
  },
  {
    name: "bootstrap-open-connections",
    seed: 8,
    note: "init with connections already open: two for one peer (deduplicated), a closing one, an Ed25519 peer (goodbye at construction); the startup ping/status",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      const a = s.peer("a");
      const b = s.peer("b");
      const c = s.peer("c");
      const e = await s.peerAsync("ed", {keyType: "Ed25519"});
      await s.init({
        connections: [
          {peer: a, direction: "outbound"},
          {peer: b, direction: "inbound"},
          {peer: a, direction: "inbound"},
          {peer: c, direction: "inbound", status: "closing"},
          {peer: e, direction: "inbound"},
        ],
      });
      await s.run(2_000, {latency: 30});
      await s.run(40_000, {latency: 30});
    },
  },
  {
    name: "connection-not-open",
    seed: 9,
    note: "connection:open for a connection already closing (not tracked); the untracked peer's status still emits peer_connected (node id computed on the fly, no identify); a heartbeat sees only open connections",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      await s.init();
      const a = s.peer("a");
      await s.wait(1_000);
      await s.connect(a, "inbound", {status: "closing"});
      await s.request(a, "status", a.profile.status);
      await s.request(a, "ping", "3");
      await s.settle();
      await s.run(31_000);
      await s.close(a);
      await s.run(2_000);
    },
  },
  {
    name: "identify-closing-connection",
    seed: 10,
    note: "the first connection in libp2p's list is closing, a second is open: status passes but identify is skipped (no open first connection); later identify fails and then returns no agentVersion",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      await s.init();
      const a = s.peer("a");
      const b = s.peer("b");
      const c = s.peer("c");
      await s.connect(a, "inbound", {status: "closing"});
      await s.connect(a, "inbound");
      await s.request(a, "status", a.profile.status);
      await s.settle();
      // b: identify rejects; c: identify answers without agentVersion
      b.profile.hold.add("identify");
      await s.dialed(b);
      const [idb] = s.pendingList({kind: "identify", peer: b});
      await s.fail(idb.req, "identify: stream reset");
      c.profile.agent = null;
      await s.dialed(c);
      await s.run(31_000);
    },
  },
  {
    name: "non-secp256k1-peer",
    seed: 11,
    note: "an Ed25519 peer connects: goodbye IRRELEVANT_NETWORK at once; its status request while still connected makes computeNodeId throw (caught by onRequest)",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      await s.init();
      const e = await s.peerAsync("ed", {keyType: "Ed25519"});
      const o = await s.peerAsync("ed-out", {keyType: "Ed25519"});
      await s.wait(2_000);
      await s.connect(e, "inbound");
      await s.request(e, "status", e.profile.status);
      await s.request(e, "ping", "1");
      await s.settle({latency: 200});
      // its hangUp hangs over a heartbeat: the heartbeat sees an open connection with no peer data
      o.profile.hold.add("disconnect");
      await s.connect(o, "outbound");
      await s.run(35_000, {latency: 300});
      o.profile.hold.clear();
      await s.run(5_000, {latency: 300});
    },
  },
  {
    name: "disconnect-while-pending",
    seed: 12,
    note: "requests outstanding when the peer goes: its ping, status, metadata and identify answers arrive after connection:close and touch nothing",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      await s.init();
      const a = s.peer("a");
      const b = s.peer("b");
      await s.connect(a, "outbound");
      const [ping, status] = s.pendingList({peer: a});
      await s.respond(ping.req, "1"); // -> metadata request
      await s.close(a);
      await s.respond(status.req, a.profile.status);
      const [md] = s.pendingList({kind: "send_metadata", peer: a});
      await s.respond(md.req, a.profile.metadata);
      // b: status answered (-> identify), then b leaves before identify and ping answer
      await s.connect(b, "outbound");
      const [bping, bstatus] = s.pendingList({peer: b});
      await s.respond(bstatus.req, b.profile.status);
      await s.close(b);
      const [id] = s.pendingList({kind: "identify", peer: b});
      await s.respond(id.req, {agentVersion: b.profile.agent});
      await s.respond(bping.req, "4");
      await s.run(31_000);
    },
  },
  {
    name: "requests-from-unknown-peer",
    seed: 14,
    note: "requests from a peer with no connection and no peer data: status (relevant, but no connection: no peer_connected), ping (metadata asked, answer dropped), goodbye (hangUp of a peer without connections), an unknown method",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      await s.init();
      const u = s.peer("unknown");
      await s.wait(2_000);
      await s.request(u, "status", u.profile.status);
      await s.request(u, "ping", "3");
      await s.request(u, "light_client_bootstrap");
      await s.request(u, "goodbye", "128");
      await s.settle({latency: 25});
      await s.restatus([u]);
      await s.run(31_000);
    },
  },
  {
    name: "response-errors",
    seed: 13,
    note: "every awaited call rejecting: ping, status, metadata, identify, goodbye (then hangUp rejecting too)",
    config: {targetPeers: 4, maxPeers: 6},
    async run(s) {
      await s.init();
      const a = s.peer("a");
      const b = s.peer("b");
      await s.connect(a, "outbound");
      const [ping, status] = s.pendingList({peer: a});
      await s.fail(ping.req, "ERR_TIMEOUT: ping timed out");
      await s.fail(status.req, "RESP_ERROR: status: SERVER_ERROR");
      await s.request(a, "ping", "9");
      const [md] = s.pendingList({kind: "send_metadata", peer: a});
      await s.wait(300);
      await s.fail(md.req, "ERR_UNSUPPORTED_PROTOCOL: metadata/2");
      await s.run(21_000);
      // b: irrelevant; goodbye and hangUp both reject
      b.profile.status = {...b.profile.status, forkDigest: "01020304"};
      b.profile.hold.add("send_goodbye").add("disconnect");
      await s.dialed(b);
      const [gb] = s.pendingList({kind: "send_goodbye", peer: b});
      await s.fail(gb.req, "ERR_STREAM_RESET: goodbye");
      for (const d of s.pendingList({kind: "disconnect", peer: b})) await s.fail(d.req, "hangUp: connection already closed");
      b.profile.hold.clear();
      await s.run(31_000);
    },
  },
];
