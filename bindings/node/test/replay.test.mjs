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

const traces = process.env.PEER_REPLAY_TRACES;
const cli = process.env.PEER_REPLAY_CLI;
assert.ok(traces && cli, "PEER_REPLAY_TRACES and PEER_REPLAY_CLI must be set (ctest sets them)");

// Node 20 has no zstd: `peer-replay cat` decompresses.
const linesOf = (file) =>
  execFileSync(cli, ["cat", file], {maxBuffer: 1 << 30, encoding: "utf8"}).split("\n").filter((l) => l.length > 0);

const files = readdirSync(traces).filter((f) => f.endsWith(".jsonl.zst")).sort();

test("the corpus is there", () => assert.ok(files.length >= 40, `${files.length} traces in ${traces}`));

// An entry differs when any member differs under Object.is (-0 is not 0, NaN
// is NaN): the recorder's scoreDeltaFull and replay/score_delta.h.
const sameEntry = (a, b) =>
  Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => Object.is(a[k], b[k]));

// The expect's score part from the dumps before and after the event, as the
// recorder derives it: changed or new entries in `after`'s order, then the
// peers of `before` that are gone, in `before`'s order.
function scoreDelta(before, after) {
  const old = new Map(before.map((e) => [e.peer, e]));
  const present = new Set(after.map((e) => e.peer));
  return {
    scores: after.filter((e) => !old.has(e.peer) || !sameEntry(old.get(e.peer), e)),
    scores_removed: before.filter((e) => !present.has(e.peer)).map((e) => e.peer),
  };
}

// One expect against the engine, as strictly as `peer-replay check`: the
// actions exactly, and the scores bit for bit: the whole dump, or for a delta
// every entry the event added, changed or removed (an extra or a missing
// change anywhere in the store fails, not only on the peers the trace lists).
function compareExpect(where, rec, actions, before, after) {
  assert.deepStrictEqual(actions, rec.actions, `${where}: actions`);
  if (rec.scores_full) {
    assert.deepStrictEqual(after, rec.scores, `${where}: full score dump`);
    return;
  }
  const delta = scoreDelta(before, after);
  assert.deepStrictEqual(delta.scores, rec.scores ?? [], `${where}: score changes`);
  assert.deepStrictEqual(delta.scores_removed, rec.scores_removed ?? [], `${where}: scores removed`);
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
        assert.throws(() => compare({...rec, scores: rec.scores.slice(1)}), /score changes/);
        const ghost = {...rec.scores[0], peer: "16Uiu2HAmGhostPeerThatNeverChanged"};
        assert.throws(() => compare({...rec, scores: [...rec.scores, ghost]}), /score changes/);
        assert.throws(() => compare({...rec, scores_removed: [...(rec.scores_removed ?? []), rec.scores[0].peer]}), /scores removed/);
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
