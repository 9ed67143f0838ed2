// The decision-arm measure (lib/arms.mjs): arms derived from istanbul's counters agree with what
// JavaScript evaluated, on a small function run with known inputs; and every arm of the shipped
// network/peers maps onto its TypeScript.
// Run: node --test tools/recorder/test/arms.test.mjs   (needs tools/recorder/setup.sh)
import assert from "node:assert/strict";
import {test} from "node:test";
import vm from "node:vm";
import {armsOf, hitsOf, jsDecisions} from "../lib/arms.mjs";
import {instrumentSource} from "../lib/arms-instrument.mjs";

const CODE = `globalThis.armsProbe = function probe(a, b, c, d = 7) {
  let r = 0;
  if ((a && b) || c) r += 1;
  const v = a ?? d;
  switch (v) {
    case 1:
      r += 10;
      break;
    default:
      r += 20;
  }
  return r + (b ? v : 0);
};
`;

test("decision arms count what JavaScript evaluated", () => {
  const file = "/virtual/arms-probe.js";
  const {code} = instrumentSource(CODE, file);
  vm.runInThisContext(code);
  // (a, b, c, d): 4 calls, 3 of them without d
  globalThis.armsProbe(1, 1, 0);
  globalThis.armsProbe(0, 1, 0);
  globalThis.armsProbe(null, 0, 1);
  globalThis.armsProbe(1, 0, 0, 3);
  const fc = globalThis.__coverage__[file];
  const hits = {};
  for (const d of jsDecisions(fc, CODE)) {
    for (const a of d.arms) hits[`${d.kind} ${d.loc.start.line}:${d.loc.start.column} ${a.label}`] = hitsOf(fc, a.terms);
  }
  assert.deepEqual(hits, {
    "default 1:47 default used": 3,
    "default 1:47 argument given": 1,
    "if 3:2 then": 2, // (1,1,0) and (null,0,1)
    "if 3:2 else": 2,
    // (a && b) || c: the || is one decision, the && inside it another
    "|| 3:6 left falsy (right evaluated)": 3, // a&&b false for (0,1), (null,0), (1,0)
    "|| 3:6 left truthy (short-circuit)": 1,
    "&& 3:7 left truthy (right evaluated)": 2, // a = 1 twice
    "&& 3:7 left falsy (short-circuit)": 2, // a = 0 and a = null
    "?? 4:12 left nullish (right evaluated)": 1,
    "?? 4:12 left non-nullish (short-circuit)": 3,
    "switch 5:2 case": 2, // v = 1 for (1,1,0) and (1,0,0,3)
    "switch 5:2 default": 2,
    "ternary 12:14 ?": 2,
    "ternary 12:14 :": 2,
  });
});

test("every arm of the shipped network/peers maps onto its TypeScript", async () => {
  const {arms, files} = await armsOf({});
  assert.ok(arms.length > 500, `only ${arms.length} arms`);
  assert.deepEqual(arms.filter((a) => !a.file.endsWith(".ts")).map((a) => a.id), []);
  assert.ok(files.some((f) => f.file === "peerManager.ts"));
  assert.equal(arms.filter((a) => a.hits !== 0).length, 0, "no counters given, no arm taken");
  assert.equal(new Set(arms.map((a) => a.id)).size, arms.length, "arm ids are unique");
});
