// The addon against Lodestar itself: every trace of the corpus is fed to
// PeerManager through the addon, event by event, and every action list and
// score the real Lodestar recorded must come back identical (doubles
// compared with Object.is, so bit for bit; for a score delta, every change in
// the whole store, as `peer-replay check` compares it). Run by ctest ("node addon: replays
// the corpus") with PEER_REPLAY_ADDON, PEER_REPLAY_CLI and PEER_REPLAY_TRACES set.
import assert from "node:assert/strict";
import {execFileSync} from "node:child_process";
import {readdirSync} from "node:fs";
import {createRequire} from "node:module";
import path from "node:path";
import {test} from "node:test";

const require = createRequire(import.meta.url);
const {PeerManager} = require("../index.js");
const {MetricsState, describeDifference, engineExpect, firstDifference, firstMetricsDifference} = require("../compare.js");

const traces = process.env.PEER_REPLAY_TRACES;
const cli = process.env.PEER_REPLAY_CLI;
assert.ok(traces && cli, "PEER_REPLAY_TRACES and PEER_REPLAY_CLI must be set (ctest sets them)");

// Node 20 has no zstd: `peer-replay cat` decompresses.
const linesOf = (file) =>
  execFileSync(cli, ["cat", file], {maxBuffer: 1 << 30, encoding: "utf8"}).split("\n").filter((l) => l.length > 0);

const files = readdirSync(traces).filter((f) => f.endsWith(".jsonl.zst")).sort();

test("the corpus is there", () => assert.ok(files.length >= 40, `${files.length} traces in ${traces}`));

// One expect against the engine, as strictly as `peer-replay check` (compare.js,
// the comparer shadow mode uses too): the actions exactly, and the scores bit
// for bit: the whole dump, or for a delta every entry the event added, changed
// or removed (an extra or a missing change anywhere in the store fails, not
// only on the peers the trace lists).
function compareExpect(where, rec, actions, before, after) {
  const d = firstDifference(rec, engineExpect(rec.seq, actions, before, after, rec.scores_full));
  if (d) assert.fail(`${where}: ${describeDifference(d)}`);
}

// Steps a whole trace through the addon, calling onExpect(rec, compare) for each expect.
function replay(name, lines, onExpect = (rec, compare) => compare(rec)) {
  const pm = new PeerManager(lines[0]);
  let actions = null;
  let seq = 0;
  let before = pm.dumpPeerScoreStats();
  let after = before;
  let expects = 0;
  for (let i = 1; i < lines.length; i++) {
    const rec = JSON.parse(lines[i]);
    if (rec.type === "event") {
      if (rec.kind === "timer") {
        // The addon's next timer is the one Lodestar fired: ties broken as fake-timers does.
        const next = pm.nextTimer();
        const want = {timer: rec.timer, t_ms: rec.t_ms, ...(rec.req !== undefined ? {req: rec.req} : {})};
        assert.deepStrictEqual(next, want, `${name}:${i + 1}: the next timer`);
      }
      before = after;
      actions = pm.step(lines[i]);  // the raw line: the addon parses exactly what the file holds
      after = pm.dumpPeerScoreStats();
      seq = rec.seq;
    } else if (rec.type === "expect") {
      assert.equal(rec.seq, seq, `${name}:${i + 1}: expect for an event not just stepped`);
      onExpect(rec, (r) => compareExpect(`${name}:${i + 1}`, r, actions, before, after));
      expects++;
    }
  }
  return {pm, expects};
}

for (const name of files) {
  test(name, () => {
    const {pm, expects} = replay(name, linesOf(path.join(traces, name)));
    assert.ok(expects > 0, `${name}: no expect compared`);
    assert.match(pm.stateDigest(), /^[0-9a-f]{16}$/);
  });
}

test("a score change the trace does not list, or one it lists that did not happen, fails", () => {
  // The first trace with a delta expect that lists a change: drop that change
  // (the engine's is then extra), or add one for a peer that did not change.
  let checked = 0;
  for (const name of files) {
    const lines = linesOf(path.join(traces, name));
    replay(name, lines, (rec, compare) => {
      compare(rec);
      if (checked === 0 && !rec.scores_full && rec.scores.length > 0) {
        assert.throws(() => compare({...rec, scores: rec.scores.slice(1)}), /: scores\[\d+\]/);
        const ghost = {...rec.scores[0], peer: "16Uiu2HAmGhostPeerThatNeverChanged"};
        assert.throws(() => compare({...rec, scores: [...rec.scores, ghost]}), /: scores\[\d+\]: expected \{.*Ghost.*\}, actual \(none\)/);
        assert.throws(() => compare({...rec, scores_removed: [...(rec.scores_removed ?? []), rec.scores[0].peer]}), /: scores_removed\[\d+\]/);
        checked++;
      }
    });
    if (checked > 0) break;
  }
  assert.equal(checked, 1, "no delta expect with a score change in the corpus");
});

