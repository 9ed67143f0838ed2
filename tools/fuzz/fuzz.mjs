#!/usr/bin/env node
// Differential fuzzing of the engine against the real Lodestar 1.44.0 (docs/FUZZING.md).
//
//   node tools/fuzz/fuzz.mjs [--seed S] [--time SEC | --cases N] [--findings N] [--workers W]
//                            [--out DIR] [--engine PATH] [--corpus DIR | --no-corpus]
//                            [--guide arms | --guide blocks | --no-coverage]
//                            [--shrink-time SEC | --no-shrink] [--case-timeout SEC] [--quiet]
//   node tools/fuzz/fuzz.mjs --replay CASE.spec.json [--engine PATH]
//
// Each case is a configuration plus an event program (lib/gen.mjs), recorded through the real
// PeerManager by a worker process (lib/worker.mjs: the recorder's Session, one process per core)
// and replayed by `peer-replay check`, which compares every expect record bit for bit. Cases
// whose run takes decision arms of Lodestar's network/peers code (istanbul's counters, the measure
// of traces/COVERAGE.md; `--guide blocks`: V8 block ranges) with a hit count no earlier case
// reached join the corpus (on disk), and later cases are mutants of corpus entries half of the time.
//
// Reproducible: case i of seed S is a function of (S, i, the corpus entries admitted from cases
// before i - WINDOW, in case order, and the corpus directory's files at start), never of timing
// or of which worker ran it; `--cases N` with the same seed and corpus gives the same run digest.
//
// Exit: 0 nothing found; 1 at least one finding (divergence, trace rejected by the engine's
// reader, engine crash); 2 bad usage; 3 oracle failures (the recorder or Node failed, crashed or
// hung) and no finding. Every file is written whole under a temporary name and renamed.
import {fork} from "node:child_process";
import {createHash} from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {genCase, mutate, rng} from "./lib/gen.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
/** A case may mutate only corpus entries of cases at least this many indices before it. */
const WINDOW = 32;
const USAGE =
  "usage: fuzz.mjs [--seed S] [--time SEC | --cases N] [--findings N] [--workers W] [--out DIR] [--engine PATH] " +
  "[--corpus DIR | --no-corpus] [--guide arms|blocks | --no-coverage] [--shrink-time SEC | --no-shrink] [--case-timeout SEC] [--quiet] | --replay SPEC [--engine PATH]";

