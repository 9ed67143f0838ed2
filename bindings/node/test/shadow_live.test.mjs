// Shadow mode beside the real Lodestar PeerManager (PEER_REPLAY_LIVE_SHADOW=1):
//  - the recorder's fake libp2p (record.mjs) over corpus scenarios: every expect and
//    metrics record compared as it is written, none may diverge;
//  - the live capture hook (node --import tools/recorder/live.mjs) over the live
//    test's driver (a PeerManager built as NetworkCore.init does): the same;
//  - a test-only bug in the glue (PEER_REPLAY_SHADOW_PERTURB drops one action coming
//    back from the engine), through both: exactly one divergence line and a repro
//    trace that `peer-replay check --impl` through the same glue fails at that event;
//  - the shadow on its worker thread (the default) and on the node's own thread
//    (PEER_REPLAY_LIVE_SHADOW_THREAD=0) report the same lines.
// ctest ("node addon: shadow mode beside the live hook") runs SUBSET;
// PEER_REPLAY_SHADOW_SCENARIOS=all runs every scenario of the catalog (docs/LIVE_CAPTURE.md).
// Needs PEER_REPLAY_ADDON, PEER_REPLAY_CLI and the recorder's node_modules.
import assert from "node:assert/strict";
import {spawn, spawnSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {test} from "node:test";
import {fileURLToPath} from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const recorder = path.join(here, "../../../tools/recorder");
const HOOK = path.join(recorder, "live.mjs");
const RECORD = path.join(recorder, "record.mjs");
const SERVE = path.join(here, "../shadow-serve.js");
const DRIVER = path.join(recorder, "test-fixtures", "live-driver.mjs");
const cli = process.env.PEER_REPLAY_CLI;
assert.ok(cli && process.env.PEER_REPLAY_ADDON, "PEER_REPLAY_CLI and PEER_REPLAY_ADDON must be set (ctest sets them)");

// Every event kind of format v2 and every action kind between them, scores full and delta, metrics on.
const SUBSET = ["connection-closing-heartbeat", "local-custody-change", "goodbye-timeout", "prune-low-score",
  "metrics-prune-queries", "restatus-peers", "response-errors", "bootstrap-open-connections"];

function allScenarios() {
  const r = spawnSync(process.execPath, [RECORD, "--list"], {encoding: "utf8"});
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split("\n").map((l) => l.split("\t")[0]);
}

/** Runs node with `args` and shadow mode on; resolves to its stderr once it exited 0. */
function runShadowed(args, env) {
  const child = spawn(process.execPath, args, {env: {...process.env, PEER_REPLAY_LIVE_SHADOW: "1", ...env}, stdio: ["ignore", "ignore", "pipe"]});
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) =>
    child.on("exit", (code) => {
      assert.equal(code, 0, `node ${args.join(" ")} exited ${code}:\n${stderr}`);
      resolve(stderr);
    })
  );
}

/** One scenario through the fake libp2p, shadow on; resolves to {dir, stderr, trace}. */
async function recordWithShadow(name, env = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `peer-replay-shadow-${name}-`));
  const stderr = await runShadowed([RECORD, name, "--out", dir, "--quiet"], env);
  return {dir, stderr, trace: path.join(dir, `${name}.jsonl.zst`)};
}

/** The live hook over the live test's driver (fake timers), shadow on; resolves to {dir, stderr, trace}. */
async function captureWithShadow(env = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peer-replay-shadow-live-"));
  const trace = path.join(dir, "live.jsonl.zst");
  const stderr = await runShadowed(["--import", HOOK, DRIVER], {PEER_REPLAY_LIVE_OUT: trace, ...env});
  return {dir, stderr, trace};
}

const expectsIn = (file) => catLines(file).filter((l) => l.startsWith('{"type":"expect"')).length;

/** No divergence, and every expect of the trace compared. */
function assertClean(what, stderr, trace) {
  assert.doesNotMatch(stderr, /peer-replay shadow: (divergence|off)/, `${what}:\n${stderr}`);
  const m = /^peer-replay shadow: (\d+) events compared, (\d+) divergences$/m.exec(stderr);
  assert.ok(m, `${what}: no shadow summary line:\n${stderr}`);
  assert.equal(Number(m[2]), 0, what);
  const expects = expectsIn(trace);
  assert.equal(Number(m[1]), expects, `${what}: compared ${m[1]} of ${expects} expects`);
  assert.ok(expects > 5, `${what}: ${expects} expects`);
  return expects;
}

/**
 * The injected bug: one divergence line; the repro is the trace up to that event (and its metrics
 * record) plus an end record; check --impl through the glue with the bug diverges at that seq, on
 * that member; without it, and the C++ engine alone, pass.
 */
