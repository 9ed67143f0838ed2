// One case end to end inside a worker process: record the spec through the real Lodestar
// (lib/play.mjs), write the trace, replay it through the engine (`peer-replay check`), and
// classify the outcome. Also the shrinker, which needs exactly that as its test.
//
// Outcomes: "pass"; "diverges" (check exit 1: the engine differs from Lodestar); "rejected"
// (check exit 2 on a trace the recorder wrote: recorder and reader disagree on the format);
// "engine-crash" (check killed by a signal or an unknown exit code); "oracle" (the recorder or
// Lodestar threw: never counted as an engine divergence).
import {spawnSync} from "node:child_process";
import {createHash} from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import {playCase} from "./play.mjs";

/** Collects the trace's lines in memory; the file is written once, whole. */
class LineSink {
  constructor() {
    this.lines = [];
  }
  write(line) {
    this.lines.push(line);
  }
  text() {
    return this.lines.join("\n") + "\n";
  }
}

/** Records `spec`; returns {text, stats} or {oracle: message}. */
export async function record(spec) {
  const sink = new LineSink();
  try {
    const stats = await playCase(spec, sink);
    return {text: sink.text(), stats};
  } catch (e) {
    return {oracle: e?.stack ?? String(e)};
  }
}

/**
 * The member a divergence is at, independent of peer ids, req ids and line numbers: the kind
 * of the divergent event (with its timer) and the first differing member path with its indices
 * blanked, e.g. `timer:heartbeat|scores(full)[].lodestar`.
 */
export function signatureOf(report, text) {
  const m = /\(event seq (\d+)\)/.exec(report);
  let ev = "?";
  if (m) {
    const seq = Number(m[1]);
    for (const line of text.split("\n")) {
      if (line.startsWith('{"type":"event"') && line.includes(`"seq":${seq},`)) {
        const r = JSON.parse(line);
        ev = r.kind === "timer" ? `timer:${r.timer}` : r.kind;
        break;
      }
    }
  }
  const lines = report.split("\n");
  const member = lines.find((l) => /^ {2}\S+:$/.test(l));
  if (member) return `${ev}|${member.trim().slice(0, -1).replace(/\[\d+\]/g, "[]")}`;
  const noIds = (l) => l.replace(/\b(16Uiu2|12D3Koo)\w+/g, "<peer>");
  const headline = lines.find((l, i) => i > 0 && l.startsWith("  ")) ?? lines[0] ?? "";
  return `${ev}|${noIds(headline.trim()).replace(/\d+/g, "N").slice(0, 120)}`;
}

/** Replays `file` through the engine. `engine` is the peer-replay binary (or a stand-in with its CLI). */
export function check(engine, file, text) {
  const r = spawnSync(engine, ["check", "--context", "3", file], {encoding: "utf8", maxBuffer: 64 << 20});
  if (r.error) return {outcome: "engine-crash", report: `cannot run ${engine}: ${r.error.message}`};
  const report = `${r.stdout}${r.stderr}`;
  if (r.status === 0) return {outcome: "pass"};
  if (r.status === 1) return {outcome: "diverges", report, signature: signatureOf(report, text)};
  if (r.status === 2) return {outcome: "rejected", report, signature: `rejected|${(r.stderr || r.stdout).split("\n")[0].replace(/:\d+:/, ":N:").replace(/\d+/g, "N").slice(0, 160)}`};
  return {outcome: "engine-crash", report: `${engine} exited with ${r.status ?? r.signal}\n${report}`, signature: `engine-crash|${r.status ?? r.signal}`};
}

/** Record + check. */
export async function runCase(spec, {engine, dir}) {
  const t0 = performance.now();
  const rec = await record(spec);
  const recordMs = performance.now() - t0;
  if (rec.oracle) return {outcome: "oracle", report: rec.oracle, events: 0, recordMs, checkMs: 0};
  const file = path.join(dir, `case-${process.pid}.jsonl`);
  fs.writeFileSync(file, rec.text);
  const t1 = performance.now();
  const c = check(engine, file, rec.text);
  const checkMs = performance.now() - t1;
  return {...c, events: rec.stats.events, recordMs, checkMs, digest: sha256(rec.text), kinds: kindsOf(rec.text), text: c.outcome === "pass" ? undefined : rec.text};
}

const sha256 = (s) => createHash("sha256").update(s).digest("hex");

/** Event kinds (timers by name) and action kinds of a trace, counted: what a run covered. */
function kindsOf(text) {
  const n = {};
  const bump = (k) => (n[k] = (n[k] ?? 0) + 1);
  for (const line of text.split("\n")) {
    if (line.startsWith('{"type":"event"')) {
      const k = /"kind":"(\w+)"/.exec(line)[1];
      bump(k === "timer" ? `timer:${/"timer":"(\w+)"/.exec(line)[1]}` : `event:${k}`);
    } else if (line.startsWith('{"type":"expect"')) {
      const actions = line.slice(0, line.indexOf(',"scores"'));
      for (const m of actions.matchAll(/"kind":"(\w+)"/g)) bump(`action:${m[1]}`);
    }
  }
  return n;
}

