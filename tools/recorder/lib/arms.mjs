// Decision-arm coverage of Lodestar's network/peers (beacon-node 1.44.0), on its TypeScript.
//
// istanbul (arms-instrument.mjs, loaded through arms-register.mjs) counts, per shipped JS file,
// how often each `if` arm, ternary arm, `switch` case, default parameter and each operand of a
// logical expression ran. This module turns those counters into decision arms, two per decision
// except `switch` (one per case):
//   if          then / else (the implicit else of an `if` without one counts too)
//   ternary     ? / :
//   && || ??    one decision per operator node, even inside a chain: "right evaluated" and
//               "short-circuit" (left falsy for &&, truthy for ||, non-nullish for ??)
//   switch      each case and default
//   default     a default parameter: "default used" / "argument given" (calls of the function
//               minus uses of the default); a destructuring default has only "default used"
// and maps each arm onto the TypeScript through the shipped source maps (istanbul-lib-source-maps).
// Files never loaded are instrumented statically, so every arm of every file counts: a function
// never called contributes all its arms, untaken.
//
// Interface (also used by the differential fuzzer):
//   armsOf(coverage) -> {arms, files}: coverage is istanbul's per-file object (globalThis.__coverage__
//     of a process started with --import lib/arms-register.mjs, or mergeCounterFiles(dir)).
//     arms: [{id, file, line, column, kind, label, text, hits}] in file/line order; id is stable
//     across runs and Lodestar-version-pinned ("peerManager.ts:350:20 ?? non-nullish").
//     files: [{file, arms, taken}].
//   mergeCounterFiles(dir) -> coverage: merges the <pid>.json files arms-register.mjs writes.
//   resetCounters(coverage): zeroes every counter in place (the fuzzer measures one input at a time).
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {parse} from "@babel/parser";
import libCoverage from "istanbul-lib-coverage";
import libSourceMaps from "istanbul-lib-source-maps";
import {instrumentSource} from "./arms-instrument.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const PEERS_LIB = fs.realpathSync(path.join(here, "..", "node_modules", "@lodestar", "beacon-node", "lib", "network", "peers"));
const PEERS_SRC = path.join(PEERS_LIB, "..", "..", "..", "src", "network", "peers");

// Every shipped JS file of network/peers, sorted: the measure's denominator.
export function peersJsFiles() {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, {withFileTypes: true})) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".js")) out.push(p);
    }
  };
  walk(PEERS_LIB);
  return out.sort();
}

