// Shadow mode: the engine runs beside a real Lodestar PeerManager, fed every
// record the live capture hook writes (tools/recorder/lib/live-shadow.mjs),
// and each expect record Lodestar produced is compared, as it happens, with
// what the engine produced for the same event (compare.js, the comparer of the
// addon's corpus test). This file owns the engine side and the verdicts; the
// hook owns the records and the repro file.
//
// ShadowEngine is also what shadow-serve.js puts behind the conformance
// protocol, so `peer-replay check --impl` replays a repro through exactly this
// glue, test-only perturbation included.
"use strict";

const {PeerManager} = require("./index.js");
const {MetricsState, describeDifference, engineExpect, firstDifference, firstMetricsDifference, isFullDumpEvent, sameEntry} =
  require("./compare.js");

const kDivergenceMetric = "peer_replay_shadow_divergences_total";

/**
 * The test-only perturbation (PEER_REPLAY_SHADOW_PERTURB): "action:N" drops
 * the N-th action the engine returns (counted from 1 over the whole run),
 * "score:N" adds 1 to the N-th score entry it reports. It stands for a bug in
 * what comes back from the engine; the C++ engine itself is untouched.
 * @returns {{what: "action"|"score", n: number} | null}
 */
function parsePerturbation(text) {
  if (text === undefined || text === "") return null;
  const m = /^(action|score):([1-9][0-9]{0,8})$/.exec(text);
  if (!m) throw new TypeError(`PEER_REPLAY_SHADOW_PERTURB: expected action:N or score:N (N >= 1), got ${JSON.stringify(text)}`);
  return {what: m[1], n: Number(m[2])};
}

/** The engine as an expect-record producer: each event in, the expect the recorder would write out. */
class ShadowEngine {
  /**
   * @param {string|object} header the trace header record
   * @param {{perturb?: {what: string, n: number} | null}} [opts]
   */
  constructor(header, {perturb = null} = {}) {
    this.pm = new PeerManager(header);
    const h = typeof header === "string" ? JSON.parse(header) : header;
    // The store's change notes spare a full dump per event, except under MaxScore (disablePeerScoring),
    // whose entries' lastUpdate moves with the clock without a write (as the replayer does).
    this.notes = !h.config?.disablePeerScoring;
    if (this.notes) this.pm.scoreChanges();
    this.prev = new Map(this.pm.dumpPeerScoreStats().map((e) => [e.peer, e]));  // the store, in dump order
    this.perturb = perturb;
    this.seen = 0;  // actions (or score entries) returned so far, for the perturbation
  }

  /**
   * @param {object} event the event record, parsed
   * @param {string} [line] the same record as JSON text (saves a stringify)
   * @returns {object} the engine's expect record for it
   */
  step(event, line = JSON.stringify(event)) {
    const actions = this.pm.step(line);
    const full = isFullDumpEvent(event);
    const changes = this.notes ? this.pm.scoreChanges() : {all: true};
    let out;
    if (full || changes.all) {
      const after = this.pm.dumpPeerScoreStats();
      out = engineExpect(event.seq, actions, [...this.prev.values()], after, full);
      this.prev = new Map(after.map((e) => [e.peer, e]));
    } else {
      // written entries that differ from what was reported; a new one is appended, as in the dump
      const scores = changes.entries.filter((e) => !this.prev.has(e.peer) || !sameEntry(this.prev.get(e.peer), e));
      for (const e of scores) this.prev.set(e.peer, e);
      out = {type: "expect", seq: event.seq, actions, scores, scores_removed: [], scores_full: false};
    }
    if (this.perturb) this.applyPerturbation(out);
    return out;
  }

  applyPerturbation(out) {
    const isAction = this.perturb.what === "action";
    const list = isAction ? out.actions : out.scores;
    const k = this.perturb.n - 1 - this.seen;  // where the N-th item of the run falls in this list
    this.seen += list.length;
    if (k < 0 || k >= list.length) return;
    // new arrays: a full dump's list holds the entries of `prev`
    if (isAction) out.actions = list.filter((_, i) => i !== k);
    else out.scores = list.map((e, i) => (i === k ? {...e, score: e.score + 1} : e));
  }
}

const eventName = (event) => (event.kind === "timer" ? `timer ${event.timer}` : event.kind);

/**
 * Compares a live PeerManager with the engine, record by record: built from
 * the capture's header, then event() and expect() for each event in order.
 */
