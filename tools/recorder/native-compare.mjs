#!/usr/bin/env node
// Runs catalog scenarios twice over the same fake modules, once through Lodestar's
// PeerManager and once through the addon's NativePeerManager, and compares what
// the two runs did: every event record (with the inputs the peer manager read:
// Math.random draws, active subnets, gossip scores) and every expect record (the
// module calls, in order, and the score changes), line by line.
//
//   node tools/recorder/native-compare.mjs <scenario>... | --all [-j N]
//
// Each implementation runs in a child process of its own, the scenarios one after
// the other (the fake clock is reset and Math.random re-seeded between them, so
// each starts as in a fresh process; loading Lodestar takes most of a child's
// time). The two children run at once.
// Metrics records are not compared here (the Lodestar run's registry is fed by
// Lodestar's PeerManager only; the engine's metrics are compared by the corpus
// replay). Exit codes: 0 no difference, 1 a difference or a failed run, 2 usage.
import {spawn} from "node:child_process";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {UsageError, integerOption, parseCommandLine, runTool} from "./lib/cli.mjs";

const self = fileURLToPath(import.meta.url);

const HELP = `Compares Lodestar's PeerManager and the addon's NativePeerManager over catalog scenarios.

usage:
  node tools/recorder/native-compare.mjs <scenario>... [-j N]
  node tools/recorder/native-compare.mjs --all [-j N]

options:
  --all          every scenario of the catalog
  -j, --jobs N   pairs of child processes (default 1: two processes, one per implementation)
  -h, --help     this text

Exit codes: 0 no difference, 1 a difference or a failed run, 2 usage.`;

async function catalog() {
  const {scenarios} = await import("./scenarios/index.mjs");
  return scenarios;
}

// In a child: scenarios through one implementation, each's records on stdout after a
// "#scenario <name>" line and before a "#done <name>" line ("#failed <name> <why>" when it threw).
async function runChild(impl, names) {
  const {clock} = await import("./lib/env.mjs");
  const {Session} = await import("./lib/session.mjs");
  const list = await catalog();
  // An error thrown in a module's event listener surfaces here: it fails the scenario that raised it.
  let uncaught = null;
  process.on("uncaughtException", (e) => (uncaught ??= e));
  for (const name of names) {
    uncaught = null;
    const sc = list.find((s) => s.name === name);
    const lines = [`#scenario ${name}`];
    const writer = {write: (line) => lines.push(line)};
    const config = impl === "native" ? {...sc.config, metrics: false} : sc.config;
    const opts = {scenario: sc.name, seed: sc.seed, note: sc.note, config, writer};
    if (impl === "native") opts.impl = (await import("./lib/native-session.mjs")).nativeImpl(sc.config);
    try {
      const s = new Session(opts).start();
      await sc.run(s);
      await s.finish();
      if (uncaught !== null) throw uncaught;
    } catch (e) {
      lines.push(`#failed ${name} ${String(e?.stack ?? e).split("\n").slice(0, 4).join(" | ")}`);
    }
    lines.push(`#done ${name}`);
    // A pipe takes large writes asynchronously: the process must not exit before this one is out.
    await new Promise((resolve) => process.stdout.write(lines.join("\n") + "\n", resolve));
    clock.reset();
  }
}

function spawnRun(names, impl) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [self, "--child", impl, names.join(",")], {stdio: ["ignore", "pipe", "pipe"]});
    const out = [];
    const err = [];
    child.stdout.on("data", (c) => out.push(c));
    child.stderr.on("data", (c) => err.push(c));
    child.on("close", (code) => resolve({code, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString()}));
  });
}

// The records compared: events and expects, in order.
const compared = (text) => text.split("\n").filter((l) => l.startsWith('{"type":"event"') || l.startsWith('{"type":"expect"'));

function firstDifference(a, b) {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}

// A child's output by scenario: name -> its lines, or {failed: why}. A scenario without its
// "#done" line was cut short (the child died or its output was lost) and fails.
function byScenario(out) {
  const m = new Map();
  let cur = null;
  const done = new Set();
  for (const line of out.split("\n")) {
    if (line.startsWith("#scenario ")) m.set((cur = line.slice(10)), []);
    else if (line.startsWith("#done ")) done.add(line.slice(6));
    else if (line.startsWith("#failed ")) m.set(line.split(" ")[1], {failed: line.slice(8)});
    else if (cur !== null && Array.isArray(m.get(cur))) m.get(cur).push(line);
  }
  for (const [name, lines] of m) if (Array.isArray(lines) && !done.has(name)) m.set(name, {failed: "its output ends before the scenario's end"});
  return m;
}

function compareOne(name, lodestar, nat) {
  for (const [impl, r] of [["lodestar", lodestar], ["native", nat]]) {
    const got = r.runs.get(name);
    if (got === undefined) return {name, ok: false, why: `the ${impl} run did not reach it (exit ${r.code}): ${r.err.trim().split("\n").slice(0, 6).join(" | ")}`};
    if (!Array.isArray(got)) return {name, ok: false, why: `the ${impl} run failed: ${got.failed}`};
  }
  const a = compared(lodestar.runs.get(name).join("\n"));
  const b = compared(nat.runs.get(name).join("\n"));
  const i = firstDifference(a, b);
  if (i < 0) return {name, ok: true, records: a.length};
  const cut = (s) => (s === undefined ? "(none)" : s.length > 400 ? s.slice(0, 400) + "..." : s);
  return {name, ok: false, why: `record ${i + 1} of ${Math.max(a.length, b.length)} differs:\n  lodestar: ${cut(a[i])}\n  native:   ${cut(b[i])}`};
}

await runTool(async () => {
  const argv = process.argv.slice(2);
  if (argv[0] === "--child") {
    await runChild(argv[1], argv[2].split(","));
    process.exit(0);
  }
  const {values, positionals} = parseCommandLine(argv, {
    options: {all: {type: "boolean"}, jobs: {type: "string", short: "j"}},
    allowPositionals: true,
    help: HELP,
  });
  const known = (await catalog()).map((s) => s.name);
  if (values.all && positionals.length > 0) throw new UsageError("--all compares every scenario: name none with it");
  if (!values.all && positionals.length === 0) throw new UsageError("name a scenario, or pass --all (see --help)");
  for (const n of positionals) if (!known.includes(n)) throw new UsageError(`no scenario named "${n}"`);
  const names = values.all ? known : positionals;
  const jobs = values.jobs === undefined ? 1 : integerOption("--jobs", values.jobs, {min: 1, max: 16});
  const t0 = Date.now();
  const results = [];
  // `jobs` slices of the list, each run by a pair of children.
  const slices = Array.from({length: Math.min(jobs, names.length)}, (_, k) => names.filter((_, i) => i % jobs === k));
  await Promise.all(
    slices.map(async (slice) => {
      const [lodestar, nat] = await Promise.all([spawnRun(slice, "lodestar"), spawnRun(slice, "native")]);
      for (const r of [lodestar, nat]) r.runs = byScenario(r.out);
      for (const name of slice) {
        const r = compareOne(name, lodestar, nat);
        console.log(r.ok ? `ok   ${r.name} (${r.records} records)` : `DIFF ${r.name}: ${r.why}`);
        results.push(r);
      }
    })
  );
  const bad = results.filter((r) => !r.ok);
  console.log(`${results.length - bad.length}/${results.length} scenarios: Lodestar's PeerManager and NativePeerManager made the same module calls (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  process.exit(bad.length ? 1 : 0);
});
