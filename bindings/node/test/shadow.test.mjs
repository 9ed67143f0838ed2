// Shadow mode's verdicts (shadow.js), in process: corpus traces fed record by
// record as the live hook feeds them give no divergence; the test-only
// perturbation of what comes back from the engine gives exactly one, named by
// seq, event kind and member, counted by the getter and by the prom-client
// counter of the registry given; the same Shadow on a worker thread (shadow-thread.js)
// reports exactly what it reports on the caller's. Run by ctest ("node addon: shadow mode") with
// PEER_REPLAY_ADDON, PEER_REPLAY_CLI and PEER_REPLAY_TRACES set; prom-client
// comes from the recorder's node_modules (Lodestar's own).
import assert from "node:assert/strict";
import {execFileSync} from "node:child_process";
import {createRequire} from "node:module";
import path from "node:path";
import {test} from "node:test";
import {fileURLToPath} from "node:url";

const require = createRequire(import.meta.url);
const {Shadow, kDivergenceMetric, parsePerturbation} = require("../shadow.js");
const {ShadowThread} = require("../shadow-thread.js");
const here = path.dirname(fileURLToPath(import.meta.url));
const promClient = createRequire(path.join(here, "../../../tools/recorder/package.json"))("prom-client");

const traces = process.env.PEER_REPLAY_TRACES;
const cli = process.env.PEER_REPLAY_CLI;
assert.ok(traces && cli, "PEER_REPLAY_TRACES and PEER_REPLAY_CLI must be set (ctest sets them)");
const linesOf = (name) =>
  execFileSync(cli, ["cat", path.join(traces, name)], {maxBuffer: 1 << 30, encoding: "utf8"}).split("\n").filter((l) => l.length > 0);

// A trace through a Shadow as the live hook feeds it; returns the shadow and its log lines.
function shadowOver(lines, opts = {}) {
  const log = [];
  const shadow = new Shadow(lines[0], {log: (l) => log.push(l), ...opts});
  for (const line of lines.slice(1)) shadow.record(line);
  return {shadow, log};
}

const expectsOf = (lines) => lines.filter((l) => l.startsWith('{"type":"expect"')).length;
const counterValue = async (register) => (await register.getSingleMetric(kDivergenceMetric).get()).values[0]?.value ?? 0;

// Traces with every event kind of format v1 and v2 between them, scores full and delta, metrics on.
const SAMPLE = ["connection-closing-heartbeat.jsonl.zst", "local-custody-change.jsonl.zst", "ban-and-cooldown-expiry.jsonl.zst",
  "goodbye-timeout.jsonl.zst", "prune-low-score.jsonl.zst", "metrics-prune-queries.jsonl.zst", "restatus-peers.jsonl.zst"];

for (const name of SAMPLE) {
  test(`${name}: every expect compared, no divergence`, async () => {
    const lines = linesOf(name);
    const register = new promClient.Registry();
    const {shadow, log} = shadowOver(lines, {register, promClient});
    assert.deepEqual(log, []);
    assert.equal(shadow.divergences, 0);
    assert.equal(shadow.compared, expectsOf(lines));
    assert.ok(shadow.compared > 10);
    assert.equal(await counterValue(register), 0);
  });
}

test("a dropped action is one divergence, named by seq, event and member, and counted", async () => {
  const lines = linesOf("goodbye-timeout.jsonl.zst");
  const records = lines.map((l) => JSON.parse(l));
  // the 3rd action of the run and the event that makes it
  let n = 0;
  const hit = records.find((r) => r.type === "expect" && (n += r.actions.length) >= 3);
  const idx = 3 - (n - hit.actions.length) - 1;  // where the 3rd action of the run is in this event's list
  const event = records.find((r) => r.type === "event" && r.seq === hit.seq);
  const register = new promClient.Registry();
  const seen = [];
  const {shadow, log} = shadowOver(lines, {register, promClient, perturb: "action:3", onDivergence: (d) => (seen.push(d), "/x/repro.jsonl.zst")});
  assert.equal(shadow.divergences, 1);
  assert.equal(log.length, 1);
  const kind = event.kind === "timer" ? `timer ${event.timer}` : event.kind;
  assert.ok(log[0].startsWith(`peer-replay shadow: divergence at seq ${hit.seq} (${kind}): actions[${idx}]`), log[0]);
  assert.ok(log[0].endsWith("; repro /x/repro.jsonl.zst"), log[0]);
  assert.equal(seen.length, 1);
  assert.equal(seen[0].seq, hit.seq);
  assert.ok(seen[0].member.startsWith(`actions[${idx}]`), seen[0].member);
  assert.equal(shadow.compared, expectsOf(lines));  // it went on comparing after the divergence
  assert.equal(await counterValue(register), 1);
});

