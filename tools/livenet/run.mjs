// Runs a local network of livenet nodes (node.mjs) on 127.0.0.1 for a bounded time with churn, stops
// it, and checks every captured trace with `peer-replay check`.
//
//   node tools/livenet/run.mjs --seconds 120 [--nodes 5] [--seed 1] [--out build/livenet] \
//     [--peer-replay build/release/bin/peer-replay]
//
// Churn (seeded plan, one step every 8-16 s after a 20 s warm-up counted from when the initial nodes are up): a new node joins (a random
// behaviour, lib/behaviour.mjs), a stopped node rejoins with its old identity, a node leaves (SIGTERM:
// goodbye to every peer), a node is killed (SIGKILL). At least 3 nodes stay up. Each process writes
// OUT/traces/<name>.<run>.jsonl.zst through the live hook (a killed one leaves the hook's
// .tmp-<pid> file). OUT/summary.json and OUT/summary.md hold, per trace: how the node ended, its
// events, check's verdict and, for a divergence, its place and class (classify()).
// Exit 0 when every trace conforms (a killed node's: TRUNCATED, check's exit 3, conforming up to its last
// complete record), 1 otherwise, 2 on a usage or setup error. A node stopped before its PeerManager
// existed has nothing to capture: listed as NOT UP, not counted.
import {spawn, spawnSync} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {parseArgs} from "node:util";
import {BEHAVIOURS, mulberry32} from "./lib/behaviour.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
const usage = (msg) => {
  console.error(`run.mjs: ${msg}`);
  process.exit(2);
};
const args = (spec) => {
  try {
    return parseArgs(spec);
  } catch (e) {
    usage(`${e.message} (usage: see the top of tools/livenet/run.mjs)`);
  }
};
const {values: a} = args({
  options: {
    seconds: {type: "string", default: "120"},
    nodes: {type: "string", default: "5"},
    seed: {type: "string", default: "1"},
    out: {type: "string", default: path.join(ROOT, "build", "livenet")},
    "peer-replay": {type: "string", default: path.join(ROOT, "build", "release", "bin", "peer-replay")},
    "target-peers": {type: "string", default: "3"},
    "max-peers": {type: "string", default: "5"},
    churn: {type: "boolean", default: true},
  },
  allowNegative: true,
});
const seconds = Number(a.seconds);
const nodes = Number(a.nodes);
if (!(seconds >= 30 && seconds <= 4 * 3600)) usage(`--seconds ${a.seconds}: between 30 and 14400`);
if (!(nodes >= 3 && nodes <= 12)) usage(`--nodes ${a.nodes}: between 3 and 12`);
if (!fs.existsSync(a["peer-replay"])) usage(`${a["peer-replay"]} not found (build it: cmake --build --preset release --target peer-replay)`);
const OUT = path.resolve(a.out);
fs.rmSync(OUT, {recursive: true, force: true});
fs.mkdirSync(path.join(OUT, "traces"), {recursive: true});
fs.mkdirSync(path.join(OUT, "logs"), {recursive: true});

