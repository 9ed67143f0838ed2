// summary.mjs prints the figures the speed targets are judged on: the median
// of the rounds' ratios, the lowest round and every round. Here it runs on
// JSON files made up for the purpose (the shapes run.sh's stages write), and
// its lines are checked against ratios worked out by hand.
// Run: node --test tools/bench/side_by_side/summary.test.mjs   (no npm install)
import assert from "node:assert/strict";
import {execFileSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {test} from "node:test";
import {fileURLToPath} from "node:url";

const summary = path.join(path.dirname(fileURLToPath(import.meta.url)), "summary.mjs");

// Writes one run's files: per round, the TS and engine figures of stage 1
// (prioritizePeers at 1000 peers only) and stage 2, then the heartbeats.
function writeRun(dir, rounds) {
  rounds.forEach((r, i) => {
    const k = i + 1;
    fs.writeFileSync(path.join(dir, `engine-results.r${k}.json`), JSON.stringify([
      {bench: "prioritizePeers", n: 1000, ts_mean_us: r.prioTs, ts_best_us: r.prioTs, engine_mean_us: r.prioEngine,
        engine_best_us: r.prioEngine, output: "identical"},
    ]));
    const kinds = {response: {events: 10, ms: 1, median_us: r.responseTs}};
    fs.writeFileSync(path.join(dir, `trace.ts.r${k}.json`), JSON.stringify({
      peer_code_ms: 1000 / r.traceTs, events_per_s: r.traceTs, by_kind: kinds}));
    fs.writeFileSync(path.join(dir, `trace.engine.r${k}.json`), JSON.stringify({
      step_loop_ms: 1000 / r.traceEngine, events_per_s: r.traceEngine, by_kind: {response: {events: 10, ms: 0.1, median_us: 0.1}}}));
  });
  fs.writeFileSync(path.join(dir, "hb50.ts.json"), JSON.stringify({heartbeat_us: 400}));
  fs.writeFileSync(path.join(dir, "hb50.engine.json"), JSON.stringify({by_kind: {committee_subscriptions: {median_us: 4}}}));
}

function run(rounds) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "summary-test-"));
  try {
    writeRun(dir, rounds);
    return execFileSync("node", [summary, dir, "--events", "1000", "--rounds", String(rounds.length), "--rss-kb", "2048",
      "--check-wall", "0:01.00", "--heartbeat-peers", "50"], {encoding: "utf8"});
  } finally {
    fs.rmSync(dir, {recursive: true, force: true});
  }
}

const lineOf = (out, needle) => out.split("\n").find((l) => l.includes(needle)) ?? "";

test("odd rounds: the middle ratio is the headline, the lowest and every round are printed", () => {
  // Trace ratios (engine events/s over TS events/s): 50, 80, 40; prioritizePeers: 100, 150, 90.
  const out = run([
    {prioTs: 2000, prioEngine: 20, traceTs: 1000, traceEngine: 50000, responseTs: 1},
    {prioTs: 3000, prioEngine: 20, traceTs: 1000, traceEngine: 80000, responseTs: 2},
    {prioTs: 2700, prioEngine: 30, traceTs: 2000, traceEngine: 80000, responseTs: 3},
  ]);
  assert.match(lineOf(out, "prioritizePeers"), /ratio +100\.0x +lowest +90\.0x +rounds 100\.0x 150\.0x 90\.0x/);
  assert.match(out, /ratio +50\.0x +lowest +40\.0x +rounds 50\.0x 80\.0x 40\.0x/);
  // Per kind: from the round whose ratio is the median one (round 1).
  assert.match(out, /per event kind in round 1 /);
  assert.match(lineOf(out, "    response"), /1\.0 +0\.10 +10x/);
  assert.match(lineOf(out, "50 peers"), /Lodestar +400 +engine +4\.0 +100x/);
});

test("even rounds: the mean of the middle two; per kind from the lower middle round", () => {
  // Trace ratios 60, 40, 70, 50: median 55; prioritizePeers 120, 80, 100, 200: median 110.
  const out = run([
    {prioTs: 2400, prioEngine: 20, traceTs: 1000, traceEngine: 60000, responseTs: 1},
    {prioTs: 1600, prioEngine: 20, traceTs: 1000, traceEngine: 40000, responseTs: 2},
    {prioTs: 2000, prioEngine: 20, traceTs: 1000, traceEngine: 70000, responseTs: 3},
    {prioTs: 4000, prioEngine: 20, traceTs: 1000, traceEngine: 50000, responseTs: 4},
  ]);
  assert.match(lineOf(out, "prioritizePeers"), /ratio +110\.0x +lowest +80\.0x/);
  assert.match(out, /ratio +55\.0x +lowest +40\.0x +rounds 60\.0x 40\.0x 70\.0x 50\.0x/);
  assert.match(out, /per event kind in round 4 /);  // ratios sorted 40 50 60 70: the lower middle is 50, round 4
});

test("a missing argument is refused with exit code 2", () => {
  assert.throws(() => execFileSync("node", [summary, os.tmpdir(), "--events", "1"], {stdio: "pipe"}),
    (e) => e.status === 2 && /missing --rounds/.test(String(e.stderr)));
});