test("a changed score is one divergence on that entry's score, bit for bit", () => {
  const lines = linesOf("ban-and-cooldown-expiry.jsonl.zst");
  const {shadow, log} = shadowOver(lines, {perturb: "score:2"});
  assert.equal(shadow.divergences, 1);
  assert.match(log[0], /^peer-replay shadow: divergence at seq \d+ \([a-z_ ]+\): scores\[\d+\]\.score: expected -?[0-9.e-]+, actual -?[0-9.e-]+$/);
});

test("Lodestar's registry creator gets the counter through its own counter()", async () => {
  const lines = linesOf("goodbye-timeout.jsonl.zst");
  const register = new promClient.Registry();
  const made = [];
  register.counter = (config) => (made.push(config.name), new promClient.Counter({...config, registers: [register]}));
  shadowOver(lines, {register, perturb: "action:1"});
  shadowOver(lines, {register, perturb: "action:1"});  // a second shadow on the same registry shares it
  assert.deepEqual(made, [kDivergenceMetric]);
  assert.equal(await counterValue(register), 2);
});

test("an event the engine refuses is a divergence, and the shadow stops following", () => {
  const lines = linesOf("goodbye-timeout.jsonl.zst");
  const bad = [lines[0], lines[1], lines[2], lines[1], lines[2], lines[3], lines[4]];  // seq 1 again, then on
  const {shadow, log} = shadowOver(bad);
  assert.equal(shadow.divergences, 1);
  assert.match(log[0], /^peer-replay shadow: divergence at seq 1 \(init\): event: expected "accepted", actual "refused: capture:4: expected /);
  assert.ok(shadow.stopped);
});

test("a bad perturbation is a TypeError naming the variable", () => {
  assert.equal(parsePerturbation(undefined), null);
  assert.deepEqual(parsePerturbation("score:12"), {what: "score", n: 12});
  for (const bad of ["action", "action:0", "actions:1", "action:-1", "action:1x"]) {
    assert.throws(() => parsePerturbation(bad), /^TypeError: PEER_REPLAY_SHADOW_PERTURB: expected action:N or score:N/);
  }
});

// ---- the same Shadow on a worker thread (shadow-thread.js)

/** `lines` through a Shadow on this thread and through a ShadowThread: what each reported. */
async function bothWays(lines, opts = {}, feed = (t, line) => t.record(line)) {
  const out = [];
  for (const Kind of [Shadow, ShadowThread]) {
    const log = [];
    const repros = [];
    const failures = [];
    const register = new promClient.Registry();
    const shadow = new Kind(lines[0], {
      log: (l) => log.push(l), register, promClient, onDivergence: (d) => (repros.push(d.seq), `/x/${d.seq}`),
      onFailure: (where, message) => failures.push(message), ...opts,
    });
    for (const line of lines.slice(1)) {
      try {
        feed(shadow, line);
      } catch (e) {
        failures.push(e.message);  // the synchronous path throws at the line; the thread reports it
        break;
      }
    }
    shadow.close();
    out.push({log, repros, failures, divergences: shadow.divergences, compared: shadow.compared, stopped: shadow.stopped,
      counter: await counterValue(register)});
  }
  return out;
}

for (const [name, perturb] of [["goodbye-timeout.jsonl.zst", "action:3"], ["ban-and-cooldown-expiry.jsonl.zst", "score:2"],
  ["metrics-prune-queries.jsonl.zst", "action:7"], ["prune-low-score.jsonl.zst", undefined]]) {
  test(`${name}${perturb ? `, ${perturb}` : ""}: the worker thread reports what the caller's thread reports`, async () => {
    const lines = linesOf(name);
    const [here, thread] = await bothWays(lines, {perturb});
    assert.deepEqual(thread, here);
    assert.equal(here.compared, expectsOf(lines));
    assert.equal(here.divergences, perturb ? 1 : 0);
  });
}

test("the worker thread reports a refused event as the caller's does, and stops following", async () => {
  const lines = linesOf("goodbye-timeout.jsonl.zst");
  const [here, thread] = await bothWays([lines[0], lines[1], lines[2], lines[1], lines[2], lines[3], lines[4]]);
  assert.deepEqual(thread, here);
  assert.equal(here.divergences, 1);
  assert.ok(here.stopped);
});

test("a line that is no record: thrown on the caller's thread, reported through onFailure by the worker's", async () => {
  const lines = linesOf("goodbye-timeout.jsonl.zst");
  const [here, thread] = await bothWays([...lines.slice(0, 5), "{not json", ...lines.slice(5)]);
  assert.equal(here.failures.length, 1);
  assert.deepEqual(thread.failures, here.failures);
  assert.deepEqual(thread.log, []);
});

test("a ring smaller than the trace, the writer waiting for room: the lines wrap around it, the same verdicts", async () => {
  const lines = linesOf("ban-and-cooldown-expiry.jsonl.zst");
  const queueBytes = 16 << 10;
  const total = lines.reduce((a, l) => a + Buffer.byteLength(l) + 1, 0);
  assert.ok(total > 20 * queueBytes, `${total} bytes`);
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const until = performance.now() + 30_000;  // a worker that stopped taking lines makes it fall behind, and fail below
  const patient = (t, line) => {
    // ShadowThread only: wait until the line fits (the node never waits: a line that does not fit stops it)
    if (t instanceof ShadowThread) while (t.queued + Buffer.byteLength(line) + 1 >= queueBytes && performance.now() < until) Atomics.wait(nap, 0, 0, 1);
    t.record(line);
  };
  const [here, thread] = await bothWays(lines, {perturb: "score:40", queueBytes}, patient);
  assert.deepEqual(thread, here);
  assert.equal(here.divergences, 1);
});

test("the lines as the live writer's frames (text(): whole lines, already UTF-8), through a small ring: the same verdicts", async () => {
  const lines = linesOf("metrics-prune-queries.jsonl.zst");
  const queueBytes = 64 << 10;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const until = performance.now() + 30_000;
  let frame = [];
  let frameBytes = 0;
  // Frames of about 6 KiB, each handed over whole once the ring has room for it (the thread's
  // side: the Shadow on this thread takes its lines one by one, as before).
  const handOver = (t) => {
    const text = Buffer.from(frame.map((l) => `${l}\n`).join(""), "utf8");
    while (t.queued + text.length >= queueBytes && performance.now() < until) Atomics.wait(nap, 0, 0, 1);
    t.text(text);
    frame = [];
    frameBytes = 0;
  };
  const byFrames = (t, line) => {
    if (!(t instanceof ShadowThread)) return t.record(line);
    frame.push(line);
    frameBytes += Buffer.byteLength(line) + 1;
    if (frameBytes >= 6 << 10 || line === lines[lines.length - 1]) handOver(t);
  };
  const [here, thread] = await bothWays(lines, {perturb: "action:7", queueBytes}, byFrames);
  assert.deepEqual(thread, here);
  assert.equal(here.divergences, 1);
  assert.equal(here.compared, expectsOf(lines));
});

test("a frame that does not fit in the ring stops the comparison: one line, its lines counted", async () => {
  const lines = linesOf("goodbye-timeout.jsonl.zst");
  const log = [];
  const t = new ShadowThread(lines[0], {log: (l) => log.push(l), queueBytes: 1024});
  const text = Buffer.from(lines.slice(1).map((l) => `${l}\n`).join(""), "utf8");
  assert.ok(text.length > 1024);
  t.text(text);
  t.text(Buffer.from(`${lines[1]}\n`, "utf8"));  // after the stop: counted, not handed over
  t.close();
  assert.equal(log.length, 1, log.join("\n"));
  assert.match(log[0], /^peer-replay shadow: stopped comparing: its thread fell behind at event 1: 0 bytes queued, \d+ more did not fit in PEER_REPLAY_LIVE_SHADOW_QUEUE_BYTES=1024$/);
  assert.equal(t.stopped, `${log[0].replace("peer-replay shadow: stopped comparing: ", "")}; ${lines.length} lines not handed over`);
  assert.equal(t.compared, 0);
});

test("a line that does not fit in the ring stops the comparison: one line, counted, never silent", async () => {
  const lines = linesOf("metrics-prune-queries.jsonl.zst");
  const queueBytes = 4096;
  const big = lines.findIndex((l, i) => i > 0 && Buffer.byteLength(l) + 1 > queueBytes);  // can never fit
  assert.ok(big > 1, "the trace has a line longer than the ring");
  const log = [];
  const t = new ShadowThread(lines[0], {log: (l) => log.push(l), queueBytes});
  for (const line of lines.slice(1)) t.record(line);
  t.close();
  assert.equal(log.length, 1, log.join("\n"));
  const m = /^peer-replay shadow: stopped comparing: its thread fell behind at ([a-z]+ \d+): (\d+) bytes queued, (\d+) more did not fit in PEER_REPLAY_LIVE_SHADOW_QUEUE_BYTES=4096$/.exec(log[0]);
  assert.ok(m, log[0]);
  const at = lines.findIndex((l) => l.startsWith(`{"type":"${m[1].split(" ")[0]}","seq":${m[1].split(" ")[1]},`));
  assert.ok(at > 0 && at <= big, `stopped at line ${at}, the long line is ${big}`);
  assert.equal(t.stopped, `${log[0].replace("peer-replay shadow: stopped comparing: ", "")}; ${lines.length - at} lines not handed over`);
  assert.equal(t.compared, expectsOf(lines.slice(0, at)));  // everything handed over was compared
  assert.equal(t.divergences, 0);
});

test("PEER_REPLAY_LIVE_SHADOW_QUEUE_BYTES: the default, or an integer in range", () => {
  const {queueBytesOf, kDefaultQueueBytes} = require("../shadow-thread.js");
  assert.equal(queueBytesOf(undefined), kDefaultQueueBytes);
  assert.equal(queueBytesOf("65536"), 65536);
  for (const bad of ["1k", "0", "-5", "1.5", String(2 ** 31)]) assert.throws(() => queueBytesOf(bad), /^TypeError: PEER_REPLAY_LIVE_SHADOW_QUEUE_BYTES: expected an integer/);
});