class Shadow {
  /**
   * @param {string|object} header the capture's header record
   * @param {object} [opts]
   * @param {object} [opts.register] a prom-client Registry (Lodestar's RegistryMetricCreator works):
   *   the divergence counter is registered there as peer_replay_shadow_divergences_total
   * @param {object} [opts.promClient] the prom-client module, when `register` has no counter() of its own
   * @param {(line: string) => void} [opts.log] one line per divergence (default: stderr)
   * @param {(d: object) => string | null} [opts.onDivergence] called first with
   *   {seq, event, member, expected, actual}; returns the repro file it wrote, or null
   * @param {string} [opts.perturb] the test-only perturbation (parsePerturbation)
   */
  constructor(header, opts = {}) {
    this.engine = new ShadowEngine(header, {perturb: parsePerturbation(opts.perturb)});
    this.log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.onDivergence = opts.onDivergence ?? (() => null);
    this.counter = opts.register ? makeCounter(opts.register, opts.promClient) : null;
    this.divergenceCount = 0;
    this.comparedCount = 0;
    this.pending = null;  // {event, actual}: the engine's expect for the last event, until Lodestar's comes
    const h = typeof header === "string" ? JSON.parse(header) : header;
    this.withMetrics = h.metrics === true;  // a metrics record follows each expect (FORMAT.md §8)
    this.metricsState = new MetricsState();  // the registry Lodestar's metrics records rebuild
    this.held = null;  // {event, d}: an expect's verdict, until the event's metrics record
    this.stopped = null;  // why the engine can no longer follow (it refused an event)
  }

  /** Divergences reported so far. */
  get divergences() {
    return this.divergenceCount;
  }

  /** Expect records compared so far. */
  get compared() {
    return this.comparedCount;
  }

  /** An event record the live PeerManager handles (`line`: its JSON text, when at hand). */
  event(event, line) {
    if (this.stopped) return;
    try {
      this.pending = {event, actual: this.engine.step(event, line)};
    } catch (e) {
      this.pending = {event, refused: e.message};
    }
  }

  /** Lodestar's expect record for the last event. */
  expect(rec) {
    const p = this.pending;
    if (!p || p.event.seq !== rec.seq) return;
    this.pending = null;
    let d;
    if (p.refused !== undefined) {
      // The engine's state no longer follows Lodestar's: nothing after this can be compared.
      this.stopped = p.refused;
      d = {member: "event", expected: "accepted", actual: `refused: ${p.refused}`};
    } else {
      this.comparedCount++;
      d = firstDifference(rec, p.actual);
    }
    // With metrics records, the verdict waits for the event's metrics record, so that a repro holds it.
    if (this.withMetrics) this.held = {event: p.event, d};
    else if (d) this.report(p.event, d);
  }

  /**
   * Lodestar's metrics record for the last event (FORMAT.md §8; the scripted recorder writes them, a
   * live capture does not): the registry it rebuilds against the engine's scrape, bit for bit.
   */
  metrics(rec) {
    const held = this.held;
    if (!held || held.event.seq !== rec.seq) return;
    this.held = null;
    let d = held.d;
    if (!this.stopped) {
      this.metricsState.apply(rec);
      // scraped after every event, as the recorder did (a scrape changes the registry, FORMAT.md §8.1)
      const m = firstMetricsDifference(this.metricsState, this.engine.pm.metrics());
      d ??= m;
    }
    if (d) this.report(held.event, d);
  }

  report(event, d) {
    this.divergenceCount++;
    this.counter?.inc();
    let where = "";
    try {
      const repro = this.onDivergence({seq: event.seq, event, ...d});
      if (repro) where = `; repro ${repro}`;
    } catch (e) {
      where = `; no repro: ${e.message}`;
    }
    this.log(`peer-replay shadow: divergence at seq ${event.seq} (${eventName(event)}): ${describeDifference(d)}${where}`);
  }
}

function makeCounter(register, promClient) {
  // one counter per registry, shared by the shadows of the PeerManagers it serves
  const existing = register.getSingleMetric?.(kDivergenceMetric);
  if (existing) return existing;
  const config = {name: kDivergenceMetric, help: "Events where the peer-replay engine's actions or scores differed from Lodestar's (shadow mode)"};
  if (typeof register.counter === "function") return register.counter(config);
  if (!promClient?.Counter) throw new TypeError("Shadow: opts.register has no counter(); pass opts.promClient (the prom-client module) too");
  return new promClient.Counter({...config, registers: [register]});
}

module.exports = {Shadow, ShadowEngine, parsePerturbation, kDivergenceMetric};
