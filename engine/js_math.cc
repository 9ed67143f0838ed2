// js_exp is a C++ transcription of fdlibm's __ieee754_exp (e_exp.c) in the form
// V8 ships it as base::ieee754::exp (src/base/ieee754.cc), which is what
// Node's Math.exp calls. fdlibm's notice, which its license asks to keep:
//
// ====================================================
// Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//
// Developed at SunSoft, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================
//
// Differences from the 1993 original, all taken from V8 so results match it:
// exp(1.0) returns Math.E exactly, and the overflow/underflow constants are
// plain (not volatile) doubles: the engine has no floating-point exception
// flags to raise, only results to match.
#include "engine/js_math.h"

#include <bit>
#include <cmath>
#include <cstdint>

namespace peers {
namespace {

// The high and low 32-bit words of an IEEE double (fdlibm's GET_HIGH_WORD,
// GET_LOW_WORD and INSERT_WORDS).
uint32_t high_word(double d) { return static_cast<uint32_t>(std::bit_cast<uint64_t>(d) >> 32); }
uint32_t low_word(double d) { return static_cast<uint32_t>(std::bit_cast<uint64_t>(d) & 0xFFFFFFFFu); }
double from_words(uint32_t high, uint32_t low) {
  return std::bit_cast<double>((static_cast<uint64_t>(high) << 32) | static_cast<uint64_t>(low));
}

}  // namespace

// exp(x)
// Method
//   1. Argument reduction: reduce x to r so that |r| <= 0.5*ln2 ~ 0.34658.
//      Given x, find r and integer k such that x = k*ln2 + r, |r| <= 0.5*ln2.
//      r is represented as r = hi - lo for better accuracy.
//   2. Approximation of exp(r) by a special rational function on [0,0.34658]:
//          R(r**2) = r*(exp(r)+1)/(exp(r)-1) = 2 + r*r/6 - r**4/360 + ...
//      A Remes polynomial of degree 5 approximates R with error < 2**-59:
//          R(z) ~ 2.0 + P1*z + P2*z**2 + P3*z**3 + P4*z**4 + P5*z**5
//      so that
//          exp(r) = 1 + 2*r/(R - r) = 1 + r + r*R1(r)/(2 - R1(r))
//      with R1(r) = r - (P1*r**2 + P2*r**4 + ... + P5*r**10).
//   3. Scale back: exp(x) = 2^k * exp(r).
// Special cases: exp(INF) is INF, exp(NaN) is NaN, exp(-INF) is 0; for finite
// arguments only exp(0) = 1 is exact. Error < 1 ulp.
// Overflow above 7.09782712893383973096e+02, underflow below
// -7.45133219101941108420e+02.
double js_exp(double x) {
  constexpr double one = 1.0;
  constexpr double halF[2] = {0.5, -0.5};
  constexpr double huge = 1.0e+300;
  constexpr double twom1000 = 9.33263618503218878990e-302;     // 2**-1000 = 0x01700000,0
  constexpr double two1023 = 8.988465674311579539e307;         // 0x1p1023
  constexpr double o_threshold = 7.09782712893383973096e+02;   // 0x40862E42, 0xFEFA39EF
  constexpr double u_threshold = -7.45133219101941108420e+02;  // 0xC0874910, 0xD52D3051
  constexpr double ln2HI[2] = {6.93147180369123816490e-01,     // 0x3FE62E42, 0xFEE00000
                               -6.93147180369123816490e-01};   // 0xBFE62E42, 0xFEE00000
  constexpr double ln2LO[2] = {1.90821492927058770002e-10,     // 0x3DEA39EF, 0x35793C76
                               -1.90821492927058770002e-10};   // 0xBDEA39EF, 0x35793C76
  constexpr double invln2 = 1.44269504088896338700e+00;        // 0x3FF71547, 0x652B82FE
  constexpr double P1 = 1.66666666666666019037e-01;            // 0x3FC55555, 0x5555553E
  constexpr double P2 = -2.77777777770155933842e-03;           // 0xBF66C16C, 0x16BEBD93
  constexpr double P3 = 6.61375632143793436117e-05;            // 0x3F11566A, 0xAF25DE2C
  constexpr double P4 = -1.65339022054652515390e-06;           // 0xBEBBBD41, 0xC5D26BF1
  constexpr double P5 = 4.13813679705723846039e-08;            // 0x3E663769, 0x72BEA4D0
  constexpr double E = 2.718281828459045;                      // 0x4005BF0A, 0x8B145769

  double y = 0.0;
  double hi = 0.0;
  double lo = 0.0;
  double c = 0.0;
  double t = 0.0;
  double twopk = 0.0;
  int32_t k = 0;

  uint32_t hx = high_word(x);
  const int32_t xsb = static_cast<int32_t>((hx >> 31) & 1);  // sign bit of x
  hx &= 0x7FFFFFFF;                                          // high word of |x|

  // Filter out non-finite arguments.
  if (hx >= 0x40862E42) {  // |x| >= 709.78...
    if (hx >= 0x7FF00000) {
      const uint32_t lx = low_word(x);
      if (((hx & 0xFFFFF) | lx) != 0) return x + x;  // NaN
      return (xsb == 0) ? x : 0.0;                   // exp(+-inf) = {inf, 0}
    }
    if (x > o_threshold) return huge * huge;          // overflow
    if (x < u_threshold) return twom1000 * twom1000;  // underflow
  }

  // Argument reduction.
  if (hx > 0x3FD62E42) {    // |x| > 0.5 ln2
    if (hx < 0x3FF0A2B2) {  // and |x| < 1.5 ln2
      // V8: exp(1) returns E exactly; the general path gets its last bit wrong.
      if (x == 1.0) return E;
      hi = x - ln2HI[xsb];
      lo = ln2LO[xsb];
      k = 1 - xsb - xsb;
    } else {
      k = static_cast<int32_t>(invln2 * x + halF[xsb]);
      t = k;
      hi = x - t * ln2HI[0];  // t*ln2HI is exact here
      lo = t * ln2LO[0];
    }
    x = hi - lo;
  } else if (hx < 0x3E300000) {          // |x| < 2**-28
    if (huge + x > one) return one + x;  // trigger inexact
  } else {
    k = 0;
  }

  // x is now in the primary range.
  t = x * x;
  if (k >= -1021) {
    twopk = from_words(0x3FF00000 + (static_cast<uint32_t>(k) << 20), 0);
  } else {
    twopk = from_words(0x3FF00000 + (static_cast<uint32_t>(k + 1000) << 20), 0);
  }
  c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return one - ((x * c) / (c - 2.0) - x);
  y = one - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * two1023;
    return y * twopk;
  }
  return y * twopk * twom1000;
}

double js_round(double x) {
  // ECMA-262 Math.round: NaN, +-0 and +-Infinity are returned as they are.
  if (std::isnan(x) || std::isinf(x) || x == 0.0) return x;
  // (-0.5, 0) and -0.5 itself round to -0; (0, 0.5) rounds to +0.
  if (x < 0.0 && x >= -0.5) return -0.0;
  if (x > 0.0 && x < 0.5) return 0.0;
  // floor(x) is exact and x - floor(x) is exact (both lie in the same binade
  // or the difference is a fraction of x's ulp grid), so there is no
  // double-rounding of x + 0.5 as in the naive floor(x + 0.5).
  double r = std::floor(x);
  if (x - r >= 0.5) r += 1.0;
  return r;
}

double js_floor(double x) { return std::floor(x); }

double js_ceil(double x) { return std::ceil(x); }

}  // namespace peers
