// Generates js_sort_cases.json: arrays sorted by the REAL Array.prototype.sort
// of the Node that runs this (it must be V8 11.3, Node 20's, the one Lodestar
// runs on), with comparators that are no order, for engine/utils/js_sort_test.cc.
//
// Run: node engine/testdata/gen_js_sort.mjs   (a re-run gives the same JSON)
// The JSON has one case per line, as the other fixtures.
//
// Each case: {cmp, values, order, calls, hash}.
//   values: the numbers, a finite one as a JSON number, else one of the strings
//           "NaN", "Infinity", "-Infinity", "-0" (JSON has no such numbers).
//   The array sorted holds one object {v, i} per value, i its index, so equal
//   values stay apart. cmp names the comparator:
//     "desc": (a, b) => b.v - a.v   updateGossipsubScores' shape
//     "asc":  (a, b) => a.v - b.v
//     "rand": (a, b) => rand3(a.i, b.i) - 1, a hash of the ordered pair in
//             {-1, 0, 1}: no order at all, and it tells (x, y) from (y, x)
//   order: the i of each element of the sorted array, first to last.
//   calls: how many times sort called the comparator; hash: FNV-1a (32 bits)
//   over the (a.i, b.i) of every call, in call order: the argument order and
//   the sequence of calls, not only the result, are V8's.
import {writeFileSync} from "node:fs";
import {dirname, join} from "node:path";
import {fileURLToPath} from "node:url";

import {mulberry32} from "./driver.mjs";

if (!process.versions.v8.startsWith("11.3.")) {
  console.error(`V8 ${process.versions.v8}: the fixture must come from V8 11.3 (Node 20), the one Lodestar runs on`);
  process.exit(2);
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const fnv = (h, x) => Math.imul(h ^ x, FNV_PRIME) >>> 0;

// rand3: in 0..2 from the ordered pair (x, y); js_sort_test.cc has the same.
const rand3 = (x, y) => ((Math.imul(x ^ Math.imul(y, 0x9e3779b1), 0x85ebca6b) ^ (x >>> 3)) >>> 0) % 3;

const COMPARATORS = {
  desc: (a, b) => b.v - a.v,
  asc: (a, b) => a.v - b.v,
  rand: (a, b) => rand3(a.i, b.i) - 1,
};

const SPECIALS = [NaN, Infinity, -Infinity, -0, 0, 1e308, -1e308, 5e-324, -0.5, 0.25];

// Value generators: each (random, n) -> n numbers.
const GENERATORS = {
  // Small integers with many duplicates and a few NaN.
  ints: (r, n) => Array.from({length: n}, () => (r() < 0.1 ? NaN : Math.floor(r() * 8) - 3)),
  // Mostly the special values: NaN, ±Infinity (Infinity - Infinity is NaN),
  // ±0, values whose difference overflows.
  specials: (r, n) => Array.from({length: n}, () => SPECIALS[Math.floor(r() * SPECIALS.length)]),
  // Random scores with exactly one NaN: one peer whose gossip score overflowed.
  one_nan: (r, n) => {
    const v = Array.from({length: n}, () => Math.round((r() * 200 - 150) * 4) / 4);
    if (n > 0) v[Math.floor(r() * n)] = NaN;
    return v;
  },
  // Ascending and descending runs of random lengths, NaN sprinkled in, so
  // that count_and_make_run finds long runs and the merges gallop.
  runs: (r, n) => {
    const v = [];
    while (v.length < n) {
      const len = 1 + Math.floor(r() * 70);
      const up = r() < 0.5;
      let x = Math.floor(r() * 100) - 50;
      for (let k = 0; k < len && v.length < n; k++) {
        v.push(r() < 0.03 ? NaN : x);
        x += (up ? 1 : -1) * Math.floor(r() * 3);
      }
    }
    return v;
  },
  // Sorted or reversed whole, with a few NaN.
  sorted: (r, n) => {
    const up = r() < 0.5;
    return Array.from({length: n}, (_, k) => (r() < 0.02 ? NaN : up ? k >> 1 : n - (k >> 1)));
  },
  // Mostly NaN.
  nan_heavy: (r, n) => Array.from({length: n}, () => (r() < 0.7 ? NaN : Math.floor(r() * 5))),
};

const encode = (x) => (Number.isNaN(x) ? "NaN" : x === Infinity ? "Infinity" : x === -Infinity ? "-Infinity" : Object.is(x, -0) ? "-0" : x);

function sortCase(cmp, values) {
  const compare = COMPARATORS[cmp];
  let calls = 0;
  let hash = FNV_OFFSET;
  const array = values.map((v, i) => ({v, i}));
  array.sort((a, b) => {
    calls++;
    hash = fnv(fnv(hash, a.i), b.i);
    return compare(a, b);
  });
  return {cmp, values: values.map(encode), order: array.map((e) => e.i), calls, hash};
}

const random = mulberry32(20261207);
const kinds = Object.keys(GENERATORS);
const cases = [];
// Every length 0..300 once with updateGossipsubScores' comparator; then fewer
// lengths with the others (lengths >= 64 make several runs, merges, galloping).
for (let n = 0; n <= 300; n++) {
  cases.push(sortCase("desc", GENERATORS[kinds[n % kinds.length]](random, n)));
}
for (let n = 0; n <= 300; n += 7) {
  cases.push(sortCase("asc", GENERATORS[kinds[(n / 7) % kinds.length]](random, n)));
  cases.push(sortCase("rand", GENERATORS.ints(random, n)));
}
const header = {node: process.version, v8: process.versions.v8};
const text = `{"generator":${JSON.stringify(header)},\n "cases":[\n${cases.map((c) => "  " + JSON.stringify(c)).join(",\n")}\n]}\n`;
const path = join(dirname(fileURLToPath(import.meta.url)), "js_sort_cases.json");
writeFileSync(path, text);
console.log(`wrote ${path}: ${cases.length} cases, ${text.length} bytes of JSON`);
