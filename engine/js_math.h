// Bit-exact JavaScript arithmetic for the engine.
//
// Owner: the engine's pure layers. Why this file exists: Lodestar's score decay
// calls `Math.exp`, and V8 implements it with a port of fdlibm's
// `__ieee754_exp` (src/base/ieee754.cc), not with the C library. glibc's `exp`
// differs from it by one ulp on roughly one argument in ten of the decay grid,
// so the engine carries its own transcription (js_exp). The other helpers pin
// down the few JS rounding functions the peer code uses, with JS semantics
// (signed zeros, halves, NaN and infinities).
//
// Build requirement: every translation unit that does double arithmetic on a
// path that reaches an output is compiled with -ffp-contract=off (set globally
// in the top-level CMakeLists.txt) and never with fast-math flags: JS never fuses a
// multiply and an add.
//
// Verified by engine/js_math_test.cc against Node's own Math.exp and Math.round
// (engine/testdata/exp_pairs.mjs writes the expected values).
#ifndef PEER_REPLAY_ENGINE_JS_MATH_H_
#define PEER_REPLAY_ENGINE_JS_MATH_H_

#include <bit>
#include <cstdint>

namespace peers {

// Math.exp(x): fdlibm __ieee754_exp as V8 ships it (including V8's special
// case exp(1) == Math.E). Correct to < 1 ulp, and bit-identical to Node 20's
// Math.exp for every argument tested (see js_math_test.cc).
double js_exp(double x);

// Math.round(x): the integer closest to x, halves rounded toward +Infinity.
// Keeps JS's signed zeros: round(-0.5) == -0, round(-0.2) == -0, round(-0) == -0.
// NaN and +-Infinity are returned unchanged; |x| >= 2^52 is already integral.
double js_round(double x);

// Math.floor(x) and Math.ceil(x). IEEE floor/ceil are exact operations, so
// these are std::floor/std::ceil; they exist so call sites read like the TS.
double js_floor(double x);
double js_ceil(double x);

// An integer that orders like the double under the comparator `a - b < 0`,
// for sorts that compare doubles by subtraction, as the TS does: for x and y
// not NaN, `x - y < 0` exactly when key(x) < key(y). The rounded difference
// of two doubles has the sign of the exact one and is 0 only for equal
// operands, so that comparator is `<`, with -0 equal to +0 (both map to 2^63)
// and the infinities in place. NaN has no key: callers check for it.
inline uint64_t js_sub_order_key(double x) {
  const uint64_t bits = std::bit_cast<uint64_t>(x);
  const uint64_t magnitude = bits & ~(uint64_t{1} << 63);
  return (bits >> 63) != 0 ? (uint64_t{1} << 63) - magnitude : (uint64_t{1} << 63) + magnitude;
}

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_JS_MATH_H_
