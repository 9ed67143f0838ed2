#!/usr/bin/env node
// Records scenarios of the catalog (scenarios/*.mjs) into traces/<name>.jsonl.zst.
//
//   node tools/recorder/record.mjs --list
//   node tools/recorder/record.mjs <name>... [--out DIR]
//   node tools/recorder/record.mjs --all [--out DIR] [-j N] [--manifest]
//
// One scenario per process (the fake clock and Math.random are per process); --all runs a child
// process per scenario, N at a time (default 1: the build machines are shared).
import {spawn} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {Progress, UsageError, integerOption, parseCommandLine, runTool} from "./lib/cli.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");

const HELP = `Records scenarios of the catalog (tools/recorder/scenarios/) through the real Lodestar peer manager.

usage:
  node tools/recorder/record.mjs --list
  node tools/recorder/record.mjs <scenario>... [--out DIR]
  node tools/recorder/record.mjs --all [--out DIR] [-j N] [--manifest]

options:
  --out DIR      where traces are written (default: traces/)
  --all          every scenario, one child process each
  -j, --jobs N   scenarios recorded at a time with --all (default 1)
  --manifest     with --all: write DIR/MANIFEST when every scenario was recorded
  --list         list the scenarios (name, seed, note)
  -q, --quiet    no progress line
  -h, --help     this text

A progress line (scenarios done, ETA) is drawn on stderr when it is a terminal.
Exit codes: 0 ok, 1 a scenario failed, 2 usage (one line on stderr).`;

function parseCli(argv) {
  const {values, positionals} = parseCommandLine(argv, {
    options: {
      out: {type: "string"},
      jobs: {type: "string", short: "j"},
      all: {type: "boolean"},
      list: {type: "boolean"},
      manifest: {type: "boolean"},
    },
    allowPositionals: true,
    help: HELP,
  });
  return {
    names: positionals,
    out: path.resolve(values.out ?? path.join(repo, "traces")),
    jobs: values.jobs === undefined ? 1 : integerOption("--jobs", values.jobs, {min: 1, max: 64}),
    all: Boolean(values.all),
    list: Boolean(values.list),
    manifest: Boolean(values.manifest),
    quiet: Boolean(values.quiet),
  };
}

async function catalog() {
  const {scenarios} = await import("./scenarios/index.mjs");
  return scenarios;
}

async function recordOne(name, out) {
  const list = await catalog();
  const sc = list.find((s) => s.name === name);
  if (!sc) throw new UsageError(`no scenario named "${name}" (see --list)`);
  const {recordScenario} = await import("./lib/run.mjs");
  const file = path.join(out, `${name}.jsonl.zst`);
  const t = performance.now();
  const stats = await recordScenario(sc, file);
  console.log(`${name}: ${stats.events} events, ${stats.actions} actions, ${stats.rand} draws, ${fs.statSync(file).size} bytes, ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

// The child's output passes through here, so the progress line is erased before each of its lines.
function runChild(name, out, progress) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), name, "--out", out], {stdio: ["ignore", "pipe", "pipe"]});
    for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
      from.on("data", (chunk) => {
        progress.clear();
        to.write(chunk);
      });
    }
    child.on("close", (code) => resolve(code));
  });
}

await runTool(async () => {
  const o = parseCli(process.argv.slice(2));
  if (o.list) {
    for (const s of await catalog()) console.log(`${s.name}\t${s.seed}\t${s.note ?? ""}`);
    process.exit(0);
  }
  if (!o.all && o.names.length === 0) throw new UsageError("name a scenario, or pass --all or --list (see --help)");
  if (o.all && o.names.length > 0) throw new UsageError("--all records every scenario: name none with it");
  const known = new Set((await catalog()).map((s) => s.name));
  for (const n of o.names) if (!known.has(n)) throw new UsageError(`no scenario named "${n}" (see --list)`);
  fs.mkdirSync(o.out, {recursive: true});
  if (o.all) {
    const names = [...known];
    const t0 = Date.now();
    const failed = [];
    const progress = new Progress({quiet: o.quiet, total: names.length, unit: "scenarios", label: "record"});
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < names.length) {
        const name = names[next++];
        const code = await runChild(name, o.out, progress);
        if (code !== 0) failed.push(name);
        progress.update(++done);
      }
    };
    progress.update(0);
    await Promise.all(Array.from({length: o.jobs}, worker));
    progress.clear();
    console.log(`recorded ${names.length - failed.length}/${names.length} scenarios in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    if (o.manifest && failed.length === 0) {
      const {writeManifest} = await import("./lib/manifest.mjs");
      writeManifest(o.out);
      console.log(`wrote ${path.join(o.out, "MANIFEST")}`);
    }
    if (failed.length) {
      console.error(`FAILED: ${failed.join(" ")}`);
      process.exit(1);
    }
    process.exit(0);
  }
  for (const n of o.names) await recordOne(n, o.out);
  process.exit(0);
});
