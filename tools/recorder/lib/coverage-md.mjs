// coverage-final.json (istanbul, from c8) -> traces/COVERAGE.md: per-file line and branch coverage and
// every uncovered branch with its source line. Reasons for the uncovered ones come from
// tools/recorder/coverage-notes.json ({"<file>:<line>": "why"}), kept by hand.
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {LODESTAR_VERSION} from "./constants.mjs";

const [input, output, command, seconds] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const cov = JSON.parse(fs.readFileSync(input, "utf8"));
let notes = {};
try {
  notes = JSON.parse(fs.readFileSync(path.join(here, "..", "coverage-notes.json"), "utf8"));
} catch {}

const rel = (f) => f.slice(f.indexOf("/network/peers/") + "/network/peers/".length);
const rows = [];
const uncovered = [];
const TARGET = /^(peerManager|score\/.*|utils\/prioritizePeers|utils\/assertPeerRelevance)\.(ts|js)$/;
const totals = {target: {b: 0, bc: 0}, all: {l: 0, lc: 0, b: 0, bc: 0}};
for (const file of Object.keys(cov).sort()) {
  const c = cov[file];
  const name = rel(file);
  const src = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n") : [];
  // lines: a line is covered if every statement starting on it ran
  const lineHits = new Map();
  for (const [id, loc] of Object.entries(c.statementMap)) {
    const l = loc.start.line;
    lineHits.set(l, Math.min(lineHits.get(l) ?? Infinity, c.s[id]));
  }
  const lines = lineHits.size;
  const linesCovered = [...lineHits.values()].filter((n) => n > 0).length;
  let b = 0;
  let bc = 0;
  for (const [id, br] of Object.entries(c.branchMap)) {
    c.b[id].forEach((hits, i) => {
      b++;
      if (hits > 0) bc++;
      else {
        const loc = br.locations?.[i] ?? br.loc;
        const line = loc?.start?.line ?? br.loc.start.line;
        uncovered.push({name, line, type: br.type, arm: i, text: (src[line - 1] ?? "").trim()});
      }
    });
  }
  rows.push({name, lines, linesCovered, b, bc});
  totals.all.l += lines;
  totals.all.lc += linesCovered;
  totals.all.b += b;
  totals.all.bc += bc;
  if (TARGET.test(name)) {
    totals.target.b += b;
    totals.target.bc += bc;
  }
}
const NON_TARGET = `Not in the target set, and mostly unreached on purpose: \`discover.ts\` (PeerDiscovery, the mocked
discovery boundary), \`utils/subnetMap.ts\` and \`utils/enrSubnetsDeserialize.ts\` (used by discovery and
the subnet services), \`hasSomeConnectedPeer\` in \`utils/getConnectedPeerIds.ts\` and the \`PeersData\`
getters (called by the network and req/resp, not by the peer manager). "lines" counts source lines
with a statement (c8's statement map through the source maps).
`;
const pct = (a, b) => (b === 0 ? "100.0" : ((100 * a) / b).toFixed(1));
let md = `# Coverage of Lodestar's network/peers by the trace corpus\n\n`;
md += `Measured with V8 coverage (\`NODE_V8_COVERAGE\`) while recording every catalog scenario and the\n`;
md += `committed generated trace, reported by c8 on \`@lodestar/beacon-node\` ${LODESTAR_VERSION}'s \`lib/network/peers/**/*.js\`,\n`;
md += `mapped through the shipped source maps onto \`src/network/peers/**/*.ts\` (line numbers are the TypeScript's).\n\n`;
md += `Command: \`${command}\` (${seconds} s on the 2-core build machine).\n\n`;
md += `| file | lines | line % | branches | branch % |\n|---|---:|---:|---:|---:|\n`;
for (const r of rows) md += `| ${r.name} | ${r.linesCovered}/${r.lines} | ${pct(r.linesCovered, r.lines)} | ${r.bc}/${r.b} | ${pct(r.bc, r.b)} |\n`;
md += `| **all** | ${totals.all.lc}/${totals.all.l} | ${pct(totals.all.lc, totals.all.l)} | ${totals.all.bc}/${totals.all.b} | ${pct(totals.all.bc, totals.all.b)} |\n\n`;
md += `Branches of the target files (peerManager, score/*, prioritizePeers, assertPeerRelevance): `;
md += `**${totals.target.bc}/${totals.target.b} = ${pct(totals.target.bc, totals.target.b)}%** (target 95%).\n\n`;
md += `${NON_TARGET}\n`;
md += `## Uncovered branches\n\nEach arm V8 never took, with the reason it is not reached by the corpus.\n\n`;
md += `| file:line | kind | arm | source | why |\n|---|---|---:|---|---|\n`;
for (const u of uncovered) {
  const why = notes[`${u.name}:${u.line}`] ?? "";
  md += `| ${u.name}:${u.line} | ${u.type} | ${u.arm} | \`${u.text.replace(/\|/g, "\\|").slice(0, 90)}\` | ${why} |\n`;
}
fs.writeFileSync(output, md);
console.log(`wrote ${output}: target branches ${pct(totals.target.bc, totals.target.b)}%`);
