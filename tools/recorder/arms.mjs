#!/usr/bin/env node
// Decision-arm coverage of Lodestar's network/peers (lib/arms.mjs) from the command line.
//
//   node tools/recorder/arms.mjs [--json FILE] [--list] -- <node script> [args...]
//       runs `node <script> args` (and every node child it starts) with the network/peers JS
//       instrumented, then reports the arms it took. E.g. one scenario:
//       node tools/recorder/arms.mjs --json /tmp/a.json -- tools/recorder/record.mjs prune-low-score --out /tmp/t
//   node tools/recorder/arms.mjs --counters DIR [--json FILE] [--list]
//       reports from counter files already written by processes started with
//       NODE_OPTIONS="--import <abs path>/lib/arms-register.mjs" PEER_REPLAY_ARMS_DIR=DIR (coverage.sh).
//
// Prints "arms: <taken>/<total>" and one line per file; --list prints every arm with its hits.
// --json writes {taken, total, files: [{file, arms, taken}], arms: [{id, file, line, column, kind,
// label, text, hits}]}. Exit status: the script's when it failed, else 0; 2 on bad usage.
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {armsOf, mergeCounterFiles} from "./lib/arms.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const register = path.join(here, "lib", "arms-register.mjs");

function usage(msg) {
  console.error(`arms.mjs: ${msg}\nusage: arms.mjs [--json FILE] [--list] (-- <script> [args...] | --counters DIR)`);
  process.exit(2);
}

const argv = process.argv.slice(2);
const o = {json: null, list: false, counters: null, command: null};
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--json") o.json = argv[++i];
  else if (a === "--list") o.list = true;
  else if (a === "--counters") o.counters = argv[++i];
  else if (a === "--") {
    o.command = argv.slice(i + 1);
    break;
  } else usage(`unknown argument ${a}`);
}
if ((o.counters === null) === (o.command === null)) usage("give exactly one of --counters DIR and -- <script>");
if (o.command && o.command.length === 0) usage("no script after --");

let status = 0;
let dir = o.counters;
if (o.command) {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "peer-replay-arms-"));
  const env = {
    ...process.env,
    PEER_REPLAY_ARMS_DIR: dir,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${register}`.trim(),
  };
  const r = spawnSync(process.execPath, o.command, {stdio: "inherit", env});
  status = r.status ?? 1;
}
if (!fs.existsSync(dir) || fs.readdirSync(dir).filter((f) => f.endsWith(".json")).length === 0) {
  console.error(`arms.mjs: no counters in ${dir}: no process loaded Lodestar's network/peers with the hook`);
  process.exit(status || 1);
}
const {arms, files} = await armsOf(mergeCounterFiles(dir));
if (o.command) fs.rmSync(dir, {recursive: true, force: true});
const taken = arms.filter((a) => a.hits > 0).length;
if (o.json) fs.writeFileSync(o.json, JSON.stringify({taken, total: arms.length, files, arms}, null, 1));
console.log(`arms: ${taken}/${arms.length}`);
for (const f of files) console.log(`  ${f.file}: ${f.taken}/${f.arms}`);
if (o.list) for (const a of arms) console.log(`${a.hits}\t${a.id}`);
process.exit(status);
