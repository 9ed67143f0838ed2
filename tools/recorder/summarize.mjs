#!/usr/bin/env node
// Prints what a trace holds: event kinds, action kinds, goodbye reasons, draws. Usage: node summarize.mjs FILE...
import {readTraceText} from "./lib/writer.mjs";

for (const f of process.argv.slice(2)) {
  const lines = readTraceText(f).split("\n").filter(Boolean);
  const ev = {}, ac = {}, bye = {}, timers = {};
  let rand = 0, maxScores = 0, minScore = 0;
  for (const l of lines) {
    const r = JSON.parse(l);
    if (r.type === "event") {
      ev[r.kind] = (ev[r.kind] ?? 0) + 1;
      if (r.kind === "timer") timers[r.timer] = (timers[r.timer] ?? 0) + 1;
      rand += r.rand?.length ?? 0;
    } else if (r.type === "expect") {
      for (const a of r.actions) {
        ac[a.kind] = (ac[a.kind] ?? 0) + 1;
        if (a.kind === "send_goodbye") bye[a.reason] = (bye[a.reason] ?? 0) + 1;
      }
      maxScores = Math.max(maxScores, r.scores.length);
      for (const e of r.scores) minScore = Math.min(minScore, e.score);
    }
  }
  console.log(f.split("/").pop(), JSON.stringify({lines: lines.length, ev, timers, ac, bye, rand, maxScores, minScore}));
}
