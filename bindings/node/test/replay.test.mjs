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
