// Writes (x, Math.exp(x)) pairs computed by Node's own Math.exp, for
// engine/js_math_test.cc to compare bit for bit against peers::js_exp.
// Also writes (x, Math.round(x)) pairs for peers::js_round.
//
// Run (the test does this itself):  node engine/testdata/exp_pairs.mjs <out_dir>
//                               or:  node engine/testdata/exp_pairs.mjs --constants
// Output, all little-endian IEEE doubles, no header:
//   <out_dir>/exp_pairs.bin    x0, exp(x0), x1, exp(x1), ...
//   <out_dir>/round_pairs.bin  x0, round(x0), ...
// and one JSON line on stdout: {"exp_pairs":N,"round_pairs":M,"halflife_decay_ms":...}
//
// Arguments, in this order:
//   1. the decay grid: x = HALFLIFE_DECAY_MS * dt for dt = 1..2,000,000 ms, the
//      exact expression score.ts evaluates (HALFLIFE_DECAY_MS = -Math.log(2) / 600000);
//   2. 1,000,000 pseudo-random values in [-50, 0] (mulberry32, seed 1);
//   3. 500,000 pseudo-random values in [-746, 710] (all of exp's finite range
//      and both over/underflow edges; seed 2);
//   4. 200,000 pseudo-random doubles from random bit patterns (seed 3): tiny,
//      huge, subnormal, NaN, every exponent;
//   5. hand-picked edge cases.
import {writeFileSync} from "node:fs";
import {join} from "node:path";

const HALFLIFE_DECAY_MS = -Math.log(2) / (10 * 60 * 1000); // score/constants.ts

const outDir = process.argv[2];
if (!outDir) {
  console.error("usage: node exp_pairs.mjs <out_dir> | --constants");
  process.exit(2);
}
if (outDir === "--constants") {
  console.log(JSON.stringify({halflife_decay_ms: HALFLIFE_DECAY_MS}));
  process.exit(0);
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const xs = [];
for (let dt = 1; dt <= 2_000_000; dt++) xs.push(HALFLIFE_DECAY_MS * dt);
{
  const r = mulberry32(1);
  for (let i = 0; i < 1_000_000; i++) xs.push(-50 * r());
}
{
  const r = mulberry32(2);
  for (let i = 0; i < 500_000; i++) xs.push(-746 + 1456 * r());
}
{
  const r = mulberry32(3);
  const u32 = new Uint32Array(2);
  const f64 = new Float64Array(u32.buffer);
  for (let i = 0; i < 200_000; i++) {
    u32[0] = (r() * 4294967296) >>> 0;
    u32[1] = (r() * 4294967296) >>> 0;
    xs.push(f64[0]);
  }
}
const edges = [
  0, -0, 1, -1, 0.5, -0.5, Math.LN2, -Math.LN2, 0.5 * Math.LN2, -0.5 * Math.LN2, 1.5 * Math.LN2,
  -1.5 * Math.LN2, 2 ** -28, -(2 ** -28), 2 ** -29, 2 ** -54, Number.MIN_VALUE, -Number.MIN_VALUE,
  709.782712893384, 709.7827128933840, 7.09782712893383973096e2, 7.097827128933841e2, 710, -745.1332191019411,
  -7.45133219101941108420e2, -745.1332191019412, -746, -708.39641853226408, -708.4, -709, -744, -1021 * Math.LN2,
  -1022 * Math.LN2, Infinity, -Infinity, NaN, Number.MAX_VALUE, -Number.MAX_VALUE, 1e-300, -1e-300, 100, -100,
];
for (const e of edges) xs.push(e);

const exp = new Float64Array(xs.length * 2);
for (let i = 0; i < xs.length; i++) {
  exp[2 * i] = xs[i];
  exp[2 * i + 1] = Math.exp(xs[i]);
}
writeFileSync(join(outDir, "exp_pairs.bin"), Buffer.from(exp.buffer));

// Math.round: halves, near-halves, signed zeros, the 2^52..2^53 boundary, random.
const rs = [
  0, -0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994, 0.5000000000000001,
  -0.5000000000000001, 0.2, -0.2, 1e-320, -1e-320, 2 ** 52, -(2 ** 52), 2 ** 52 - 0.5, -(2 ** 52) + 0.5,
  2 ** 52 + 1, 2 ** 53, -(2 ** 53), 2 ** 53 - 1, 4503599627370495.5, -4503599627370495.5, 1e300, -1e300,
  Infinity, -Infinity, NaN, 0.1 * 3, 0.1 * 25, 0.1 * 15, 0.1 * 5, 0.1 * 35, 0.25 * 2, 0.05 * 10, 0.05 * 200,
];
{
  const r = mulberry32(4);
  for (let i = 0; i < 100_000; i++) rs.push((r() - 0.5) * 1000);
  for (let i = 0; i < 100_000; i++) rs.push(Math.floor((r() - 0.5) * 2000) / 2); // exact halves
  for (let n = 0; n <= 1000; n++) rs.push(0.1 * n); // outboundPeersTarget = Math.round(0.1 * n)
}
const round = new Float64Array(rs.length * 2);
for (let i = 0; i < rs.length; i++) {
  round[2 * i] = rs[i];
  round[2 * i + 1] = Math.round(rs[i]);
}
writeFileSync(join(outDir, "round_pairs.bin"), Buffer.from(round.buffer));

console.log(JSON.stringify({exp_pairs: xs.length, round_pairs: rs.length, halflife_decay_ms: HALFLIFE_DECAY_MS}));
