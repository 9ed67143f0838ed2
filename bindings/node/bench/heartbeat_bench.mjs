// A heartbeat through NativePeerManager against Lodestar's PeerManager, side by
// side in one process: two recorder sessions (tools/recorder/lib/session.mjs)
// over the same fake modules, one building Lodestar's PeerManager and one the
// addon's NativePeerManager, each given the same pool of N peers (the same
// keys, directions, metadata and handshake). Then, alternating between the two
// after a warm-up on both, each round times `calls` calls of
// onCommitteeSubscriptions(), which is Lodestar's heartbeat() run on demand
// (peerManager.ts: onCommitteeSubscriptions() { this.heartbeat(); }), one by
// one. Only the call is timed, not the recorder's bookkeeping around it. The
// statistic, on both sides: the median of every timed call (a garbage
// collection or the other users of a shared machine land in a few calls, which
// the median leaves out), and the ratio of the two medians per round. The native side's
// time includes everything NativePeerManager does around the engine: reading
// the subnet services, building the event's JSON, crossing into C++ and back,
// parsing the actions, carrying them out and re-arming its timer.
//
// The pool is at targetPeers (no pruning, so every heartbeat sees the same
// state); active attnets ask for subnets the pool covers thinly, so
// prioritizePeers computes subnet queries and the heartbeat calls discovery.
//
//   node bindings/node/bench/heartbeat_bench.mjs [--rounds 15] [--calls 10] [--peers 200,1000] [--breakdown]
// --breakdown: where the native side's time goes, after the table: the bare
// addon call native.step() on the same state (the engine's heartbeat, the
// event's JSON parsed and checked in C++, the actions' JSON rendered),
// native.nextDue() (what NativePeerManager reads before each input) and
// native.timers() (what it read before each input until nextDue existed; now
// only when a timer is due).
// Needs the addon built (PEER_REPLAY_ADDON or the release build) and the
// recorder's node_modules (tools/recorder/setup.sh).
import {parseArgs} from "node:util";
import "../../../tools/recorder/lib/env.mjs";
import {setHooks} from "../../../tools/recorder/lib/env.mjs";
import {Session} from "../../../tools/recorder/lib/session.mjs";
import {nativeImpl} from "../../../tools/recorder/lib/native-session.mjs";

const {values} = parseArgs({
  options: {
    rounds: {type: "string", default: "15"},
    calls: {type: "string", default: "10"},
    peers: {type: "string", default: "200,1000"},
    breakdown: {type: "boolean", default: false},
  },
});
const rounds = Number(values.rounds);
const calls = Number(values.calls);
const sizes = values.peers.split(",").map(Number);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const nullWriter = {write() {}};

// One side: a session with `n` handshaken peers. The two sides' sessions get the same seed and peers.
async function pool(n, impl) {
  const config = {targetPeers: n, maxPeers: Math.round(n * 1.1), discovery: true, metrics: true};
  const opts = {scenario: `heartbeat-bench-${n}`, seed: "1", config, writer: nullWriter, fullCompare: false};
  if (impl !== null) opts.impl = impl;
  const s = new Session(opts).start();
  await s.init();
  for (let i = 0; i < n; i++) {
    const h = s.peer(`p${i}`);
    s.setMetadata(h, {attnets: [i % 64, (i * 7 + 3) % 64], syncnets: [i % 4]});
    if (i % 2 === 0) await s.dialed(h);
    else await s.accepted(h);
  }
  const slot = s.currentSlot();
  s.setActiveAttnets([0, 9, 17, 33, 50].map((subnet) => ({subnet, toSlot: slot + 20})));
  s.setActiveSyncnets([{subnet: 1, toSlot: slot + 20}]);
  return s;
}

// `calls` heartbeats on one side; the ms of each (the call alone).
async function timeHeartbeats(s) {
  setHooks(s);
  const ms = [];
  for (let k = 0; k < calls; k++) {
    await s.event({kind: "committee_subscriptions"}, () => {
      const t0 = process.hrtime.bigint();
      s.pm.onCommitteeSubscriptions();
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  }
  return ms;
}

// Medians of `rounds * calls` bare addon calls on the native side's state (NativePeerManager's internals:
// a bench may reach them).
function breakdown(s, n) {
  setHooks(null);
  const pm = s.pm;
  const native = pm._native;
  const subnets = (list) => list.map(({subnet, toSlot}) => ({subnet, toSlot}));
  const event = () => ({
    type: "event", seq: ++pm._seq, t_ms: pm._tMs, kind: "committee_subscriptions",
    active_attnets: subnets(s.activeAttnets), active_syncnets: subnets(s.activeSyncnets),
  });
  const time = (fn) => {
    const us = [];
    for (let k = 0; k < rounds * calls; k++) {
      const t0 = process.hrtime.bigint();
      fn();
      us.push(Number(process.hrtime.bigint() - t0) / 1e3);
    }
    return median(us).toFixed(1);
  };
  let actions = "";
  const step = time(() => (actions = native.step(pm._handle, JSON.stringify(event()), pm._draw)));
  const eventJson = time(() => JSON.stringify(event()));
  const actionsParse = time(() => JSON.parse(actions));
  const syncReads = time(() => pm._syncReads());
  const nextDue = time(() => native.nextDue(pm._handle));
  const timers = time(() => native.timers(pm._handle));
  console.log(`${String(n).padStart(5)}  breakdown (native side, us, medians): native.step ${step} (the event's JSON parsed, ` +
    `the engine's heartbeat, the actions' ${actions.length} bytes of JSON rendered); in JS: the event's JSON ${eventJson}, ` +
    `the actions' JSON.parse ${actionsParse}, the status, custody and connection-status reads ${syncReads}; ` +
    `native.nextDue ${nextDue} (native.timers ${timers})`);
}

console.log(`heartbeat (onCommitteeSubscriptions), ${rounds} rounds of ${calls} calls per side, alternating; node ${process.version}`);
console.log("peers  TS ms/call  native ms/call  TS/native  (medians of all calls; lowest-highest ratio of a round's medians)");
for (const n of sizes) {
  const lodestar = await pool(n, null);
  const native = await pool(n, nativeImpl({}));
  const connected = [lodestar, native].map((s) => s.pm.getConnectedPeerIds().length);
  if (connected[0] !== n || connected[1] !== n) throw new Error(`expected ${n} connected peers on both sides, got ${connected.join(" and ")}`);
  for (let w = 0; w < 3; w++) await timeHeartbeats(lodestar), await timeHeartbeats(native); // warm-up
  const tsMs = [];
  const nativeMs = [];
  const ratios = [];
  for (let k = 0; k < rounds; k++) {
    const a = await timeHeartbeats(lodestar);
    const b = await timeHeartbeats(native);
    tsMs.push(...a);
    nativeMs.push(...b);
    ratios.push(median(a) / median(b));
  }
  console.log(`${String(n).padStart(5)}  ${median(tsMs).toFixed(3).padStart(10)}  ${median(nativeMs).toFixed(3).padStart(14)}  ` +
    `${(median(tsMs) / median(nativeMs)).toFixed(1).padStart(8)}x  (${Math.min(...ratios).toFixed(1)}-${Math.max(...ratios).toFixed(1)})`);
  if (values.breakdown) breakdown(native, n);
  for (const s of [lodestar, native]) {
    setHooks(s);
    await s.finish();
  }
}
process.exit(0);
