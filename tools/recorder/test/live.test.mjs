// The live hook, loaded with --import into a process that builds a PeerManager as the beacon node does,
// writes a valid live trace whose actions are exactly the module calls made, whose scores add up
// to the peer manager's final dumpPeerScoreStats(), and which `peer-replay check` replays: it must
// conform (a trace that is only written proves nothing about the events' boundaries). Also: a
// pseudonymised capture conforms and names no real peer; a capture killed with SIGKILL, rotated into
// segments, is read to its last complete record and reported TRUNCATED (exit 3).
// Needs tools/recorder/setup.sh (node_modules) and PEER_REPLAY_BIN (the built peer-replay).
import assert from "node:assert/strict";
import {spawn, spawnSync} from "node:child_process";
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
const HOOK = path.join(here, "..", "live.mjs");
const DRIVER = path.join(here, "..", "test-fixtures", "live-driver.mjs");
const BIN = process.env.PEER_REPLAY_BIN;

function peerReplay(...args) {
  assert.ok(BIN && fs.existsSync(BIN), `PEER_REPLAY_BIN must name the built peer-replay (got ${BIN})`);
  return spawnSync(BIN, args, {encoding: "utf8", timeout: 120_000});
}

function record(out, env = {}) {
  const r = spawnSync(process.execPath, ["--import", HOOK, DRIVER], {
    env: {...process.env, PEER_REPLAY_LIVE_OUT: out, PEER_REPLAY_SCENARIO: "live-test", ...env},
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

function assertConforms(file) {
  const c = peerReplay("check", file);
  assert.equal(c.status, 0, `peer-replay check ${file}:\n${c.stdout}${c.stderr}`);
  assert.match(c.stdout, /^PASS /m);
}

test("live capture of a PeerManager built like NetworkCore.init replays and conforms", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peer-replay-live-"));
  const out = path.join(dir, "live.jsonl.zst");
  const seen = record(out);
  const text = readTraceText(out);
  const v = validateTrace(text);
  assert.equal(v.header.producer.mode, "live");
  assert.equal(v.header.format_version, 2);
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
    "timer:goodbye_timeout", "connection_status", "local_custody"]) {
    assert.ok(kinds[k], `no ${k} event`);
  }
  // every module call the synthetic environment saw is an action of the trace, and nothing else
  const {discover_peers: _, ...traced} = actions;
  assert.deepEqual(traced, seen.calls);
  // the score deltas add up to the final state
  const final = new Map(seen.finalScores.map((s) => [s.peerId, encScore(s)]));
  assert.deepEqual(new Map([...scores].sort()), new Map([...final].sort()));
  // and the engine, fed the events, does what Lodestar did, record by record
  assertConforms(out);
  fs.rmSync(dir, {recursive: true, force: true});
});

test("a real-time capture under load (late timers, racing inputs) conforms", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peer-replay-live-"));
  const r = spawnSync(process.execPath, ["--import", HOOK, DRIVER], {
    env: {...process.env, PEER_REPLAY_LIVE_OUT: dir, LIVE_DRIVER_SECONDS: "5"},
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const stats = JSON.parse(r.stdout.trim().split("\n").pop());
  assert.ok(stats.trace_events > 500, `${stats.trace_events} events`);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".jsonl.zst"));
  assert.equal(files.length, 1);
  assertConforms(path.join(dir, files[0]));
  fs.rmSync(dir, {recursive: true, force: true});
});

test("a pseudonymised live capture conforms and names no real peer id", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peer-replay-live-"));
  const plain = path.join(dir, "plain.jsonl.zst");
  const pseud = path.join(dir, "pseud.jsonl.zst");
  const seen = record(plain);
  record(pseud, {PEER_REPLAY_LIVE_PSEUDONYMIZE: "00112233445566778899aabbccddeeff"});
  const text = readTraceText(pseud);
  validateTrace(text);
  for (const s of seen.finalScores) assert.ok(!text.includes(s.peerId), `${s.peerId} left in the pseudonymised trace`);
  assert.match(text, /"peer":"peer-[a-z2-7]{26}"/);
  // the same key gives the same pseudonyms: the two traces differ only in their peer ids
  const anon = (t) => t.replace(/"(?:16Uiu2|peer-)[^"]*"/g, '"P"').replace(/"t_ms":\d+/g, "").replace(/"(?:last_update_ms|lastUpdate)":\d+/g, "");
  assert.equal(anon(text).split("\n").length, anon(readTraceText(plain)).split("\n").length);
  assertConforms(pseud);
  fs.rmSync(dir, {recursive: true, force: true});
});

test("a capture killed with SIGKILL, rotated into segments, is checked as TRUNCATED", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peer-replay-live-"));
  const env = {
    ...process.env,
    PEER_REPLAY_LIVE_OUT: dir,
    PEER_REPLAY_SCENARIO: "live-kill",
    PEER_REPLAY_LIVE_FLUSH_MS: "20",
    PEER_REPLAY_LIVE_ROTATE_BYTES: "1500",
    LIVE_DRIVER_HANG: "1",
  };
  const child = spawn(process.execPath, ["--import", HOOK, DRIVER], {env, stdio: ["ignore", "pipe", "pipe"]});
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`driver did not reach its hang point: ${stderr}`)), 120_000);
    child.stdout.on("data", (d) => {
      stdout += d;
      if (stdout.includes('{"hang":true}')) {
        clearTimeout(t);
        resolve();
      }
    });
  });
  await new Promise((r) => setTimeout(r, 300)); // several flush periods: every record is in a frame
  const exited = new Promise((r) => child.on("exit", (code, signal) => r(signal)));
  child.kill("SIGKILL");
  assert.equal(await exited, "SIGKILL");

  const files = fs.readdirSync(dir).sort();
  const first = files.filter((f) => f.endsWith(".jsonl.zst"));
  assert.equal(first.length, 1, `one trace named *.jsonl.zst: ${files}`);
  assert.ok(files.some((f) => f.endsWith(".jsonl.zst.000002")), `rotated into segments: ${files}`);
  assert.ok(!files.some((f) => f.includes(".tmp")), `no temporary file: ${files}`);
  // the directory, as README documents: exit 3, TRUNCATED, not a divergence
  const c = peerReplay("check", dir);
  assert.equal(c.status, 3, `${c.stdout}${c.stderr}`);
  assert.match(c.stdout, /^TRUNCATED +\S+: truncated \(no end record\): \d+ events up to the last complete record conform/m);
  // a frame cut in the middle (the kill during a write) reads to the last complete line, still exit 3
  const segs = files.filter((f) => f !== first[0]).map((f) => path.join(dir, f));
  const last = segs.filter((f) => fs.statSync(f).size > 0).pop();
  const bytes = fs.readFileSync(last);
  fs.writeFileSync(last, bytes.subarray(0, bytes.length - 7));
  const cut = peerReplay("check", path.join(dir, first[0]));
  assert.equal(cut.status, 3, `${cut.stdout}${cut.stderr}`);
  assert.match(cut.stdout, /truncated \(the file ends inside zstd frame \d+/);
  fs.rmSync(dir, {recursive: true, force: true});
});