function assertOneDivergenceWithRepro(stderr, trace, perturb) {
  const lines = stderr.split("\n").filter((l) => l.startsWith("peer-replay shadow: divergence"));
  assert.equal(lines.length, 1, stderr);
  const m = /^peer-replay shadow: divergence at seq (\d+) \(([a-z_ ]+)\): (actions\[\d+\])[^:]*: expected .*, actual .*; repro (\S+)$/.exec(lines[0]);
  assert.ok(m, lines[0]);
  const [, seq, , member, repro] = m;
  assert.match(stderr, /^peer-replay shadow: \d+ events compared, 1 divergences$/m);
  assert.equal(repro, trace.replace(/\.jsonl\.zst$/, `-shadow-seq${seq}.jsonl.zst`));
  assert.deepEqual(fs.readdirSync(path.dirname(trace)).filter((f) => f.includes(".tmp")), []);

  const whole = catLines(trace);
  const cut = catLines(repro);
  let last = whole.findIndex((l) => l.startsWith(`{"type":"expect","seq":${seq},`));
  if (whole[last + 1]?.startsWith(`{"type":"metrics","seq":${seq},`)) last++;
  assert.deepEqual(cut.slice(0, -1), whole.slice(0, last + 1));
  assert.deepEqual(JSON.parse(cut[cut.length - 1]), {type: "end", events: Number(seq)});

  const impl = (env) => spawnSync(cli, ["check", "--impl", `${process.execPath} ${SERVE}`, repro], {encoding: "utf8", env: {...process.env, ...env}});
  const bad = impl(perturb);
  assert.equal(bad.status, 1, `${bad.stdout}${bad.stderr}`);
  assert.match(bad.stdout, new RegExp(`^DIVERGENCE \\S+:\\d+ \\(event seq ${seq}[,)]`, "m"));
  assert.ok(bad.stdout.includes(member), bad.stdout);
  const clean = impl({});
  assert.equal(clean.status, 0, `${clean.stdout}${clean.stderr}`);
  const engine = spawnSync(cli, ["check", repro], {encoding: "utf8"});
  assert.equal(engine.status, 0, `${engine.stdout}${engine.stderr}`);
}

const catLines = (file) => execText(cli, ["cat", file]).split("\n").filter((l) => l.length > 0);
function execText(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, {encoding: "utf8", maxBuffer: 1 << 30, env});
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")}: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
}

/** Runs tasks two at a time (the machines are 2 cores). */
async function pool(items, fn, width = 2) {
  const out = [];
  let next = 0;
  await Promise.all(Array.from({length: width}, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

const scenarios = process.env.PEER_REPLAY_SHADOW_SCENARIOS === "all" ? allScenarios() : SUBSET;

test(`the fake libp2p over ${scenarios.length} scenarios, shadow on: every expect compared, 0 divergences`, async () => {
  // every scenario runs; the failures are listed together at the end
  const results = await pool(scenarios, async (name) => {
    try {
      const {dir, stderr, trace} = await recordWithShadow(name);
      const expects = assertClean(name, stderr, trace);
      fs.rmSync(dir, {recursive: true, force: true});
      return {name, expects};
    } catch (e) {
      return {name, error: e.message};
    }
  });
  const failed = results.filter((r) => r.error !== undefined);
  assert.deepEqual(failed, [], failed.map((r) => `${r.name}: ${r.error}`).join("\n"));
  process.stdout.write(`# ${scenarios.length} scenarios, ${results.reduce((a, r) => a + r.expects, 0)} expects compared\n`);
});

test("the live hook over a PeerManager built as NetworkCore.init does, shadow on: 0 divergences", async () => {
  const {dir, stderr, trace} = await captureWithShadow();
  assertClean("live capture", stderr, trace);
  fs.rmSync(dir, {recursive: true, force: true});
});

test("a dropped action from the engine, fake libp2p with metrics: one divergence, a repro check --impl fails at it", async () => {
  const perturb = {PEER_REPLAY_SHADOW_PERTURB: "action:5"};
  const {dir, stderr, trace} = await recordWithShadow("goodbye-timeout", perturb);
  assertOneDivergenceWithRepro(stderr, trace, perturb);
  fs.rmSync(dir, {recursive: true, force: true});
});

test("a dropped action from the engine, live hook: one divergence, a repro check --impl fails at it", async () => {
  const perturb = {PEER_REPLAY_SHADOW_PERTURB: "action:3"};
  const {dir, stderr, trace} = await captureWithShadow(perturb);
  assertOneDivergenceWithRepro(stderr, trace, perturb);
  fs.rmSync(dir, {recursive: true, force: true});
});

test("live hook: the shadow on its worker thread and on the node's thread report the same lines", async () => {
  // the driver's fake timers make the two captures the same, record for record
  const perturb = {PEER_REPLAY_SHADOW_PERTURB: "action:7"};
  const [thread, here] = await Promise.all([captureWithShadow(perturb), captureWithShadow({...perturb, PEER_REPLAY_LIVE_SHADOW_THREAD: "0"})]);
  const shadowLines = ({dir, stderr}) => stderr.split("\n").filter((l) => l.startsWith("peer-replay shadow:")).map((l) => l.replaceAll(dir, "DIR"));
  assert.deepEqual(shadowLines(thread), shadowLines(here));
  assert.equal(shadowLines(here).length, 2);  // the divergence and the summary
  assert.match(shadowLines(here)[1], /^peer-replay shadow: \d+ events compared, 1 divergences$/);
  for (const r of [thread, here]) fs.rmSync(r.dir, {recursive: true, force: true});
});