const clone = (x) => JSON.parse(JSON.stringify(x));
const refersTo = (o, i, n) => o.p === i || (o.op === "burst" && (i - o.from + n) % n < o.n) || (o.op === "restatus" && o.ps.includes(i));

/**
 * Delta debugging of a diverging spec (Zeller's ddmin on the ops, then peers, time, numbers),
 * re-recording through the real Lodestar at every step. A candidate is kept only if it records
 * (no oracle error), the engine reads it, and it diverges with the same signature.
 */
export async function shrink(spec, signature, {engine, dir, deadlineMs, log = () => {}}) {
  let best = clone(spec);
  let bestResult = null;
  let tests = 0;
  const timeLeft = () => performance.now() < deadlineMs;
  const test = async (cand) => {
    if (!timeLeft()) return false;
    tests++;
    const r = await runCase(cand, {engine, dir});
    if (r.outcome === "diverges" && r.signature === signature) {
      best = cand;
      bestResult = r;
      return true;
    }
    return false;
  };

  // 1. ops: ddmin (remove chunks, halving the chunk size when nothing can go)
  const ddminOps = async () => {
    let n = 2;
    while (best.ops.length >= 1 && timeLeft()) {
      const len = best.ops.length;
      const chunk = Math.max(1, Math.ceil(len / n));
      let removed = false;
      for (let start = 0; start < len && timeLeft(); start += chunk) {
        const cand = clone(best);
        cand.ops.splice(start, chunk);
        if (await test(cand)) {
          removed = true;
          n = Math.max(2, n - 1);
          break;
        }
      }
      if (!removed) {
        if (chunk === 1) break;
        n = Math.min(len, n * 2);
      }
    }
  };
  // 0. the shortest prefix of ops that still diverges (what follows the divergence is noise), by bisection
  {
    let lo = 0;
    let hi = best.ops.length;
    while (lo < hi && timeLeft()) {
      const mid = Math.floor((lo + hi) / 2);
      const cand = clone(best);
      cand.ops = cand.ops.slice(0, mid);
      if (await test(cand)) hi = mid;
      else lo = mid + 1;
    }
  }
  await ddminOps();
  // 2. the init connections, one by one
  for (let i = (best.init ?? []).length - 1; i >= 0 && timeLeft(); i--) {
    const cand = clone(best);
    cand.init.splice(i, 1);
    await test(cand);
  }
  // 3. peers: every op naming a peer goes at once, then the pool is cut to the last peer used
  for (let i = best.peers.length - 1; i >= 0 && timeLeft(); i--) {
    const n = best.peers.length;
    if (!best.ops.some((o) => refersTo(o, i, n)) && !(best.init ?? []).some((c) => c.p === i)) continue;
    const cand = clone(best);
    cand.ops = cand.ops.filter((o) => !refersTo(o, i, n));
    cand.init = (cand.init ?? []).filter((c) => c.p !== i);
    await test(cand);
  }
  {
    let used = -1;
    for (const o of best.ops) if (typeof o.p === "number") used = Math.max(used, o.p);
    for (const o of best.ops) if (o.op === "burst") used = best.peers.length - 1;
    for (const c of best.init ?? []) used = Math.max(used, c.p);
    if (used + 1 < best.peers.length) {
      const cand = clone(best);
      cand.peers = cand.peers.slice(0, used + 1);
      await test(cand);
    }
  }
  // 4. time: every gap to 0, else halved, else left
  for (let i = 0; i < best.ops.length && timeLeft(); i++) {
    const o = best.ops[i];
    const key = o.op === "advance" ? "ms" : o.op === "reconnect" ? "gap_ms" : o.op === "answer" || o.op === "settle" ? "latency_ms" : null;
    if (!key || !o[key]) continue;
    for (const v of [0, Math.floor(o[key] / 2)]) {
      const cand = clone(best);
      cand.ops[i][key] = v;
      if (await test(cand)) break;
    }
  }
  // 5. numbers toward round values: gossip scores, then configuration toward Lodestar's defaults
  for (let i = 0; i < best.ops.length && timeLeft(); i++) {
    const o = best.ops[i];
    if (o.op !== "gossip" || o.v === 0) continue;
    const mag = 10 ** Math.round(Math.log10(Math.abs(o.v) || 1));
    for (const v of [0, Math.sign(o.v), Math.round(o.v), Math.sign(o.v) * mag]) {
      if (Object.is(v, o.v) || !Number.isFinite(v)) continue;
      const cand = clone(best);
      cand.ops[i].v = v;
      if (await test(cand)) break;
    }
  }
  for (const k of ["metrics", "viaInit", "custodyGroupCount", "gossipDecayIntervalMs", "forkEpochs", "fork", "disablePeerScoring"]) {
    if (!timeLeft() || !(k in best.config)) continue;
    const cand = clone(best);
    delete cand.config[k];
    await test(cand);
  }
  await ddminOps();
  return {spec: best, result: bestResult, tests};
}
