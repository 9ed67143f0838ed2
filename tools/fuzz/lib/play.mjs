// Drives one case spec (lib/gen.mjs) through a recording Session of the real Lodestar
// PeerManager (tools/recorder/lib/session.mjs): every op becomes zero or more events.
//
// An op whose precondition does not hold any more (a close without a connection, an answer with
// nothing pending, a peer index past the pool) is skipped, never an error: the shrinker deletes
// ops and peers freely and every candidate must still drive the recorder. Errors that remain
// come from the recorder or from Lodestar and are oracle failures.
import "../../recorder/lib/env.mjs";
import {clock} from "../../recorder/lib/env.mjs";
import {Session} from "../../recorder/lib/session.mjs";
import {unspelledNumber} from "../../recorder/lib/codec.mjs";

/** Events per case unless the spec says otherwise: a case then records in seconds, not minutes. */
const MAX_EVENTS = 30_000;

/** Connections one peer may have open at once; a connect past it is skipped (see connectWithHandshake). */
const MAX_CONNECTIONS_PER_PEER = 8;

/** Status a peer's profile answers with (gen.mjs `status` variants). */
function statusVariant(s, variant) {
  const slot = s.currentSlot();
  const st = s.defaultStatus({atSlot: slot});
  st.headSlot = slot;
  st.finalizedEpoch = s.localStatusJson.finalizedEpoch;
  st.finalizedRoot = s.localStatusJson.finalizedRoot;
  if (variant === 1) st.forkDigest = "deadbeef";
  else if (variant === 2) st.headSlot = slot + 100; // ahead of our clock
  else if (variant === 3) st.finalizedRoot = "11".repeat(32); // another chain at our finalized epoch
  else if (variant === 4) {
    st.headSlot = Math.max(0, slot - 200); // far behind
    delete st.earliestAvailableSlot;
  }
  return st;
}

class Player {
  constructor(s, spec) {
    this.s = s;
    this.spec = spec;
    this.handles = new Array(spec.peers.length).fill(null);
    this.state = spec.peers.map((p) => ({...p}));
    this.initAt = 0;
  }

  /**
   * Advances the clock to `t` as libp2p would: a request nobody answered fails with a timeout
   * `req_timeout_ms` after it was made (ReqResp's TTFB and response timeouts; hangUp gives up too),
   * so unanswered requests do not pile up without bound.
   */
  async advanceTo(t) {
    const s = this.s;
    const timeout = this.spec.req_timeout_ms ?? 15_000;
    for (;;) {
      if (this.full()) return;
      // timers fired on the way make requests of their own: step timer by timer
      const p = s.pending.values().next().value;
      const deadline = p ? p.t + timeout : Infinity;
      const timerAt = s.nextTimerAt();
      if (deadline <= t && deadline <= timerAt) {
        await s.advanceTo(deadline);
        if (s.pending.has(p.req)) await s.fail(p.req, p.kind === "disconnect" ? "hangUp: timed out" : "REQUEST_ERROR_RESP_TIMEOUT");
      } else if (timerAt <= t) {
        await s.advanceTo(timerAt);
      } else break;
    }
    await s.advanceTo(t);
  }

  async wait(ms) {
    await this.advanceTo(this.s.now() + ms);
  }

  /** The case has used its event budget: the rest of its ops are skipped (bounds a case's time). */
  full() {
    return this.s.seq >= (this.spec.max_events ?? MAX_EVENTS);
  }

  async h(i) {
    if (!(i >= 0 && i < this.handles.length)) return null;
    if (!this.handles[i]) {
      const name = `p${i}`;
      this.handles[i] = this.state[i].ed ? await this.s.peerAsync(name, {keyType: "Ed25519"}) : this.s.peer(name);
    }
    return this.handles[i];
  }