export function mergeCounterFiles(dir) {
  const map = libCoverage.createCoverageMap({});
  for (const f of fs.readdirSync(dir).sort()) {
    if (f.endsWith(".json")) map.merge(JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")));
  }
  return map.toJSON();
}

export function resetCounters(coverage) {
  for (const fc of Object.values(coverage)) {
    for (const k of Object.keys(fc.s)) fc.s[k] = 0;
    for (const k of Object.keys(fc.f)) fc.f[k] = 0;
    for (const k of Object.keys(fc.b)) fc.b[k] = fc.b[k].map(() => 0);
    if (fc.bT) for (const k of Object.keys(fc.bT)) fc.bT[k] = fc.bT[k].map(() => 0);
  }
}

const locKey = (l) => `${l.start.line}:${l.start.column}:${l.end.line}:${l.end.column}`;
const hasLine = (l) => l && typeof l.start?.line === "number";

// The AST nodes istanbul's branch map refers to, by location, with their parents.
function indexAst(code) {
  const ast = parse(code, {sourceType: "module", plugins: ["importAttributes"]});
  const logical = new Map();
  const patterns = new Map();
  const visit = (node, parent) => {
    if (node.type === "LogicalExpression") logical.set(locKey(node.loc), node);
    if (node.type === "AssignmentPattern") patterns.set(locKey(node.loc), {node, parent});
    for (const [key, v] of Object.entries(node)) {
      if (key === "loc" || key === "leadingComments" || key === "trailingComments") continue;
      if (Array.isArray(v)) for (const c of v) c && typeof c.type === "string" && visit(c, node);
      else if (v && typeof v.type === "string") visit(v, node);
    }
  };
  visit(ast.program, null);
  return {logical, patterns};
}

const SHORT = {"&&": "left falsy (short-circuit)", "||": "left truthy (short-circuit)", "??": "left non-nullish (short-circuit)"};
const RIGHT = {"&&": "left truthy (right evaluated)", "||": "left falsy (right evaluated)", "??": "left nullish (right evaluated)"};

// A term list is a hit formula: sum of sign * counter.
export const hitsOf = (fc, terms) => terms.reduce((n, [sign, kind, k, i]) => n + sign * (kind === "b" ? fc.b[k][i] : fc.f[k]), 0);

// Decisions of one JS file, in JS coordinates: [{kind, loc, arms: [{label, loc, terms}]}].
export function jsDecisions(fc, code) {
  const ast = indexAst(code);
  const fnByBody = new Map(Object.entries(fc.fnMap).map(([id, f]) => [locKey(f.loc), id]));
  const out = [];
  for (const [k, br] of Object.entries(fc.branchMap)) {
    const arm = (label, loc, i) => ({label, loc, terms: [[1, "b", k, i]]});
    if (br.type === "if") {
      out.push({kind: "if", loc: br.loc, arms: [arm("then", br.locations[0], 0), arm("else", hasLine(br.locations[1]) ? br.locations[1] : br.loc, 1)]});
    } else if (br.type === "cond-expr") {
      out.push({kind: "ternary", loc: br.loc, arms: [arm("?", br.locations[0], 0), arm(":", br.locations[1], 1)]});
    } else if (br.type === "switch") {
      out.push({kind: "switch", loc: br.loc, arms: br.locations.map((l, i) => arm(code.split("\n")[l.start.line - 1].trim().startsWith("default") ? "default" : "case", l, i))});
    } else if (br.type === "binary-expr") {
      const top = ast.logical.get(locKey(br.loc));
      if (!top) throw new Error(`${fc.path}:${br.loc.start.line}: no logical expression at istanbul's branch location`);
      // istanbul's leaves: the operands reached through nested logical expressions, in order
      const leaves = [];
      const first = new Map();
      const flatten = (n) => {
        if (n.type !== "LogicalExpression") return leaves.push(n);
        first.set(n, leaves.length);
        flatten(n.left);
        first.set(n.right, leaves.length);
        flatten(n.right);
      };
      flatten(top);
      if (leaves.length !== br.locations.length || leaves.some((n, i) => locKey(n.loc) !== locKey(br.locations[i]))) {
        throw new Error(`${fc.path}:${br.loc.start.line}: istanbul's operands differ from the parsed expression`);
      }
      const nodes = [];
      const collect = (n) => {
        if (n.type !== "LogicalExpression") return;
        nodes.push(n);
        collect(n.left);
        collect(n.right);
      };
      collect(top);
      for (const n of nodes) {
        const entry = first.get(n);
        const right = first.get(n.right);
        out.push({
          kind: n.operator,
          loc: n.loc,
          arms: [
            {label: RIGHT[n.operator], loc: n.right.loc, terms: [[1, "b", k, right]]},
            {label: SHORT[n.operator], loc: n.left.loc, terms: [[1, "b", k, entry], [-1, "b", k, right]]},
          ],
        });
      }
    } else if (br.type === "default-arg") {
      const p = ast.patterns.get(locKey(br.loc));
      if (!p) throw new Error(`${fc.path}:${br.loc.start.line}: no default value at istanbul's branch location`);
      const fn = p.parent?.params?.includes(p.node) ? fnByBody.get(locKey(p.parent.body.loc)) : undefined;
      const arms = [arm("default used", br.locations[0], 0)];
      if (fn !== undefined) arms.push({label: "argument given", loc: p.node.left.loc, terms: [[1, "f", fn], [-1, "b", k, 0]]});
      out.push({kind: "default", loc: br.loc, arms});
    } else {
      throw new Error(`${fc.path}: istanbul branch type ${br.type} has no decision-arm rule`);
    }
  }
  return out;
}

// The static arm table of one JS file, mapped onto its TypeScript (cached per file: the counters
// change, the structure does not). Each arm's hit count is computed from its terms.
const tables = new Map();
async function armTable(jsFile, fc) {
  const cached = tables.get(jsFile);
  if (cached) return cached;
  const code = fs.readFileSync(jsFile, "utf8");
  const decisions = jsDecisions(fc, code);
  const flat = decisions.flatMap((d, di) => d.arms.map((a, ai) => ({d, di, a, ai})));
  // istanbul-lib-source-maps maps branch locations; each arm's hit slot carries its index + 1 so
  // that arms it cannot map are noticed (it drops them) instead of lost.
  const synthetic = {path: jsFile, statementMap: {}, fnMap: {}, s: {}, f: {}, branchMap: {}, b: {}};
  let next = 0;
  decisions.forEach((d, di) => {
    synthetic.branchMap[di] = {type: d.kind, loc: d.loc, locations: d.arms.map((a) => a.loc), line: d.loc.start.line};
    synthetic.b[di] = d.arms.map(() => ++next);
  });
  const map = JSON.parse(fs.readFileSync(`${jsFile}.map`, "utf8"));
  const store = libSourceMaps.createSourceMapStore();
  store.registerMap(jsFile, map);
  const mapped = (await store.transformCoverage(libCoverage.createCoverageMap({[jsFile]: synthetic}))).toJSON();
  const tsLoc = new Map();
  for (const [tsFile, tfc] of Object.entries(mapped)) {
    for (const [bk, br] of Object.entries(tfc.branchMap)) {
      tfc.b[bk].forEach((slot, i) => tsLoc.set(slot - 1, {tsFile, loc: br.locations[i], decisionLoc: br.loc}));
    }
  }
  const srcLines = new Map();
  const lineOf = (tsFile, line) => {
    if (!srcLines.has(tsFile)) srcLines.set(tsFile, fs.existsSync(tsFile) ? fs.readFileSync(tsFile, "utf8").split("\n") : []);
    return (srcLines.get(tsFile)[line - 1] ?? "").trim();
  };
  const jsRel = path.relative(PEERS_LIB, jsFile);
  const defaultTs = jsRel.replace(/\.js$/, ".ts");
  const rows = flat.map(({d, a}, idx) => {
    const m = tsLoc.get(idx);
    // an arm istanbul-lib-source-maps could not map is reported at its JS location, never dropped
    const where = m && hasLine(m.loc) ? m : null;
    const file = where ? path.relative(PEERS_SRC, where.tsFile) : `${jsRel} (JS: unmapped)`;
    const line = where ? where.loc.start.line : d.loc.start.line;
    const column = where ? where.loc.start.column + 1 : d.loc.start.column + 1;
    // a switch arm is reported at its case, every other arm at its decision
    const atDecision = d.kind !== "switch" && where && hasLine(where.decisionLoc);
    const decLine = atDecision ? where.decisionLoc.start.line : line;
    const decCol = atDecision ? where.decisionLoc.start.column + 1 : column;
    return {
      file: file || defaultTs,
      line: decLine,
      column: decCol,
        kind: d.kind,
      label: a.label,
      text: where ? lineOf(where.tsFile, decLine) : code.split("\n")[d.loc.start.line - 1].trim(),
      jsLine: d.loc.start.line,
      terms: a.terms,
    };
  });
  const seen = new Map();
  for (const r of rows) {
    const base = `${r.file}:${r.line}:${r.column} ${r.kind} ${r.label}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    r.id = n === 1 ? base : `${base} #${n}`;
  }
  tables.set(jsFile, rows);
  return rows;
}

// Decision arms of every network/peers file with their hit counts under `coverage`.
export async function armsOf(coverage) {
  const arms = [];
  for (const jsFile of peersJsFiles()) {
    let fc = coverage[jsFile];
    // a file no process loaded: its arms, all untaken
    if (!fc) fc = instrumentSource(fs.readFileSync(jsFile, "utf8"), jsFile).fileCoverage;
    for (const row of await armTable(jsFile, fc)) {
      const {terms, ...rest} = row;
      arms.push({...rest, hits: hitsOf(fc, terms)});
    }
  }
  arms.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
  const files = new Map();
  for (const a of arms) {
    const f = files.get(a.file) ?? {file: a.file, arms: 0, taken: 0};
    f.arms++;
    if (a.hits > 0) f.taken++;
    files.set(a.file, f);
  }
  return {arms, files: [...files.values()]};
}
