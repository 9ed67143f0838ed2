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

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");

function parseArgs(argv) {
  const o = {names: [], out: path.join(repo, "traces"), jobs: 1, all: false, list: false, manifest: false};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out") o.out = path.resolve(argv[++i]);
    else if (a === "-j" || a === "--jobs") o.jobs = Number(argv[++i]);
    else if (a === "--all") o.all = true;
    else if (a === "--list") o.list = true;
    else if (a === "--manifest") o.manifest = true;
    else if (a.startsWith("-")) throw new Error(`unknown option ${a}`);
    else o.names.push(a);
  }
  return o;
}

async function catalog() {
  const {scenarios} = await import("./scenarios/index.mjs");
  return scenarios;
}

async function recordOne(name, out) {
  const list = await catalog();
  const sc = list.find((s) => s.name === name);
  if (!sc) throw new Error(`no scenario named ${name} (see --list)`);
  const {recordScenario} = await import("./lib/run.mjs");
  const file = path.join(out, `${name}.jsonl.zst`);
  const t = performance.now();
  const stats = await recordScenario(sc, file);
  console.log(`${name}: ${stats.events} events, ${stats.actions} actions, ${stats.rand} draws, ${fs.statSync(file).size} bytes, ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

function runChild(name, out) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), name, "--out", out], {stdio: ["ignore", "inherit", "inherit"]});
    child.on("exit", (code) => resolve(code));
  });
}

const o = parseArgs(process.argv.slice(2));
if (o.list) {
  for (const s of await catalog()) console.log(`${s.name}\t${s.seed}\t${s.note ?? ""}`);
  process.exit(0);
}
fs.mkdirSync(o.out, {recursive: true});
if (o.all) {
  const names = (await catalog()).map((s) => s.name);
  const t0 = Date.now();
  const failed = [];
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++];
      if ((await runChild(name, o.out)) !== 0) failed.push(name);
    }
  };
  await Promise.all(Array.from({length: Math.max(1, o.jobs)}, worker));
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
if (o.names.length === 0) {
  console.error("usage: record.mjs --list | --all [--out DIR] [-j N] [--manifest] | <scenario>... [--out DIR]");
  process.exit(2);
}
for (const n of o.names) await recordOne(n, o.out);
process.exit(0);