  /** The profile answers reflect the peer's state now (status follows the clock). */
  refresh(h) {
    const st = this.state[Number(h.name.slice(1))];
    h.profile.agent = st.agent;
    h.profile.ping = st.seq;
    h.profile.status = statusVariant(this.s, st.status);
    h.profile.metadata = this.s.defaultMetadata(h, {seq: st.seq, attnets: st.attnets, syncnets: st.syncnets, cgc: this.s.isPostFulu(this.s.currentSlot()) ? st.cgc : undefined});
  }

  async answer(p, how, error) {
    const s = this.s;
    if (!s.pending.has(p.req)) return;
    const h = s.peersByStr.get(p.peer);
    if (how === 1) return s.fail(p.req, p.kind === "disconnect" ? "hangUp failed: connection busy" : error);
    this.refresh(h);
    const a = s.profileAnswer(p);
    if (a === undefined) return;
    if (a.disconnect) return s.completeDisconnect(p.req);
    if ("error" in a) return s.fail(p.req, a.error);
    return s.respond(p.req, a.ok);
  }

  /** Answers what is pending by the profiles, oldest first; bounded (timers keep adding pings). */
  async settle(latency) {
    const s = this.s;
    const max = 3 * s.pending.size + 10;
    for (let n = 0; n < max && s.pending.size; n++) {
      const p = s.pending.values().next().value;
      if (latency) await this.wait(latency);
      await this.answer(p, 0);
    }
  }

  async connectWithHandshake(h, dir, status, hs) {
    const s = this.s;
    // libp2p reuses a peer's connection rather than open dozens (the engine bounds them at 64)
    if (s.connectionsOf(h).length >= MAX_CONNECTIONS_PER_PEER) return;
    await s.connect(h, dir, {status: status ?? "open"});
    if (hs && dir === "inbound") {
      this.refresh(h);
      await s.request(h, "status", h.profile.status);
    }
  }