test("bad input throws an Error naming what was wrong", () => {
  assert.throws(() => new PeerManager("{}"), /^Error: header:1: expected "format":"peer-replay-trace"/);
  assert.throws(() => new PeerManager("not json"), /^Error: header: invalid JSON/);
  const lines = linesOf(path.join(traces, files[0]));
  const pm = new PeerManager(lines[0]);
  assert.throws(() => pm.step('{"type":"event","seq":1,"t_ms":5,"kind":"no_such_kind"}'), /^Error: event:1: unknown event kind "no_such_kind"/);
  assert.throws(() => pm.step('{"type":"expect","seq":1,"actions":[]}'), /^Error: event:1: expected an event record/);
  assert.throws(() => pm.step(42), /^Error: event:1: expected an event record/);  // 42 is JSON text too
  assert.ok(Array.isArray(pm.step(lines[1])));  // the failed steps changed nothing: seq 1 still runs
});

// metrics(): scraped after every event as the recorder scraped Lodestar's registry, the last
// scrape's text holds exactly the series the trace's metrics records rebuild (FORMAT.md §8).
test("metrics() is the registry Lodestar recorded, in Prometheus text", () => {
  const name = "metrics-prune-queries.jsonl.zst";
  const lines = linesOf(path.join(traces, name));
  const pm = new PeerManager(lines[0]);
  const state = new MetricsState();
  let scrapes = 0;
  let text = "";
  for (const line of lines.slice(1)) {
    const rec = JSON.parse(line);
    if (rec.type === "event") {
      pm.step(line);
    } else if (rec.type === "metrics") {
      state.apply(rec);
      text = pm.metrics();
      const d = firstMetricsDifference(state, text);
      if (d) assert.fail(`${name}: seq ${rec.seq}: ${describeDifference(d)}`);
      scrapes++;
    }
  }
  assert.ok(scrapes > 0 && state.series.size > 0, `${name} has no metrics records`);
  // one series off either way is a difference (against the last scrape: a scrape changes the registry)
  const [first] = state.series.values();
  state.series.delete([...state.series.keys()][0]);
  assert.match(describeDifference(firstMetricsDifference(state, text)), /^metrics \w+.*: expected \(none\), actual \[/);
  state.apply({full: false, series: [first, {...first, labels: {...first.labels, ghost: "1"}}]});
  assert.match(describeDifference(firstMetricsDifference(state, text)), /ghost.*: expected .*, actual \(none\)/);
});

test("an event after a due timer is refused, and advance() fires the due timers in Lodestar's order", () => {
  // A stretch of a trace where several timer events follow each other with no
  // other event between: advance() to the last one's time, with the trace's
  // own members as the timer events' inputs, must fire the same timers in the
  // same order with the same actions as the recorded expects.
  let checked = 0;
  for (const name of files) {
    const lines = linesOf(path.join(traces, name));
    const records = lines.map((l) => JSON.parse(l));
    const events = records.map((r, i) => ({r, i})).filter(({r}) => r.type === "event");
    const expectOf = new Map(records.filter((r) => r.type === "expect").map((r) => [r.seq, r]));
    // The longest run of >= 3 timer events in a row, after init.
    let best = null;
    for (let a = 1; a < events.length; a++) {
      let b = a;
      while (b < events.length && events[b].r.kind === "timer") b++;
      if (b - a >= 3 && (best === null || b - a > best[1] - best[0])) best = [a, b];
    }
    if (best === null) continue;
    const [a, b] = best;
    const run = events.slice(a, b).map(({r}) => r);
    // The run may end in a tie with the next event's time; stop before timers due at that time.
    const end = run[run.length - 1].t_ms;
    if (b < events.length && events[b].r.t_ms === end) continue;
    const pm = new PeerManager(lines[0]);
    for (let k = 0; k < a; k++) pm.step(lines[events[k].i]);
    // Stepping the event after the run now would pass the run's timers: refused, nothing changed.
    if (b < events.length) {
      const digest = pm.stateDigest();
      const skipping = {...events[b].r, seq: run[0].seq};
      assert.throws(() => pm.step(skipping), /the engine has timer \w+( \(req \d+\))? due at t_ms \d+, before this event/);
      assert.equal(pm.stateDigest(), digest, `${name}: a refused step changed the engine`);
    }
    let next = 0;
    const fired = pm.advance(end, (timer) => {
      const rec = run[next++];
      assert.equal(timer.timer, rec.timer, `${name}: advance fires ${timer.timer} where the trace fires ${rec.timer}`);
      const {type, seq, t_ms, kind, timer: _, req, ...inputs} = rec;
      return inputs;
    });
    assert.equal(fired.length, run.length, `${name}: timers fired`);
    fired.forEach(({event, actions}, k) => {
      assert.equal(event.seq, run[k].seq);
      assert.equal(event.t_ms, run[k].t_ms);
      assert.deepStrictEqual(actions, expectOf.get(run[k].seq).actions, `${name}: seq ${run[k].seq} actions`);
    });
    assert.ok(pm.nextTimer() === null || pm.nextTimer().t_ms > end);
    checked++;
  }
  assert.ok(checked >= 5, `only ${checked} traces have a run of 3 timer events to advance over`);
});
