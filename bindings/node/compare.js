// The one comparison of the engine's output with an expect record Lodestar wrote
// (traces/FORMAT.md §2.3), as strictly as `peer-replay check`: the action list
// exactly (order, kind, every member), the scores bit for bit (doubles under
// Object.is: -0 is not 0), and for a delta every entry the event added, changed
// or removed anywhere in the store. Owned here; the addon's corpus test
// (test/replay.test.mjs) and shadow mode (shadow.js) both use it.
"use strict";

// An entry differs when any member differs under Object.is: the recorder's
// sameScore and replay/score_delta.h.
const sameEntry = (a, b) =>
  Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => Object.is(a[k], b[k]));

/**
 * The expect's score part from the store's dumps before and after an event, as
 * the recorder derives it: changed or new entries in `after`'s order, then the
 * peers of `before` that are gone, in `before`'s order.
 */
function scoreDelta(before, after) {
  const old = new Map(before.map((e) => [e.peer, e]));
  const present = new Set(after.map((e) => e.peer));
  return {
    scores: after.filter((e) => !old.has(e.peer) || !sameEntry(old.get(e.peer), e)),
    scores_removed: before.filter((e) => !present.has(e.peer)).map((e) => e.peer),
  };
}

/** Whether the recorder writes the whole dump after this event (FORMAT.md §2.3). */
const isFullDumpEvent = (event) =>
  event.kind === "init" || event.kind === "committee_subscriptions" || (event.kind === "timer" && event.timer === "heartbeat");

/** The engine's side of an expect: its actions and its dumps before and after the event. */
function engineExpect(seq, actions, before, after, full) {
  if (full) return {type: "expect", seq, actions, scores: after, scores_removed: [], scores_full: true};
  return {type: "expect", seq, actions, ...scoreDelta(before, after), scores_full: false};
}

const kMaxDepth = 16;  // records nest at most 5 levels (FORMAT.md §1)

// The first member where two JSON values differ, as a path ("actions[0].reason"), or null.
function firstDifferingMember(path, expected, actual, depth) {
  if (depth > kMaxDepth) throw new RangeError(`${path}: nested deeper than ${kMaxDepth}`);
  const isObj = (v) => v !== null && typeof v === "object";
  if (!isObj(expected) || !isObj(actual) || Array.isArray(expected) !== Array.isArray(actual)) {
    return Object.is(expected, actual) ? null : {member: path, expected, actual};
  }
  if (Array.isArray(expected)) {
    const n = Math.max(expected.length, actual.length);
    for (let i = 0; i < n; i++) {
      const d = firstDifferingMember(`${path}[${i}]`, expected[i], actual[i], depth + 1);
      if (d) return d;
    }
    return null;
  }
  const keys = [...Object.keys(expected), ...Object.keys(actual).filter((k) => !Object.hasOwn(expected, k))];
  for (const k of keys) {
    const d = firstDifferingMember(path === "" ? k : `${path}.${k}`, expected[k], actual[k], depth + 1);
    if (d) return d;
  }
  return null;
}

/**
 * The first difference between an expect record Lodestar wrote and the
 * engine's (engineExpect), or null when they agree. A missing member or array
 * element is `undefined` on its side. Members compared: actions, scores,
 * scores_removed (absent in the record = empty), scores_full.
 * @returns {{member: string, expected: unknown, actual: unknown} | null}
 */
function firstDifference(expected, actual) {
  for (const k of ["actions", "scores_full", "scores", "scores_removed"]) {
    const want = k === "scores_full" ? Boolean(expected[k]) : (expected[k] ?? []);
    const d = firstDifferingMember(k, want, actual[k], 1);
    if (d) return d;
  }
  return null;
}

/** One line for a difference: `actions[0].reason: expected "250", actual "2"`. */
function describeDifference(d) {
  const text = (v) => (v === undefined ? "(none)" : Object.is(v, -0) ? "-0" : JSON.stringify(v));
  return `${d.member}: expected ${text(d.expected)}, actual ${text(d.actual)}`;
}

// ---------------------------------------------------------------- metrics (FORMAT.md §8)

const seriesKey = (name, labels) => `${name}${JSON.stringify(Object.entries(labels).sort())}`;

/**
 * The registry Lodestar's metrics records rebuild, record by record: a full
 * record replaces it, a delta adds or changes its series and drops `removed`.
 */
// A double as a trace holds it (FORMAT.md §4): the number, or for one JSON cannot carry (a gossip
// score, a score computed from it, a metrics value or sum) the spelling "+Inf", "-Inf" or "NaN".
const spelledNumber = (v) => (Number.isFinite(v) ? v : Number.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf");
const unspelledNumber = (v) => (v === "+Inf" ? Infinity : v === "-Inf" ? -Infinity : v === "NaN" ? NaN : v);

class MetricsState {
  constructor() {
    this.series = new Map();
  }
  apply(rec) {
    if (rec.full) this.series.clear();
    for (const s of rec.series) {
      const decoded = s.value !== undefined ? {...s, value: unspelledNumber(s.value)} : {...s, sum: unspelledNumber(s.sum)};
      this.series.set(seriesKey(s.name, s.labels), decoded);
    }
    for (const s of rec.removed ?? []) this.series.delete(seriesKey(s.name, s.labels));
  }
}

// A sample value as prom-client prints it: a number, "+Inf", "-Inf" or "Nan".
const promNumber = (t) => (t === "+Inf" ? Infinity : t === "-Inf" ? -Infinity : t === "Nan" ? NaN : Number(t));

/** Prometheus text (the engine's metrics()) as `name[labels without le]` -> sample values in text order. */
function parsePrometheusText(text) {
  const samples = new Map();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-z0-9_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`metrics: not a sample line: ${line}`);
    const labels = Object.fromEntries([...(m[2] ?? "").matchAll(/([A-Za-z]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    delete labels.le;
    const k = seriesKey(m[1], labels);
    const values = samples.get(k) ?? [];
    values.push(promNumber(m[3]));
    samples.set(k, values);
  }
  return samples;
}

/**
 * The first difference between the registry Lodestar's records rebuilt
 * (MetricsState) and the engine's scrape (Prometheus text), as a set of
 * series, values bit for bit; null when they agree.
 */
function firstMetricsDifference(state, text) {
  const samples = parsePrometheusText(text);
  const want = new Map();
  for (const s of state.series.values()) {
    if (s.value !== undefined) {
      want.set(seriesKey(s.name, s.labels), [s.value]);
    } else {
      want.set(seriesKey(`${s.name}_bucket`, s.labels), [...s.buckets, s.count]);
      want.set(seriesKey(`${s.name}_sum`, s.labels), [s.sum]);
      want.set(seriesKey(`${s.name}_count`, s.labels), [s.count]);
    }
  }
  for (const [k, v] of want) {
    const d = firstDifferingMember(`metrics ${k}`, v, samples.get(k), 1);
    if (d) return d;
  }
  for (const [k, v] of samples) if (!want.has(k)) return {member: `metrics ${k}`, expected: undefined, actual: v};
  return null;
}

module.exports = {
  sameEntry,
  scoreDelta,
  isFullDumpEvent,
  engineExpect,
  firstDifference,
  describeDifference,
  MetricsState,
  firstMetricsDifference,
  spelledNumber,
  unspelledNumber,
};
