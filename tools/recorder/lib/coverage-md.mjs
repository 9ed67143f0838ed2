// arms.json (arms.mjs --json) -> traces/COVERAGE.md: decision arms of every network/peers file,
// taken / total per file and overall, and every untaken arm with its justification or flagged as a
// gap. Justifications live in tools/recorder/coverage-notes.json, kept by hand, keyed by arm id
// ("peerManager.ts:350:20 ?? left nullish (right evaluated)"), by "file:line" (every untaken arm
// of that decision line) or by file (every untaken arm of a file no scenario can load). Each note
// starts with its class: "unreachable:" (no input to the pinned version's code can take it, given its callers),
// "boundary:" (needs I/O or a module the recorder stubs, or a runtime other than Node), "tsc:" (code
// the TypeScript compiler emitted, not in the .ts), or "gap:" (the corpus could take it and does
// not: a scenario to write). An untaken arm with no note is a gap too.
// Usage: node coverage-md.mjs ARMS_JSON OUT_MD "COMMAND" SECONDS
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {LODESTAR_VERSION} from "./constants.mjs";

const [input, output, command, seconds] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const {arms} = JSON.parse(fs.readFileSync(input, "utf8"));
const notes = JSON.parse(fs.readFileSync(path.join(here, "..", "coverage-notes.json"), "utf8"));
const CLASSES = ["unreachable", "boundary", "tsc", "gap"];
const used = new Set();
// tsc compiles every `enum E {...}` to `(function (E) {...})(E || (E = {}))`: the `||` maps onto the
// enum's line and its short-circuit arm runs only if the module were evaluated twice.
const TSC_ENUM = {cls: "tsc", why: "tsc's enum emit `(function (E) {...})(E || (E = {}))`: E is undefined when the module runs once"};
function noteFor(a) {
  if (/^(export )?(const )?enum \w+ \{$/.test(a.text) && a.kind === "||" && a.label.includes("short-circuit")) return TSC_ENUM;
  for (const key of [a.id, `${a.file}:${a.line}`, a.file]) {
    if (notes[key] !== undefined) {
      used.add(key);
      const cls = notes[key].split(":")[0];
      if (!CLASSES.includes(cls)) throw new Error(`coverage-notes.json: "${key}": a note starts with one of ${CLASSES.join(", ")}`);
      return {cls, why: notes[key].slice(cls.length + 1).trim()};
    }
  }
  return {cls: "gap", why: "(no note)"};
}

const pct = (a, b) => (b === 0 ? "-" : ((100 * a) / b).toFixed(1));
const files = new Map();
const untaken = [];
const total = {arms: 0, taken: 0, justified: 0, gaps: 0};
for (const a of arms) {
  const f = files.get(a.file) ?? {arms: 0, taken: 0, justified: 0, gaps: 0};
  files.set(a.file, f);
  f.arms++;
  total.arms++;
  if (a.hits > 0) {
    f.taken++;
    total.taken++;
    continue;
  }
  const n = noteFor(a);
  untaken.push({...a, ...n});
  if (n.cls === "gap") (f.gaps++, total.gaps++);
  else (f.justified++, total.justified++);
}
const stale = Object.keys(notes).filter((k) => !used.has(k));
if (stale.length) throw new Error(`coverage-notes.json: notes for no untaken arm (taken now, or the id changed): ${stale.join("; ")}`);

const reachable = total.arms - total.justified;
// Files a file-level note puts wholly outside what the peer manager runs (discovery, the datastore...)
const outside = [...files.keys()].filter((f) => notes[f] !== undefined);
const inside = {arms: 0, taken: 0};
for (const [name, f] of files) if (!outside.includes(name)) (inside.arms += f.arms, inside.taken += f.taken);
let md = `# Decision-arm coverage of Lodestar's network/peers by the trace corpus

Every decision arm of every file of \`@lodestar/beacon-node\` ${LODESTAR_VERSION}'s \`network/peers\`: both arms of
each \`if\` (an \`if\` without \`else\` has an implicit else arm), each ternary, each \`&&\`/\`||\`/\`??\`
operator (right operand evaluated / short-circuited; every operator of a chain is its own decision),
each \`switch\` case and default, and each default parameter (default used / argument given).
Measured by istanbul (\`istanbul-lib-instrument\` 6.0.3) instrumenting the shipped
\`lib/network/peers/**/*.js\` as Node loads it, while recording every catalog scenario and the
committed generated trace (the recordings are checked byte-identical to \`traces/\`); counts mapped
onto \`src/network/peers/**/*.ts\` through the shipped source maps (\`istanbul-lib-source-maps\`), so
file:line:column are the TypeScript's. Files no scenario loads count with all their arms untaken.
Definitions and the reusable interface: \`tools/recorder/lib/arms.mjs\`, \`tools/recorder/arms.mjs\`.

Command: \`${command}\` (${seconds} s on the shared 2-core machine).

**${total.taken}/${total.arms} arms taken = ${pct(total.taken, total.arms)}% of all arms.** Of the ${total.arms - total.taken} untaken, ${total.justified} are
justified below (unreachable in ${LODESTAR_VERSION} given its callers, behind a stubbed boundary, or emitted by
tsc) and ${total.gaps} are gaps. Without the justified ones: ${total.taken}/${reachable} = **${pct(total.taken, reachable)}%** of the
arms the corpus could take. Without only the files outside the peer manager's reach (${outside.map((f) => `\`${f}\``).join(", ")}):
${inside.taken}/${inside.arms} = ${pct(inside.taken, inside.arms)}%.

The target (>= 95% of arms, each excluded arm listed and justified) read as the arms left after the
listed exclusions: ${total.taken >= 0.95 * reachable ? "met" : "not met"}. Read as all arms, exclusions included: ${total.taken >= 0.95 * total.arms ? "met" : "not met"}.

This replaces the c8 branch figure this file used to give (V8 block ranges: a function never called
counted no branch, each called function's own range counted as a covered branch, and an
always-taken condition's unused arm could be merged away).

| file | arms taken | % | untaken, justified | untaken, gaps |
|---|---:|---:|---:|---:|
`;
for (const [name, f] of [...files.entries()]) {
  md += `| ${name} | ${f.taken}/${f.arms} | ${pct(f.taken, f.arms)} | ${f.justified} | ${f.gaps} |\n`;
}
md += `| **all** | **${total.taken}/${total.arms}** | **${pct(total.taken, total.arms)}** | ${total.justified} | ${total.gaps} |\n\n`;
const cell = (s) => s.replace(/\|/g, "\\|");
const section = (title, list) => {
  if (list.length === 0) return;
  md += `## ${title}\n\n| arm (file:line:column kind arm) | source line | why |\n|---|---|---|\n`;
  for (const u of list) md += `| ${cell(u.id)} | \`${cell(u.text.slice(0, 80))}\` | ${cell(u.why)} |\n`;
  md += "\n";
};
section("Untaken arms: gaps (the corpus could take these)", untaken.filter((u) => u.cls === "gap"));
for (const [cls, title] of [
  ["unreachable", `Untaken arms: unreachable in ${LODESTAR_VERSION}`],
  ["boundary", "Untaken arms: behind a boundary the recorder stubs"],
  ["tsc", "Untaken arms: emitted by the TypeScript compiler"],
]) {
  section(title, untaken.filter((u) => u.cls === cls));
}
fs.writeFileSync(output, md);
console.log(`wrote ${output}: ${total.taken}/${total.arms} arms (${pct(total.taken, total.arms)}%), ${total.justified} justified, ${total.gaps} gaps`);