/** Bad usage: one line naming what was wrong, exit 2. */
function usageError(msg) {
  process.stderr.write(`fuzz.mjs: ${msg} (--help for usage)\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = {
    seed: "1", time: null, cases: null, findings: 1, workers: 2, out: "fuzz-out", engine: path.join(repo, "build/release/bin/peer-replay"),
    corpus: undefined, coverage: true, guide: "arms", shrinkSeconds: 120, caseTimeout: 600, quiet: false, replay: null,
  };
  const num = (name, v, {min = 1, int = true} = {}) => {
    if (v === undefined) usageError(`${name} needs a value`);
    const x = Number(v);
    if (!/^\d+(\.\d+)?$/.test(v) || !Number.isFinite(x) || x < min || (int && !Number.isInteger(x))) usageError(`${name} must be ${int ? "an integer" : "a number"} >= ${min}, got '${v}'`);
    return x;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) usageError(`${a} needs a value`);
      return v;
    };
    if (a === "--seed") o.seed = val();
    else if (a === "--time") o.time = num(a, val(), {min: 0, int: false});
    else if (a === "--cases") o.cases = num(a, val());
    else if (a === "--findings") o.findings = num(a, val());
    else if (a === "--workers") o.workers = num(a, val());
    else if (a === "--out") o.out = val();
    else if (a === "--engine") o.engine = val();
    else if (a === "--corpus") o.corpus = val();
    else if (a === "--no-corpus") o.corpus = null;
    else if (a === "--no-coverage") o.coverage = false;
    else if (a === "--guide") {
      o.guide = val();
      if (o.guide !== "arms" && o.guide !== "blocks") usageError(`--guide must be arms or blocks, got '${o.guide}'`);
    }
    else if (a === "--shrink-time") o.shrinkSeconds = num(a, val(), {min: 0, int: false});
    else if (a === "--no-shrink") o.shrinkSeconds = 0;
    else if (a === "--case-timeout") o.caseTimeout = num(a, val(), {min: 1, int: false});
    else if (a === "--quiet") o.quiet = true;
    else if (a === "--replay") o.replay = val();
    else if (a === "--help" || a === "-h") {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    else usageError(`unknown option '${a}'`);
  }
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(o.seed)) usageError(`--seed must be 1-64 characters of [A-Za-z0-9_.-], got '${o.seed}'`);
  if (o.time !== null && o.cases !== null) usageError("--time and --cases exclude each other");
  if (o.time === null && o.cases === null && !o.replay) o.time = 60;
  if (o.workers > 64) usageError(`--workers must be <= 64, got ${o.workers}`);
  if (!fs.existsSync(o.engine)) usageError(`engine not found: ${o.engine} (build it: cmake --build --preset release --target peer-replay)`);
  if (o.corpus === undefined) o.corpus = path.join(o.out, "corpus");
  return o;
}

/** Writes `data` to `file` whole: a temporary file in the same directory, then rename. */
function writeAtomic(file, data) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** Peers a spec's ops and init name (the pool's other peers never reach the trace: handles are made on first use). */
function peersUsed(spec) {
  const used = new Set((spec.init ?? []).map((c) => c.p));
  for (const o of spec.ops) {
    if (typeof o.p === "number") used.add(o.p);
    for (const p of o.ps ?? []) used.add(p);
    for (let j = 0; o.op === "burst" && j < o.n; j++) used.add((o.from + j) % spec.peers.length);
  }
  return used.size;
}

async function replayOne(o) {
  let spec;
  try {
    spec = JSON.parse(fs.readFileSync(o.replay, "utf8"));
  } catch (e) {
    usageError(`${o.replay}: ${e.message}`);
  }
  if (!spec || !Array.isArray(spec.ops) || !Array.isArray(spec.peers) || typeof spec.config !== "object") usageError(`${o.replay}: not a case spec (needs config, peers, ops)`);
  const {runCase} = await import("./lib/oracle.mjs");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fuzz-replay-"));
  const r = await runCase(spec, {engine: o.engine, dir});
  fs.rmSync(dir, {recursive: true, force: true});
  console.log(`${o.replay}: ${r.outcome}, ${r.events} events${r.signature ? `, at ${r.signature}` : ""}`);
  if (r.report) console.log(r.report.trimEnd());
  process.exit(r.outcome === "pass" ? 0 : r.outcome === "oracle" ? 3 : 1);
}

class Fuzzer {
  constructor(o) {
    this.o = o;
    this.t0 = performance.now();
    this.next = 0;
    this.committed = 0; // every case below this index has a result, and was admitted or not
    this.pendingResults = new Map();
    this.corpus = []; // {index, spec}
    this.features = new Set();
    this.stopping = false;
    this.workers = [];
    this.totals = {cases: 0, mutants: 0, events: 0, recordMs: 0, checkMs: 0, findings: 0, oracle: 0, shrinks: 0};
    this.signatures = new Map(); // signature -> first finding name
    this.kinds = {};
    this.digest = createHash("sha256");
    this.digests = new Map();
    this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), "peer-replay-fuzz-"));
    fs.mkdirSync(o.out, {recursive: true});
    if (o.corpus) {
      fs.mkdirSync(o.corpus, {recursive: true});
      for (const f of fs.readdirSync(o.corpus).filter((f) => f.endsWith(".json")).sort()) {
        try {
          this.corpus.push({index: -1, spec: JSON.parse(fs.readFileSync(path.join(o.corpus, f), "utf8"))});
        } catch (e) {
          process.stderr.write(`fuzz.mjs: ${path.join(o.corpus, f)}: skipped, not JSON (${e.message})\n`);
        }
      }
    }
    this.initialCorpus = this.corpus.length;
  }

  log(s) {
    if (!this.o.quiet) process.stderr.write(`${s}\n`);
  }

  specFor(index) {
    const visible = this.corpus.filter((e) => e.index < index - WINDOW);
    const g = rng(`pick:${this.o.seed}.${index}`);
    if (visible.length && g.chance(0.5)) {
      const base = visible[g.int(visible.length)];
      const other = visible[g.int(visible.length)];
      return {spec: mutate(base.spec, other.spec, `${this.o.seed}.${index}`), mutant: true};
    }
    return {spec: genCase(this.o.seed, index), mutant: false};
  }

  doneDispatching() {
    if (this.stopping) return true;
    if (this.o.cases !== null) return this.next >= this.o.cases;
    return (performance.now() - this.t0) / 1000 >= this.o.time;
  }

  spawnWorker(slot) {
    const child = fork(path.join(here, "lib", "worker.mjs"), [JSON.stringify({engine: this.o.engine, dir: this.tmp, coverage: this.o.coverage, guide: this.o.guide})], {
      stdio: ["ignore", "inherit", "pipe", "ipc"],
      execArgv: [],
    });
    const w = {slot, child, busy: null, stderr: "", timer: null, ready: false};
    child.stderr.on("data", (d) => {
      w.stderr = (w.stderr + d.toString()).slice(-65536);
    });
    child.on("message", (m) => this.onMessage(w, m));
    child.on("exit", (code, signal) => this.onExit(w, code, signal));
    this.workers[slot] = w;
  }

  arm(w, seconds) {
    clearTimeout(w.timer);
    w.timer = setTimeout(() => {
      w.hung = true;
      w.child.kill("SIGKILL");
    }, seconds * 1000);
  }

  dispatch(w) {
    if (!w.ready || w.busy) return;
    if (w.shrinkQueue) {
      const job = w.shrinkQueue;
      w.shrinkQueue = null;
      w.busy = job;
      this.totals.shrinks++;
      this.log(`fuzz: shrinking case ${job.index} (${job.events} events, ${job.ops} ops) for up to ${job.seconds} s`);
      this.arm(w, job.seconds + this.o.caseTimeout);
      w.child.send({type: "shrink", index: job.index, spec: job.spec, signature: job.signature, seconds: job.seconds});
      return;
    }
    if (this.doneDispatching()) return this.maybeFinish();
    const index = this.next;
    if (this.committed < index - WINDOW) return; // waits for older results (see specFor)
    this.next++;
    const {spec, mutant} = this.specFor(index);
    w.busy = {type: "case", index, spec, mutant};
    this.arm(w, this.o.caseTimeout);
    w.child.send({type: "case", index, spec});
  }

  dispatchAll() {
    for (const w of this.workers) if (w) this.dispatch(w);
  }

  onMessage(w, m) {
    if (m.type === "ready") {
      w.ready = true;
      return this.dispatch(w);
    }
    clearTimeout(w.timer);
    const job = w.busy;
    w.busy = null;
    if (m.type === "result") {
      this.pendingResults.set(m.index, {...m, spec: job.spec, mutant: job.mutant, worker: w});
      this.commit();
    } else if (m.type === "shrunk") {
      this.writeShrunk(job, m);
    }
    this.dispatchAll();
    this.maybeFinish();
  }

  onExit(w, code, signal) {
    clearTimeout(w.timer);
    const job = w.busy;
    w.busy = null;
    this.workers[w.slot] = null;
    if (job && !this.stopping) {
      const what = w.hung ? `hung (no answer in ${job.type === "shrink" ? job.seconds + this.o.caseTimeout : this.o.caseTimeout} s, killed)` : `exited with ${code ?? signal}`;
      const report = `the Node oracle ${what} while ${job.type === "shrink" ? "shrinking" : "recording"} case ${job.index}\n--- its stderr (last 64 KiB) ---\n${w.stderr}`;
      if (job.type === "case") {
        this.pendingResults.set(job.index, {index: job.index, outcome: "oracle", report, events: 0, recordMs: 0, checkMs: 0, features: [], spec: job.spec, mutant: job.mutant});
        this.commit();
      } else {
        this.oracleFailure(job.index, job.spec, report);
      }
    }
    if (!this.stopping && !this.doneDispatching()) this.spawnWorker(w.slot);
    this.maybeFinish();
  }

  /** Results are taken in case order, so the corpus grows the same way whatever the timing. */
  commit() {
    while (this.pendingResults.has(this.committed)) {
      const r = this.pendingResults.get(this.committed);
      this.pendingResults.delete(this.committed);
      this.committed++;
      this.take(r);
    }
  }

  take(r) {
    const t = this.totals;
    t.cases++;
    if (r.mutant) t.mutants++;
    t.events += r.events;
    t.recordMs += r.recordMs;
    t.checkMs += r.checkMs;
    for (const [k, v] of Object.entries(r.kinds ?? {})) this.kinds[k] = (this.kinds[k] ?? 0) + v;
    this.digest.update(`${r.index}:${r.outcome}:${r.digest ?? ""}\n`);
    let fresh = 0;
    for (const f of r.features ?? []) {
      if (!this.features.has(f)) {
        this.features.add(f);
        fresh++;
      }
    }
    if (fresh && r.outcome === "pass") {
      this.corpus.push({index: r.index, spec: r.spec});
      if (this.o.corpus) writeAtomic(path.join(this.o.corpus, `${this.o.seed}-${String(r.index).padStart(7, "0")}.json`), JSON.stringify(r.spec));
    }
    if (r.outcome === "oracle") this.oracleFailure(r.index, r.spec, r.report);
    else if (r.outcome !== "pass") this.finding(r);
  }

  oracleFailure(index, spec, report) {
    this.totals.oracle++;
    const name = `oracle-${this.o.seed}-${index}`;
    writeAtomic(path.join(this.o.out, `${name}.spec.json`), JSON.stringify(spec));
    writeAtomic(path.join(this.o.out, `${name}.txt`), `ORACLE FAILURE (not an engine divergence), case ${index} of seed ${this.o.seed}\n${report}\n`);
    process.stderr.write(`fuzz: oracle failure on case ${index}: ${report.split("\n")[0]} (${path.join(this.o.out, name)}.txt)\n`);
  }

  findingText(name, r, extra = "") {
    const rel = (f) => path.relative(process.cwd(), f) || f;
    const base = path.join(this.o.out, name);
    return (
      `FINDING ${r.outcome} at ${r.signature}\ncase ${r.index} of seed ${this.o.seed}, ${r.events} events\n` +
      `reproduce (engine only):     ${rel(this.o.engine)} check ${rel(base)}.jsonl\n` +
      `reproduce (through Lodestar): node ${rel(path.join(here, "fuzz.mjs"))} --replay ${rel(base)}.spec.json\n${extra}\n${r.report}\n`
    );
  }

  finding(r) {
    this.totals.findings++;
    const name = `finding-${this.o.seed}-${r.index}`;
    const base = path.join(this.o.out, name);
    writeAtomic(`${base}.jsonl`, r.text);
    writeAtomic(`${base}.spec.json`, JSON.stringify(r.spec));
    writeAtomic(`${base}.txt`, this.findingText(name, r));
    const seen = this.signatures.has(r.signature);
    if (!seen) this.signatures.set(r.signature, name);
    process.stderr.write(`fuzz: FINDING case ${r.index}: ${r.outcome} at ${r.signature}${seen ? ` (same member as ${this.signatures.get(r.signature)})` : ""} -> ${base}.txt\n`);
    const withinLimit = this.totals.findings <= this.o.findings; // results of cases already running come after the limit
    if (this.totals.findings >= this.o.findings) this.stopping = true;
    if (!seen && withinLimit && this.o.shrinkSeconds > 0 && r.worker && this.workers[r.worker.slot] === r.worker) {
      const w = r.worker;
      const job = {type: "shrink", index: r.index, spec: r.spec, name, events: r.events, ops: r.spec.ops.length, seconds: this.o.shrinkSeconds, signature: r.signature};
      w.shrinkQueue = job; // taken by dispatch() as soon as the worker is free
      this.dispatch(w);
    }
  }

  writeShrunk(job, m) {
    if (!m.result) {
      this.log(`fuzz: shrinking case ${job.index}: no smaller candidate diverged the same way (${m.tests} tries)`);
      return;
    }
    const base = path.join(this.o.out, `${job.name}.min`);
    writeAtomic(`${base}.jsonl`, m.result.text);
    writeAtomic(`${base}.spec.json`, JSON.stringify(m.spec));
    const size = `shrunk: ${job.events} -> ${m.result.events} events, ${job.ops} -> ${m.spec.ops.length} ops, ${peersUsed(job.spec)} -> ${peersUsed(m.spec)} peers (${m.tests} re-recordings through Lodestar)`;
    writeAtomic(`${base}.txt`, this.findingText(`${job.name}.min`, {...m.result, index: job.index}, size));
    process.stderr.write(`fuzz: ${job.name}: ${size}\n  repro: ${path.relative(process.cwd(), this.o.engine)} check ${path.relative(process.cwd(), base)}.jsonl\n`);
  }

  progress() {
    const s = (performance.now() - this.t0) / 1000;
    const t = this.totals;
    this.log(`fuzz: ${s.toFixed(0)} s, ${t.cases} cases (${t.mutants} mutants), ${t.events} events, ${(t.events / s).toFixed(0)} events/s, corpus ${this.corpus.length}, ${this.features.size} coverage features, findings ${t.findings}, oracle failures ${t.oracle}`);
  }

  maybeFinish() {
    if (this.finished) return;
    if (!this.doneDispatching() && !this.stopping) return;
    if (this.workers.some((w) => w && (w.busy || w.shrinkQueue))) return;
    this.finish(0);
  }

  finish(signalled) {
    if (this.finished) return;
    this.finished = true;
    this.stopping = true;
    clearInterval(this.ticker);
    clearInterval(this.deadline);
    for (const w of this.workers) {
      if (!w) continue;
      clearTimeout(w.timer);
      if (w.busy) w.child.kill("SIGKILL");
      else if (w.child.connected) w.child.send({type: "exit"});
    }
    const s = (performance.now() - this.t0) / 1000;
    const t = this.totals;
    const kinds = Object.entries(this.kinds).sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, v]) => `${k} ${v}`).join(", ");
    const lines = [
      `fuzz: seed ${this.o.seed}, ${t.cases} cases (${t.cases - t.mutants} generated, ${t.mutants} mutants), ${t.events} events in ${s.toFixed(1)} s with ${this.o.workers} workers: ${(t.events / s).toFixed(0)} events/s`,
      `fuzz: per worker: recording ${(t.events / (t.recordMs / 1000 || 1)).toFixed(0)} events/s through Lodestar, engine check ${(t.events / (t.checkMs / 1000 || 1)).toFixed(0)} events/s`,
      `fuzz: findings ${t.findings} (${this.signatures.size} distinct members), oracle failures ${t.oracle}, corpus ${this.corpus.length} (${this.initialCorpus} at start), ` +
        `${new Set([...this.features].map((f) => f.slice(0, f.lastIndexOf(":")))).size} ` +
        `${this.o.guide === "arms" ? "istanbul branch arms and functions" : "block ranges"} of network/peers run (${this.features.size} with hit-count buckets)`,
      `fuzz: inputs and outputs: ${kinds}`,
      `fuzz: run digest ${this.digest.copy().digest("hex").slice(0, 16)}`,
    ];
    process.stdout.write(lines.join("\n") + "\n");
    fs.rmSync(this.tmp, {recursive: true, force: true});
    process.exitCode = signalled ? 130 : t.findings ? 1 : t.oracle ? 3 : 0;
    setTimeout(() => process.exit(), 200).unref();
  }

  run() {
    for (let i = 0; i < this.o.workers; i++) this.spawnWorker(i);
    this.ticker = setInterval(() => this.progress(), 10_000);
    if (this.o.time !== null) {
      // A case still recording 30 s after the budget is abandoned (not counted); a shrink may finish.
      this.deadline = setInterval(() => {
        const over = (performance.now() - this.t0) / 1000 - this.o.time;
        if (over < 30 || this.workers.some((w) => w?.busy?.type === "shrink")) return;
        const n = this.workers.filter((w) => w?.busy).length;
        if (n) this.log(`fuzz: time is up; abandoning ${n} case(s) still recording`);
        this.finish(false);
      }, 1000);
      this.deadline.unref();
    }
    const stop = () => {
      process.stderr.write("fuzz: interrupted; findings written so far are complete\n");
      this.finish(true);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  }
}

const o = parseArgs(process.argv.slice(2));
if (o.replay) await replayOne(o);
else new Fuzzer(o).run();
