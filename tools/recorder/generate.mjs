#!/usr/bin/env node
// Testnet-like traffic against the real Lodestar peer manager, with Lodestar's defaults
// (targetPeers 200, maxPeers 210, gossip decay 12 s). Seeded: the same arguments give the same bytes.
//
//   node tools/recorder/generate.mjs --seed S --events N --out FILE [--level L] [--verify-scores]
//
// Hundreds of peers come and go (discovery dials, inbound arrivals, departures, goodbyes), answer
// with realistic latency or time out, some are on another fork or ahead of our clock, some misbehave
// (reportPeer, negative gossip scores), subnets and the local head move every slot. The traffic
// model draws from its own PRNG; Math.random stays the recorder's seeded source whose draws go
// into the trace. Stops after the event that makes N (the trace then has exactly N events).
import {mulberry32, seed32} from "./lib/codec.mjs";
import {TraceWriter} from "./lib/writer.mjs";
import {Progress, UsageError, integerOption, parseCommandLine, runTool} from "./lib/cli.mjs";

const HELP = `Testnet-like traffic against the real Lodestar peer manager, written as a trace.

usage:
  node tools/recorder/generate.mjs --seed S --events N --out FILE [--level L] [--pool P] [--verify-scores]

options:
  --seed S          traffic seed (default 1): the same arguments give the same bytes
  --events N        events in the trace (required, at least 1)
  --out FILE        the trace to write (.jsonl.zst compressed, .jsonl plain)
  --level L         zstd level 1..19 (default 3)
  --pool P          peers in the pool (default 1500)
  --verify-scores   check the recorder's incremental score tracking against full dumps (slow)
  -q, --quiet       no progress line
  -h, --help        this text

A progress line (events, events/s, bytes written, ETA) is drawn on stderr when it is a terminal.
Exit codes: 0 ok, 2 usage (one line on stderr).`;

export function parseCli(argv) {
  const {values} = parseCommandLine(argv, {
    options: {
      seed: {type: "string"},
      events: {type: "string"},
      out: {type: "string"},
      level: {type: "string"},
      pool: {type: "string"},
      "verify-scores": {type: "boolean"},
    },
    help: HELP,
  });
  if (values.out === undefined) throw new UsageError("--out FILE is required (see --help)");
  if (values.events === undefined) throw new UsageError("--events N is required (see --help)");
  return {
    seed: values.seed ?? "1",
    events: integerOption("--events", values.events, {min: 1}),
    out: values.out,
    level: values.level === undefined ? 3 : integerOption("--level", values.level, {min: 1, max: 19}),
    pool: values.pool === undefined ? 1500 : integerOption("--pool", values.pool, {min: 1}),
    verifyScores: Boolean(values["verify-scores"]),
    quiet: Boolean(values.quiet),
  };
}

