// Inputs a live node has that format v1 could not express (FORMAT.md §9, format_version 2): libp2p marking
// a connection closing before it closes it, and a change of the local custody group count.
import {fill} from "./util.mjs";

export default [
  {
    name: "connection-closing-heartbeat",
    seed: 81,
    note:
      "format v2 connection_status: a connection marked closing across a heartbeat (getConnectedPeerIds drops the peer: leaked-peer cleanup, more peers to discover), a ping/status round in the window, a peer whose other connection stays open, identify skipped on a closing connection, then the close events",
    config: {targetPeers: 4, maxPeers: 6, formatVersion: 2},
    async run(s) {
      await s.init();
      const [a, b, c] = await fill(s, 3, (i) => ({attnets: [i]}), {latency: 15});
      // b also has an inbound connection; its first (outbound) one will close, the second stays open
      await s.connect(b, "inbound");
      await s.wait(500);
      await s.connectionStatus(a, "closing");
      const [bOut] = s.connectionsOf(b);
      await s.connectionStatus(b, "closing", bOut);
      await s.run(31_000, {latency: 15}); // the heartbeat in the window; a is leaked-cleaned, b still counts
      await s.close(a);
      await s.close(b, bOut); // another connection of b is still open: ignored
      // an inbound peer whose connection starts closing before its status arrives: no identify
      const d = s.peer("d");
      s.setMetadata(d, {seq: 1, attnets: [5], syncnets: []});
      await s.connect(d, "inbound");
      await s.connectionStatus(d, "closing");
      await s.request(d, "status", d.profile.status);
      await s.run(2_000, {latency: 15});
      await s.close(d);
      await s.run(31_000, {latency: 15});
      await s.reportPeer(c, "LowToleranceError", "after the closings");
    },
  },
  {
    name: "leak-check-boundary",
    seed: 83,
    note:
      "format v2 connection_status at the leak check's bound: 11 peers in connectedPeers, one of them closing, so getConnectedPeerIds has 10 and 11 > 10 * 1.1 is false: the heartbeat keeps the closing peer (pinged, in the gossip scores) until its close; then 11 and 9 open (11 > 9.9): the leaked peer is removed at the heartbeat",
    config: {targetPeers: 10, maxPeers: 12, formatVersion: 2},
    async run(s) {
      await s.init();
      const peers = await fill(s, 11, (i) => ({attnets: [i], dir: i % 2 ? "inbound" : "outbound"}), {latency: 10});
      await s.wait(500);
      await s.connectionStatus(peers[10], "closing");
      await s.run(61_000, {latency: 10}); // two heartbeats and ping/status rounds with 10 open of 11: no cleanup
      await s.reportPeer(peers[10], "LowToleranceError", "still in connectedPeers");
      await s.close(peers[10]);
      await s.run(1_000, {latency: 10});
      // a second bound: 10 in connectedPeers and 9 open, 10 > 9.9: the closing peer is cleaned up at once
      await s.connectionStatus(peers[9], "closing");
      await s.run(31_000, {latency: 10});
      await s.reportPeer(peers[9], "LowToleranceError", "after its leak cleanup");
      await s.close(peers[9]);
      await s.run(31_000, {latency: 10});
    },
  },
  {
    name: "close-beside-closing",
    seed: 84,
    note:
      "format v2 connection_status: a peer's last open connection closes while its other one is closing, so onLibp2pPeerDisconnect's open-connection filter finds none and the peer is disconnected (inbound: with a cool-down); the closing one's own close later runs the disconnect again",
    config: {targetPeers: 4, maxPeers: 6, formatVersion: 2},
    async run(s) {
      await s.init();
      const [a, b] = await fill(s, 2, (i) => ({attnets: [i]}), {latency: 10});
      await s.connect(a, "inbound");
      await s.connect(b, "inbound");
      await s.wait(500);
      const [aOut, aIn] = s.connectionsOf(a);
      await s.connectionStatus(a, "closing", aIn);
      await s.close(a, aOut); // a's other connection is closing: no open one left
      const [bOut, bIn] = s.connectionsOf(b);
      await s.connectionStatus(b, "closing", bOut);
      await s.close(b, bIn); // inbound close: the reconnection cool-down applies
      await s.run(31_000, {latency: 10});
      await s.close(a, aIn);
      await s.close(b, bOut);
      await s.run(31_000, {latency: 10});
    },
  },
  {
    name: "local-custody-change",
    seed: 82,
    note:
      "format v2 local_custody: the local custody group count goes 4 -> 8 -> 128 -> 4 (validators attach and leave); each heartbeat after a change samples the new groups (custody group queries change)",
    config: {targetPeers: 6, maxPeers: 8, targetGroupPeers: 2, formatVersion: 2},
    async run(s) {
      await s.init();
      await fill(s, 4, (i) => ({cgc: [4, 8, 16, 128][i], attnets: [i]}), {latency: 20});
      await s.run(31_000, {latency: 20});
      await s.localCustody(8);
      await s.run(30_000, {latency: 20});
      await s.localCustody(128);
      await s.run(30_000, {latency: 20});
      await s.localCustody(4);
      await s.committeeSubscriptions(); // runs the heartbeat at once with the restored groups
      await s.run(30_000, {latency: 20});
    },
  },
];
