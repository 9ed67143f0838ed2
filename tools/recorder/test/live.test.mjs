// The live hook, loaded with --import into a process that builds a PeerManager as the beacon node does,
// writes a valid live trace whose actions are exactly the module calls made and whose scores add up
// to the peer manager's final dumpPeerScoreStats(). Needs tools/recorder/setup.sh (node_modules).
import assert from "node:assert/strict";
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {test} from "node:test";
import {fileURLToPath} from "node:url";
import {encScore} from "../lib/codec.mjs";
import {LODESTAR_VERSION} from "../lib/constants.mjs";
import {validateTrace} from "../lib/validate.mjs";
import {readTraceText} from "../lib/writer.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));

test("live capture of a PeerManager built like NetworkCore.init", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peer-replay-live-"));
  const out = path.join(dir, "live.jsonl.zst");
  const r = spawnSync(process.execPath, ["--import", path.join(here, "..", "live.mjs"), path.join(here, "..", "test-fixtures", "live-driver.mjs")], {
    env: {...process.env, PEER_REPLAY_LIVE_OUT: out, PEER_REPLAY_SCENARIO: "live-test"},
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const seen = JSON.parse(r.stdout.trim().split("\n").pop());
  const text = readTraceText(out);
  const v = validateTrace(text);
  assert.equal(v.header.producer.mode, "live");
  assert.equal(v.header.scenario, "live-test");
  assert.equal(v.header.producer.packages["@lodestar/beacon-node"], LODESTAR_VERSION);
  assert.ok(v.end, "end record");

  const kinds = {};
  const actions = {};
  const scores = new Map();
  for (const line of text.trim().split("\n").slice(1)) {
    const rec = JSON.parse(line);
    if (rec.type === "event") kinds[rec.kind === "timer" ? `timer:${rec.timer}` : rec.kind] = true;
    if (rec.type !== "expect") continue;
    for (const a of rec.actions) actions[a.kind] = (actions[a.kind] ?? 0) + 1;
    if (rec.scores_full) scores.clear();
    for (const e of rec.scores) scores.set(e.peer, e);
    for (const p of rec.scores_removed) scores.delete(p);
  }
  for (const k of ["init", "connection_open", "connection_close", "request", "response", "report_peer", "local_status", "restatus_peers",
    "committee_subscriptions", "goodbye_all", "timer:startup_ping_status", "timer:heartbeat", "timer:ping_status", "timer:gossip_scores",
    "timer:goodbye_timeout"]) {
    assert.ok(kinds[k], `no ${k} event`);
  }
  // every module call the synthetic environment saw is an action of the trace, and nothing else
  const {discover_peers: _, ...traced} = actions;
  assert.deepEqual(traced, seen.calls);
  // the score deltas add up to the final state
  const final = new Map(seen.finalScores.map((s) => [s.peerId, encScore(s)]));
  assert.deepEqual(new Map([...scores].sort()), new Map([...final].sort()));
  fs.rmSync(dir, {recursive: true, force: true});
});
