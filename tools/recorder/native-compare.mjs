#!/usr/bin/env node
// Runs catalog scenarios twice over the same fake modules, once through Lodestar's
// PeerManager and once through the addon's NativePeerManager, and compares what
// the two runs did: every event record (with the inputs the peer manager read:
// Math.random draws, active subnets, gossip scores) and every expect record (the
// module calls, in order, and the score changes), line by line.
//
//   node tools/recorder/native-compare.mjs <scenario>... | --all [-j N]
//
// Each run is a child process (the fake clock and Math.random are per process).
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
  -j, --jobs N   runs at a time (default 2)
  -h, --help     this text

Exit codes: 0 no difference, 1 a difference or a failed run, 2 usage.`;

async function catalog() {
  const {scenarios} = await import("./scenarios/index.mjs");
  return scenarios;
}

// In a child: one scenario through one implementation, its records on stdout.
async function runChild(name, impl) {
  await import("./lib/env.mjs");
  const {Session} = await import("./lib/session.mjs");
  const sc = (await catalog()).find((s) => s.name === name);
  const lines = [];
  const writer = {write: (line) => lines.push(line)};
  const config = impl === "native" ? {...sc.config, metrics: false} : sc.config;
  const opts = {scenario: sc.name, seed: sc.seed, note: sc.note, config, writer};
  if (impl === "native") opts.impl = (await import("./lib/native-session.mjs")).nativeImpl(sc.config);
  const s = new Session(opts).start();
  await sc.run(s);
  await s.finish();
  process.stdout.write(lines.join("\n") + "\n");
}

function spawnRun(name, impl) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [self, "--child", impl, name], {stdio: ["ignore", "pipe", "pipe"]});
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

async function compareOne(name) {
  const [lodestar, nat] = await Promise.all([spawnRun(name, "lodestar"), spawnRun(name, "native")]);
  for (const [impl, r] of [["lodestar", lodestar], ["native", nat]]) {
    if (r.code !== 0) return {name, ok: false, why: `the ${impl} run failed (exit ${r.code}): ${r.err.trim().split("\n").slice(0, 6).join(" | ")}`};
  }
  const a = compared(lodestar.out);
  const b = compared(nat.out);
  const i = firstDifference(a, b);
  if (i < 0) return {name, ok: true, records: a.length};
  const cut = (s) => (s === undefined ? "(none)" : s.length > 400 ? s.slice(0, 400) + "..." : s);
  return {name, ok: false, why: `record ${i + 1} of ${Math.max(a.length, b.length)} differs:\n  lodestar: ${cut(a[i])}\n  native:   ${cut(b[i])}`};
}

await runTool(async () => {
  const argv = process.argv.slice(2);
  if (argv[0] === "--child") {
    await runChild(argv[2], argv[1]);
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
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const r = await compareOne(names[next++]);
      console.log(r.ok ? `ok   ${r.name} (${r.records} records)` : `DIFF ${r.name}: ${r.why}`);
      results.push(r);
    }
  };
  await Promise.all(Array.from({length: jobs}, worker));
  const bad = results.filter((r) => !r.ok);
  console.log(`${results.length - bad.length}/${results.length} scenarios: Lodestar's PeerManager and NativePeerManager made the same module calls (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  process.exit(bad.length ? 1 : 0);
});
