// Shadow mode: the engine runs beside a real Lodestar PeerManager, fed every
// record the live capture hook writes (tools/recorder/lib/live-shadow.mjs),
// and each expect record Lodestar produced is compared, as it happens, with
// what the engine produced for the same event. The comparison is the one of
// `peer-replay check`: the addon's ShadowReplayer is its replayer
// (replay/replayer.h LineReplayer) fed the capture's lines one at a time, so
// per record only the line the hook wrote crosses into C++ and only a verdict
// comes back. This file owns the log line, the counter and the perturbation's
// parsing; the hook owns the records and the repro file.
//
// shadow-serve.js puts the same ShadowReplayer behind the conformance
// protocol, so `peer-replay check --impl` replays a repro through this glue,
// test-only perturbation included.
"use strict";

const {ShadowReplayer} = require("./index.js");

const kDivergenceMetric = "peer_replay_shadow_divergences_total";

/**
 * The test-only perturbation (PEER_REPLAY_SHADOW_PERTURB): "action:N" drops
 * the N-th action the engine returns (counted from 1 over the whole run),
 * "score:N" adds 1 to the N-th score entry it reports. It stands for a bug in
 * what comes back from the engine; the engine itself is untouched (applied in
 * replay/replayer.cc, Perturbation).
 * @returns {{what: "action"|"score", n: number} | null}
 */
function parsePerturbation(text) {
  if (text === undefined || text === "") return null;
  const m = /^(action|score):([1-9][0-9]{0,8})$/.exec(text);
  if (!m) throw new TypeError(`PEER_REPLAY_SHADOW_PERTURB: expected action:N or score:N (N >= 1), got ${JSON.stringify(text)}`);
  return {what: m[1], n: Number(m[2])};
}

/**
 * The addon's ShadowReplayer for a header.
 * @param {string|object} header the header record or its JSON line
 * @param {{what: string, n: number} | null} perturb
 * @param {boolean} eventsOnly fed events alone, each answer()ed (shadow-serve.js)
 */
function makeReplayer(header, perturb, eventsOnly) {
  const line = typeof header === "string" ? header : JSON.stringify(header);
  return new ShadowReplayer(line, perturb?.what ?? "", perturb?.n ?? 0, eventsOnly);
}

/**
 * Compares a live PeerManager with the engine, record by record: built from
 * the capture's header, then every later line of the capture in order
 * (record(line); event(), expect() and metrics() say the same).
 */
class Shadow {
  /**
   * @param {string|object} header the capture's header record (or its line)
   * @param {object} [opts]
   * @param {object} [opts.register] a prom-client Registry (Lodestar's RegistryMetricCreator works):
   *   the divergence counter is registered there as peer_replay_shadow_divergences_total
   * @param {object} [opts.promClient] the prom-client module, when `register` has no counter() of its own
   * @param {(line: string) => void} [opts.log] one line per divergence (default: stderr)
   * @param {(d: object) => string | null} [opts.onDivergence] called first with
   *   {seq, event, member, expected, actual, headline}; returns the repro file it wrote, or null
   * @param {string} [opts.perturb] the test-only perturbation (parsePerturbation)
   * @param {{report: (d: object) => void, count: number}} [opts.reports] who reports each divergence
   *   instead of the DivergenceReports built from the options above (shadow-thread.js: the verdicts
   *   go back to the thread that owns the registry and the capture)
   */
  constructor(header, opts = {}) {
    this.replayer = makeReplayer(header, parsePerturbation(opts.perturb), false);
    this.reports = opts.reports ?? new DivergenceReports(opts);
  }

  /** Divergences reported so far. */
  get divergences() {
    return this.reports.count;
  }

  /** Expect records compared so far. */
  get compared() {
    return this.replayer.compared;
  }

  /** Null, or why the engine no longer follows (it refused an event): nothing after it is compared. */
  get stopped() {
    return this.replayer.stopped;
  }

  /**
   * The next line of the capture after the header (an event, expect, metrics or end record). A
   * divergence is reported when the record that closes its event arrives (the expect, or the metrics
   * record when the header says metrics follow), so that a repro cut there holds it. Throws on a line
   * that is no record of the capture.
   */
  record(line) {
    const d = this.replayer.feed(line);
    if (d !== undefined) this.reports.report(d);
  }

  /** An event record (`line`: its JSON text; the record itself is stringified when it is missing). */
  event(rec, line = JSON.stringify(rec)) {
    this.record(line);
  }

  /** Lodestar's expect record for the last event. */
  expect(rec, line = JSON.stringify(rec)) {
    this.record(line);
  }

  /** Lodestar's metrics record for the last event (FORMAT.md §8). */
  metrics(rec, line = JSON.stringify(rec)) {
    this.record(line);
  }

  /** Nothing to wait for: every verdict was reported as its record came in (ShadowThread has work here). */
  close() {}
}

/**
 * What a divergence becomes: the counter (the getter's and prom-client's), the repro (onDivergence) and
 * one log line. Shadow's, or ShadowThread's on the thread that owns the registry and the capture.
 */
class DivergenceReports {
  /** @param {object} opts Shadow's register, promClient, log and onDivergence */
  constructor(opts = {}) {
    this.log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.onDivergence = opts.onDivergence ?? (() => null);
    this.counter = opts.register ? makeCounter(opts.register, opts.promClient) : null;
    this.count = 0;
  }

  /** @param {{seq: number, event: string, member: string, expected: string, actual: string}} d the replayer's verdict */
  report(d) {
    this.count++;
    this.counter?.inc();
    let where = "";
    try {
      const repro = this.onDivergence(d);
      if (repro) where = `; repro ${repro}`;
    } catch (e) {
      where = `; no repro: ${e.message}`;
    }
    this.log(`peer-replay shadow: divergence at seq ${d.seq} (${d.event}): ${d.member}: expected ${d.expected}, actual ${d.actual}${where}`);
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

module.exports = {Shadow, DivergenceReports, makeReplayer, parsePerturbation, kDivergenceMetric};