const rand = mulberry32(Number(a.seed) * 7919 + 17);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const t0 = Date.now();
const say = (msg) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}`);
// genesis 64 slots ago: every node's clock agrees, heads are at the current slot
const genesis = Math.floor(Date.now() / 1000) - 12 * 64;

const instances = []; // {name, key, behaviour, run, proc, file, ended: "running"|"stopped"|"killed"|"crashed"}
const runs = new Map();
let nextKey = 1;

function start(name, key, behaviour) {
  const run = (runs.get(name) ?? 0) + 1;
  runs.set(name, run);
  const file = path.join(OUT, "traces", `${name}.${run}.jsonl.zst`);
  const log = fs.openSync(path.join(OUT, "logs", `${name}.${run}.log`), "w");
  const args = [
    "--import", path.join(ROOT, "tools", "recorder", "live.mjs"),
    "--import", path.join(HERE, "lib", "preload.mjs"),
    path.join(HERE, "node.mjs"),
    "--dir", OUT, "--name", name, "--key", String(key), "--behaviour", behaviour, "--seed", a.seed,
    "--genesis", String(genesis), "--target-peers", a["target-peers"], "--max-peers", a["max-peers"],
  ];
  // up once its peer file exists (below): a killed node's file is still there, so a rejoin must not see it
  const peerFile = path.join(OUT, "peers", `${name}.json`);
  fs.rmSync(peerFile, {force: true});
  const proc = spawn(process.execPath, args, {
    stdio: ["ignore", log, log],
    env: {...process.env, PEER_REPLAY_LIVE_OUT: file, PEER_REPLAY_SCENARIO: `livenet-${name}-${behaviour}`},
  });
  const inst = {name, key, behaviour, run, proc, file, ended: "running", exit: null, up: false};
  // up once its peer file exists: the PeerManager is constructed and the SIGTERM handler installed
  const poll = setInterval(() => {
    if (fs.existsSync(peerFile) || inst.exit !== null) {
      inst.up = inst.exit === null;
      clearInterval(poll);
    }
  }, 200);
  proc.on("exit", (code, signal) => {
    inst.exit = signal ?? code;
    if (inst.ended === "running" || inst.ended === "stopping") inst.ended = signal === "SIGKILL" ? "killed" : code === 0 ? "stopped" : "crashed";
  });
  instances.push(inst);
  say(`start ${name}.${run} (${behaviour}, key ${key}) pid ${proc.pid}`);
  return inst;
}

const running = () => instances.filter((i) => i.ended === "running");
// never leave a node behind: an early exit, ctest's timeout or ^C kills every child still running
process.on("exit", () => {
  for (const i of instances) if (i.exit === null) i.proc.kill("SIGKILL");
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));
const up = () => running().filter((i) => i.up);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function stopOne(inst, signal) {
  inst.ended = signal === "SIGKILL" ? "killing" : "stopping";
  inst.proc.kill(signal);
  const t = Date.now();
  while (inst.exit === null && Date.now() - t < 25_000) await sleep(100);
  if (inst.exit === null) {
    say(`${inst.name}.${inst.run} did not stop in 25 s: SIGKILL`);
    inst.proc.kill("SIGKILL");
    while (inst.exit === null) await sleep(100);
  }
  if (signal === "SIGKILL") inst.ended = "killed";
  say(`${signal === "SIGKILL" ? "killed" : "stopped"} ${inst.name}.${inst.run} (exit ${inst.exit})`);
}

// ---- the network
const initial = ["good", "flaky", "slow", "wrongfork", "spam", "nometa", "good", "good", "flaky", "slow", "good", "good"];
for (let i = 0; i < nodes; i++) start(`n${nextKey}`, nextKey++, initial[i]);
// --seconds counts from when the initial nodes are up: importing Lodestar takes 5 s on an idle
// machine and over a minute on a loaded one
for (const t = Date.now(); running().some((i) => !i.up) && Date.now() - t < 180_000; ) await sleep(200);
if (running().length < nodes) usage(`only ${running().length} of ${nodes} nodes started; see ${path.join(OUT, "logs")}`);
say(`${nodes} nodes up: running the network for ${seconds} s`);
const end = Date.now() + seconds * 1000;
await sleep(Math.min(20_000, seconds * 250));
const stoppedNames = new Set();
while (a.churn && Date.now() + 8_000 < end) {
  const live = up();
  const ops = ["join", "leave", "kill"];
  if (stoppedNames.size > 0) ops.push("rejoin", "rejoin");
  let op = pick(ops);
  if ((op === "leave" || op === "kill") && live.length <= 3) op = stoppedNames.size ? "rejoin" : "join";
  if ((op === "join" || op === "rejoin") && running().length >= nodes + 2) op = "leave";
  if ((op === "leave" || op === "kill") && live.length === 0) op = "wait";
  if (op === "join") {
    start(`n${nextKey}`, nextKey++, pick(BEHAVIOURS));
  } else if (op === "rejoin") {
    const name = pick([...stoppedNames].sort());
    stoppedNames.delete(name);
    const last = instances.filter((i) => i.name === name).at(-1);
    start(name, last.key, last.behaviour);
  } else if (op !== "wait") {
    const victim = pick(live);
    await stopOne(victim, op === "kill" ? "SIGKILL" : "SIGTERM");
    stoppedNames.add(victim.name);
  }
  await sleep(8_000 + Math.floor(rand() * 8_000));
}
while (Date.now() < end) await sleep(200);
// a node still importing Lodestar has no PeerManager yet: let it come up (bounded) so it stops cleanly
for (const t = Date.now(); running().some((i) => !i.up) && Date.now() - t < 180_000; ) await sleep(200);
say(`time is up: stopping ${running().length} nodes`);
await Promise.all(running().map((i) => stopOne(i, "SIGTERM")));

// ---- the traces
function eventsOf(file) {
  const r = spawnSync("zstd", ["-d", "-q", "-c", file], {maxBuffer: 1 << 30});
  const text = r.stdout?.toString("utf8") ?? "";
  let events = 0;
  const kinds = {};
  let complete = false;
  for (const line of text.split("\n")) {
    if (!line) continue;
    let rec;
    try {
      rec = JSON.parse(line);
    } catch {
      continue;
    }
    if (rec.type === "event") {
      events++;
      kinds[rec.kind] = (kinds[rec.kind] ?? 0) + 1;
    } else if (rec.type === "end") complete = true;
  }
  return {events, kinds, complete, zstdOk: r.status === 0};
}

/** Which known cause a divergence has (docs/LIVENET.md), or "new". */
function classify(message, event) {
  if (/fires no such timer before this event|which the engine has due at/.test(message)) {
    return {cls: "new: live timer fired after its due time", known: false};
  }
  if (event?.kind === "report_peer" && /score/.test(message)) return {cls: "known: report_peer scores in the wrong record", known: true};
  if (/closing/.test(message)) return {cls: "known: connection in closing state", known: true};
  if (/custody/.test(message)) return {cls: "known: custody group change", known: true};
  return {cls: "new: unclassified", known: false};
}

const results = [];
for (const inst of instances) {
  const tmp = fs.readdirSync(path.dirname(inst.file)).find((f) => f.startsWith(path.basename(inst.file) + ".tmp-"));
  const file = fs.existsSync(inst.file) ? inst.file : tmp ? path.join(path.dirname(inst.file), tmp) : null;
  const row = {trace: file ? path.relative(OUT, file) : null, node: `${inst.name}.${inst.run}`, behaviour: inst.behaviour, ended: inst.ended};
  if (!file && !inst.up) {
    // stopped while still importing Lodestar: no PeerManager ever existed, so there is nothing to capture
    results.push({...row, verdict: "NOT UP", cls: "no PeerManager yet when it was stopped: not counted"});
    continue;
  }
  if (!file) {
    results.push({...row, verdict: "NO TRACE", cls: inst.ended === "killed" ? "known: crash safety (killed before the first flush)" : "new: no trace written"});
    continue;
  }
  Object.assign(row, eventsOf(file));
  const r = spawnSync(a["peer-replay"], ["check", "--quiet", "--no-color", file], {encoding: "utf8", maxBuffer: 1 << 28});
  row.verdict = r.status === 0 ? "PASS" : r.status === 1 ? "FAIL" : r.status === 3 ? "TRUNCATED" : `ERROR(${r.status})`;
  // a killed node's trace is cut: it conforms when check reads it to its last complete record (exit 3)
  row.conforms = r.status === 0 || (r.status === 3 && inst.ended === "killed");
  row.output = (r.stdout + r.stderr).trim();
  if (file !== inst.file) row.partial = "killed: only the hook's .tmp file is left (known: crash safety)";
  if (!row.conforms) {
    const m = /DIVERGENCE \S+:(\d+) \(event seq (\d+), ([^)]*)\)\n\s*(.*)/.exec(row.output);
    const ev = /\nevent \(line \d+\):\n\s*(\{.*\})/.exec(row.output);
    let event = null;
    try {
      event = ev ? JSON.parse(ev[1]) : null;
    } catch {}
    if (m) Object.assign(row, {line: Number(m[1]), seq: Number(m[2]), at: m[3], message: m[4], event});
    else row.message = row.output.split("\n").find((l) => l.trim()) ?? "";
    Object.assign(row, classify(row.message ?? "", event));
    if (!m && file !== inst.file) row.cls = "known: crash safety (" + row.message + ")";
  }
  results.push(row);
}

const counted = results.filter((r) => r.verdict !== "NOT UP");
const pass = counted.filter((r) => r.conforms).length;
const notUp = results.length - counted.length;
const summary = {
  date: new Date().toISOString(), seconds, nodes, seed: a.seed, processes: instances.length, pass, fail: counted.length - pass, not_up: notUp, traces: results,
};
fs.writeFileSync(path.join(OUT, "summary.json"), JSON.stringify(summary, null, 1) + "\n");
const md = [
  `livenet run ${summary.date}: ${seconds} s, ${nodes} initial nodes, seed ${a.seed}, ${instances.length} node processes; ${pass} of ${counted.length} traces conform${notUp ? ` (${notUp} stopped before their PeerManager existed, not counted)` : ""}`,
  "",
  "| node | behaviour | ended | events | verdict | first divergence | class |",
  "|---|---|---|---|---|---|---|",
  ...results.map((r) =>
    `| ${r.node} | ${r.behaviour} | ${r.ended}${r.partial ? " (.tmp)" : ""} | ${r.events ?? "-"} | ${r.verdict} | ${r.seq ? `seq ${r.seq} (${r.event?.kind ?? "?"}${r.event?.timer ? " " + r.event.timer : ""}, ${r.at}): ${r.message}` : (r.message ?? "")} | ${r.cls ?? ""} |`
  ),
];
fs.writeFileSync(path.join(OUT, "summary.md"), md.join("\n") + "\n");
console.log(md.join("\n"));
process.exit(pass === counted.length ? 0 : 1);
