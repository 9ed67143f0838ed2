// Shadow mode's verdicts (shadow.js), in process: corpus traces fed record by
// record as the live hook feeds them give no divergence; the test-only
// perturbation of what comes back from the engine gives exactly one, named by
// seq, event kind and member, counted by the getter and by the prom-client
// counter of the registry given. Run by ctest ("node addon: shadow mode") with
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