  async op(o) {
    const s = this.s;
    switch (o.op) {
      case "advance":
        return this.wait(o.ms);
      case "align": {
        const since = s.now() - this.initAt;
        const t = this.initAt + (Math.floor(since / o.period_ms) + o.k) * o.period_ms + o.off_ms;
        return t >= s.now() ? this.advanceTo(t) : undefined;
      }
      case "connect": {
        const h = await this.h(o.p);
        return h && this.connectWithHandshake(h, o.dir, o.status, o.hs);
      }
      case "burst":
        for (let j = 0; j < o.n; j++) {
          const h = await this.h((o.from + j) % this.handles.length);
          if (h) await this.connectWithHandshake(h, o.dir, undefined, true);
        }
        return;
      case "close": {
        const h = await this.h(o.p);
        if (!h) return;
        if (o.unknown) return s.closeUnknown(h, o.dir);
        if (s.connectionsOf(h).length) return s.close(h);
        return;
      }
      case "request": {
        const h = await this.h(o.p);
        if (!h) return;
        let body = o.body;
        if (o.method === "status") body = statusVariant(s, o.variant);
        return s.request(h, o.method, body);
      }
      case "answer": {
        if (!s.pending.size) return;
        const list = [...s.pending.values()];
        const p = list[o.sel % list.length];
        if (o.how === 2) return; // dropped: stays pending
        if (o.latency_ms) await this.wait(o.latency_ms);
        return this.answer(p, o.how, o.error);
      }
      case "settle":
        return this.settle(o.latency_ms);
      case "report": {
        const h = await this.h(o.p);
        return h && s.reportPeer(h, o.action, o.name);
      }
      case "gossip": {
        const h = await this.h(o.p);
        if (h) s.setGossipScore(h, unspelledNumber(o.v));  // a spec spells what JSON cannot carry
        return;
      }
      case "meta": {
        const st = this.state[o.p];
        if (!st) return;
        Object.assign(st, {seq: o.seq, attnets: o.attnets, syncnets: o.syncnets, cgc: o.cgc});
        if (o.agent !== undefined) st.agent = o.agent;
        return;
      }
      case "status": {
        const st = this.state[o.p];
        if (st) st.status = o.variant;
        return;
      }
      case "subnets": {
        const slot = s.currentSlot();
        s.setActiveAttnets(o.attnets.map((x) => ({subnet: x.subnet, toSlot: slot + x.dslot})));
        s.setActiveSyncnets(o.syncnets.map((x) => ({subnet: x.subnet, toSlot: slot + x.dslot})));
        return;
      }
      case "committee":
        return s.committeeSubscriptions();
      case "restatus": {
        const hs = [];
        for (const i of o.ps) {
          const h = await this.h(i);
          if (h) hs.push(h);
        }
        return s.restatus(hs);
      }
      case "local_status": {
        const slot = s.currentSlot();
        if (o.variant === 0) return s.followHead();
        if (o.variant === 1) return s.followHead({finalizedEpoch: Math.max(0, Math.floor(slot / 32) - 2)});
        if (o.variant === 2) return s.followHead({headSlot: Math.max(0, slot - 40)});
        return s.localStatus({...s.localStatusJson, finalizedRoot: "22".repeat(32), finalizedEpoch: s.localStatusJson.finalizedEpoch + 1});
      }
      case "goodbye_all":
        return s.goodbyeAll();
      case "reconnect": {
        const h = await this.h(o.p);
        if (!h || !s.connectionsOf(h).length) return;
        await s.request(h, "goodbye", o.code);
        for (const c of [...s.connectionsOf(h)]) await s.close(h, c);
        await this.wait(o.gap_ms);
        return this.connectWithHandshake(h, "inbound", undefined, true);
      }
      case "threshold": {
        const h = await this.h(o.p);
        if (!h) return;
        for (const a of o.plan) await s.reportPeer(h, a, "threshold");
        return;
      }
      case "conn_status": {
      if (s.formatVersion < 2) return; // a spec written before format v2: its config says version 1
      const h = await this.h(o.p);
      const list = h ? s.connectionsOf(h) : [];
      if (!list.length) return;
      const c = list[o.conn % list.length];
      await s.connectionStatus(h, o.status, c);
      if (o.close_after_ms < 0) return;
      await this.wait(o.close_after_ms);
      if (s.connectionsOf(h).includes(c)) await s.close(h, c);
      return;
    }
    case "local_custody":
      if (s.formatVersion < 2) return;
      return s.localCustody(o.n);
    case "ping_flood": {
        const h = await this.h(o.p);
        if (!h) return;
        for (let i = 0; i < o.n; i++) await s.request(h, "ping", String(i + 1));
        return;
      }
    }
    throw new Error(`unknown op ${o.op}`);
  }
}

/**
 * Records `spec` through the real Lodestar into `writer` ({write(line)}). Resets the fake clock
 * first, so cases run one after another in one process record exactly what a fresh process would.
 * Returns the session's stats.
 */
export async function playCase(spec, writer) {
  clock.reset();
  const cfg = {...spec.config};
  const small = spec.peers.length < 200;
  const s = new Session({
    scenario: `fuzz-${spec.seed}`,
    seed: spec.seed,
    note: "tools/fuzz: a differential fuzzing case",
    config: cfg,
    writer,
    fullCompare: small || cfg.disablePeerScoring === true,
  }).start();
  const p = new Player(s, spec);
  try {
    const conns = [];
    for (const c of spec.init ?? []) {
      const h = await p.h(c.p);
      if (h) conns.push({peer: h, direction: c.dir});
    }
    await s.init({connections: conns});
    p.initAt = s.now();
    for (const o of spec.ops) {
      if (p.full()) break;
      await p.op(o);
    }
    await s.finish();
  } catch (e) {
    // leave the global hooks clean for the next case
    try {
      await s.close_();
    } catch {}
    throw e;
  }
  return s.stats;
}