/** A binary heap of {t, n, fn}: earliest t first, then insertion order. */
class Agenda {
  constructor() {
    this.h = [];
    this.n = 0;
  }
  push(t, fn) {
    const h = this.h;
    h.push({t, n: this.n++, fn});
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.less(h[i], h[p])) {
        [h[i], h[p]] = [h[p], h[i]];
        i = p;
      } else break;
    }
  }
  less(a, b) {
    return a.t < b.t || (a.t === b.t && a.n < b.n);
  }
  peek() {
    return this.h[0];
  }
  pop() {
    const h = this.h;
    const top = h[0];
    const last = h.pop();
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

// Lodestar (with the fake clock, lib/env.mjs, imported first) is loaded only once the arguments
// are good: --help and a mistake answer at once, not after seconds of imports.
let AGENTS, Session, AGENT_MIX;
async function loadLodestar() {
  await import("./lib/env.mjs");
  ({AGENTS, Session} = await import("./lib/session.mjs"));
  AGENT_MIX = agentMix();
}

const agentMix = () => [
  [AGENTS.lighthouse, 0.36],
  [AGENTS.prysm, 0.27],
  [AGENTS.teku, 0.14],
  [AGENTS.nimbus, 0.1],
  [AGENTS.lodestar, 0.07],
  [AGENTS.grandine, 0.03],
  [AGENTS.erigon, 0.02],
  [null, 0.01],
];

export async function generate(o) {
  await loadLodestar();
  const writer = new TraceWriter(o.out, {level: o.level, chunkBytes: 32 << 20});
  const R = mulberry32(seed32(o.seed) ^ 0x9e3779b9);
  const pick = (arr) => arr[Math.floor(R() * arr.length)];
  const chance = (p) => R() < p;
  const expo = (mean) => -Math.log(1 - R()) * mean;
  const latency = (h) => Math.round(15 + expo(h.kind === "slow" ? 900 : 90));

  const s = new Session({
    scenario: `generated-${o.seed}`,
    seed: o.seed,
    note: `generate.mjs --seed ${o.seed} --events ${o.events}: testnet-like traffic, Lodestar defaults`,
    config: {},
    writer,
    fullCompare: false,
    verifyScores: o.verifyScores,
  }).start();

  // ---- the peer population
  const pool = [];
  for (let i = 0; i < o.pool; i++) {
    const h = s.peer(`g${i}`);
    const r = R();
    h.kind = r < 0.62 ? "good" : r < 0.8 ? "slow" : r < 0.9 ? "flaky" : r < 0.96 ? "bad" : r < 0.985 ? "wrongfork" : "aheadclock";
    let a = R();
    h.profile.agent = AGENT_MIX.find(([, p]) => (a -= p) < 0)?.[0] ?? AGENTS.lighthouse;
    h.seqNum = 1 + Math.floor(R() * 5);
    h.cgc = chance(0.08) ? 128 : chance(0.2) ? 8 : 4;
    h.attnets = chance(0.25) ? [] : [Math.floor(R() * 64), Math.floor(R() * 64)];
    h.syncnets = chance(0.1) ? [Math.floor(R() * 4)] : [];
    h.gossip = 0;
    h.busy = false; // connected or dialing
    pool.push(h);
  }
  for (let i = 0; i < 3; i++) {
    const e = await s.peerAsync(`ed${i}`, {keyType: "Ed25519"});
    e.kind = "ed25519";
    e.busy = false;
    e.attnets = [];
    e.syncnets = [];
    e.cgc = 4;
    e.seqNum = 1;
    e.gossip = 0;
    pool.push(e);
  }
  const free = () => pool.filter((h) => !h.busy);

  const statusOf = (h) => {
    const slot = s.currentSlot();
    const st = s.defaultStatus({atSlot: slot});
    st.headSlot = h.kind === "aheadclock" ? slot + 3 : Math.max(0, slot - (h.kind === "slow" ? 3 : 0));
    st.finalizedEpoch = Math.max(0, Math.floor(slot / 32) - 2);
    st.finalizedRoot = s.localStatusJson.finalizedRoot;
    if (h.kind === "wrongfork") st.forkDigest = "deadbeef";
    return st;
  };
  const metadataOf = (h) => s.defaultMetadata(h, {seq: h.seqNum, attnets: h.attnets, syncnets: h.syncnets, cgc: h.cgc});

  const agenda = new Agenda();
  const at = (dt, fn) => agenda.push(s.now() + Math.max(0, Math.round(dt)), fn);

  // ---- answers to what Lodestar asks
  s.onAction = (a) => {
    const h = s.peersByStr.get(a.peer);
    switch (a.kind) {
      case "send_ping":
      case "send_status":
      case "send_metadata":
      case "identify": {
        const gone = () => s.connectionsOf(h).length === 0;
        const failRate = h.kind === "flaky" ? 0.25 : h.kind === "bad" ? 0.1 : 0.01;
        if (chance(failRate)) {
          const timeout = chance(0.5);
          at(timeout ? 10_000 : latency(h), () =>
            s.pending.has(a.req) ? s.fail(a.req, timeout ? "REQUEST_ERROR_TTFB_TIMEOUT" : "REQUEST_ERROR_SERVER_ERROR: stream reset") : null
          );
          return;
        }
        at(latency(h), () => {
          if (!s.pending.has(a.req)) return null;
          if (gone()) return s.fail(a.req, "REQUEST_ERROR_DIAL_ERROR: peer not connected");
          if (a.kind === "send_ping") return s.respond(a.req, String(h.seqNum));
          if (a.kind === "send_status") return s.respond(a.req, statusOf(h));
          if (a.kind === "send_metadata") return s.respond(a.req, metadataOf(h));
          return s.respond(a.req, h.profile.agent === null ? {} : {agentVersion: h.profile.agent});
        });
        return;
      }
      case "send_goodbye":
        if (chance(0.85)) at(latency(h), () => (s.pending.has(a.req) ? s.respond(a.req, null) : null));
        return; // else: no answer, withTimeout fires
      case "disconnect":
        at(5 + expo(40), () => (s.pending.has(a.req) ? s.completeDisconnect(a.req) : null));
        return;
      case "discover_peers": {
        // a fraction of the requested dials succeed over the next seconds
        const cands = free();
        const n = Math.min(cands.length, Math.ceil(a.peers_to_connect * 0.3), 40);
        for (let i = 0; i < n; i++) {
          const h2 = cands[Math.floor(R() * cands.length)];
          if (h2.busy) continue;
          h2.busy = true;
          at(200 + expo(3_000), () => dial(h2, "outbound"));
        }
        return;
      }
    }
  };
  s.onEventWritten = (rec, actions) => {
    for (const a of actions) {
      if (a.kind === "peer_disconnected") {
        const h = s.peersByStr.get(a.peer);
        if (h && s.connectionsOf(h).length === 0) at(60_000 + expo(600_000), () => void (h.busy = false));
      }
    }
  };

  const openCount = () => s.conns.size;
  async function dial(h, direction) {
    if (openCount() >= s.cfg.maxPeers && direction === "inbound") {
      h.busy = false;
      return; // libp2p's connection limit refuses it
    }
    h.seqNum += chance(0.1) ? 1 : 0;
    s.setGossipScore(h, h.gossip);
    await s.connect(h, direction);
    // life of the connection
    const life = h.kind === "bad" ? expo(20 * 60_000) : expo(90 * 60_000);
    at(life, () => leave(h));
    if (direction === "inbound" && h.kind !== "ed25519" && chance(0.9)) at(30 + expo(300), () => sendStatus(h));
    at(20_000 + expo(40_000), () => behave(h));
  }
  async function sendStatus(h) {
    if (s.connectionsOf(h).length) await s.request(h, "status", statusOf(h));
  }
  async function leave(h) {
    if (!s.connectionsOf(h).length) return;
    if (chance(0.5)) await s.request(h, "goodbye", pick(["1", "1", "2", "3", "129", "251"]));
    for (const c of [...s.connectionsOf(h)]) await s.close(h, c);
  }
  // what a connected peer does now and then: ping us, bump its metadata, misbehave, gossip moves
  async function behave(h) {
    if (!s.connectionsOf(h).length) return;
    const r = R();
    if (h.kind === "bad" && r < 0.35) {
      await s.reportPeer(h, pick(["LowToleranceError", "MidToleranceError", "HighToleranceError", "HighToleranceError", "Fatal"]), pick(["invalid_block", "rate_limit", "bad_response", "timeout"]));
    } else if (r < 0.5) {
      if (chance(0.05)) h.seqNum++;
      if (chance(0.02)) h.cgc = pick([4, 8, 16, 128]);
      await s.request(h, "ping", String(h.seqNum));
    } else if (r < 0.53) {
      await s.reportPeer(h, "HighToleranceError", "timeout");
    } else if (r < 0.55) {
      await s.request(h, "metadata");
    } else if (r < 0.57) {
      await s.request(h, "beacon_blocks_by_range");
    }
    const drift = h.kind === "bad" ? -40 - expo(400) : (R() - 0.45) * 20;
    h.gossip = Math.max(-60_000, Math.min(200, h.gossip + drift));
    if (h.kind === "good" && h.gossip < -50) h.gossip = -50;
    s.setGossipScore(h, Math.round(h.gossip * 1000) / 1000);
    at(15_000 + expo(45_000), () => behave(h));
  }

  // ---- chain-side inputs
  let nextSubnetChange = 0;
  async function slotTick() {
    const slot = s.currentSlot();
    await s.followHead({finalizedEpoch: Math.max(0, Math.floor(slot / 32) - 2)});
    if (slot >= nextSubnetChange) {
      nextSubnetChange = slot + 32;
      const k = Math.floor(R() * 6);
      s.setActiveAttnets(Array.from({length: k}, () => ({subnet: Math.floor(R() * 64), toSlot: slot + 32 + Math.floor(R() * 32)})));
      s.setActiveSyncnets(chance(0.3) ? [{subnet: Math.floor(R() * 4), toSlot: slot + 256}] : []);
      if (chance(0.5)) await s.committeeSubscriptions();
    }
    if (chance(0.01)) {
      const conn = [...s.conns.keys()].slice(0, 5);
      await s.restatus(conn);
    }
    at(12_000, slotTick);
  }
  async function inboundArrival() {
    const c = free();
    if (c.length) {
      const h = c[Math.floor(R() * c.length)];
      h.busy = true;
      await dial(h, "inbound");
    }
    at(expo(2_500), inboundArrival);
  }

  await s.init();
  at(12_000 - ((s.now() - s.genesisTime * 1000) % 12_000), slotTick);
  at(expo(1_000), inboundArrival);

  const progress = new Progress({quiet: o.quiet || !o.showProgress, total: o.events, label: "generate"});
  while (s.seq < o.events) {
    progress.update(s.seq, {bytes: writer.written});
    const next = agenda.peek();
    const timerAt = s.nextTimerAt();
    if (next && next.t < timerAt) {
      agenda.pop();
      await s.advanceTo(next.t);
      if (s.seq >= o.events) break;
      await next.fn();
    } else if (timerAt < Infinity) {
      // one timer at a time so the event budget is exact
      await s.advanceTo(timerAt);
    } else break;
  }
  // leave nothing half open: the trace ends after the last full event
  await s.finish();
  writer.close();
  progress.clear();
  return s;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runTool(async () => {
    const o = parseCli(process.argv.slice(2));
    const t = performance.now();
    const s = await generate({...o, showProgress: true});
    console.log(
      `${o.out}: ${s.seq} events, ${s.stats.actions} actions, ${s.stats.rand} draws, ` +
        `${((s.now() - s.cfg.startMs) / 3600_000).toFixed(2)} h simulated, ${((performance.now() - t) / 1000).toFixed(1)} s`
    );
    process.exit(0);
  });
}
