// The addon against Lodestar itself: every trace of the corpus is fed to
// PeerManager through the addon, event by event, and every action list and
// score the real Lodestar recorded must come back identical (doubles
// compared with Object.is, so bit for bit). Run by ctest ("node addon: replays
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

for (const name of files) {
  test(name, () => {
    const lines = linesOf(path.join(traces, name));
    const pm = new PeerManager(lines[0]);
    let actions = null;
    let seq = 0;
    let expects = 0;
    for (let i = 1; i < lines.length; i++) {
      const rec = JSON.parse(lines[i]);
      if (rec.type === "event") {
        actions = pm.step(lines[i]);  // the raw line: the addon parses exactly what the file holds
        seq = rec.seq;
      } else if (rec.type === "expect") {
        assert.equal(rec.seq, seq, `${name}:${i + 1}: expect for an event not just stepped`);
        assert.deepStrictEqual(actions, rec.actions, `${name}:${i + 1}: actions`);
        const dump = pm.dumpPeerScoreStats();
        if (rec.scores_full) {
          assert.deepStrictEqual(dump, rec.scores, `${name}:${i + 1}: full score dump`);
        } else {
          const byPeer = new Map(dump.map((e) => [e.peer, e]));
          for (const e of rec.scores ?? []) assert.deepStrictEqual(byPeer.get(e.peer), e, `${name}:${i + 1}: score of ${e.peer}`);
          for (const p of rec.scores_removed ?? []) assert.ok(!byPeer.has(p), `${name}:${i + 1}: ${p} still scored`);
        }
        expects++;
      }
    }
    assert.ok(expects > 0, `${name}: no expect compared`);
    assert.match(pm.stateDigest(), /^[0-9a-f]{16}$/);
  });
}

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
  let text = "";
  const expected = new Map();
  const key = (n, labels) => `${n}${JSON.stringify(Object.entries(labels).sort())}`;
  for (const line of lines.slice(1)) {
    const rec = JSON.parse(line);
    if (rec.type === "event") {
      pm.step(line);
      text = pm.metrics();
    } else if (rec.type === "metrics") {
      if (rec.full) expected.clear();
      for (const s of rec.series) expected.set(key(s.name, s.labels), s);
      for (const s of rec.removed ?? []) expected.delete(key(s.name, s.labels));
    }
  }
  assert.ok(expected.size > 0, `${name} has no metrics records`);
  const samples = new Map();  // `name[labels without le]` -> values in text order
  for (const l of text.split("\n")) {
    if (l === "" || l.startsWith("#")) continue;
    const m = /^([a-z0-9_]+)(?:\{(.*)\})? (\S+)$/.exec(l);
    assert.ok(m, `not a sample line: ${l}`);
    const labels = Object.fromEntries([...(m[2] ?? "").matchAll(/([A-Za-z]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    delete labels.le;
    const k = key(m[1], labels);
    samples.set(k, [...(samples.get(k) ?? []), Number(m[3])]);
  }
  let seen = 0;
  for (const s of expected.values()) {
    if (s.value !== undefined) {
      assert.deepStrictEqual(samples.get(key(s.name, s.labels)), [s.value], `${s.name} ${JSON.stringify(s.labels)}`);
      seen += 1;
    } else {
      assert.deepStrictEqual(samples.get(key(`${s.name}_bucket`, s.labels)), [...s.buckets, s.count], `${s.name} buckets`);
      assert.deepStrictEqual(samples.get(key(`${s.name}_sum`, s.labels)), [s.sum], `${s.name} sum`);
      assert.deepStrictEqual(samples.get(key(`${s.name}_count`, s.labels)), [s.count], `${s.name} count`);
      seen += 3;
    }
  }
  assert.equal(samples.size, seen, "the text has series the registry has not");
});
