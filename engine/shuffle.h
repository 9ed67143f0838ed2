// Random shuffle with injected draws: a port of shuffle() from
// packages/beacon-node/src/util/shuffle.ts.
//
// Owner: engine pure layers (prioritize). The TS calls Math.random(); the
// engine has no hidden randomness, so the caller supplies the exact values the
// TS drew (the trace records them per event) through RandomDraws, which counts
// what is used and reports running out instead of inventing values.
#ifndef PEER_REPLAY_ENGINE_SHUFFLE_H_
#define PEER_REPLAY_ENGINE_SHUFFLE_H_

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "peers/random_source.h"

#include "engine/js_math.h"

namespace peers {

// A cursor over recorded Math.random() values, or over a RandomSource asked
// for each run of values as it is needed. Owns neither: the span or the
// source must outlive the cursor.
class RandomDraws {
 public:
  enum class Error {
    kNone,
    kExhausted,   // a draw was requested after the last recorded value
    kOutOfRange,  // a recorded value is not in [0, 1) (Math.random's range)
  };

  RandomDraws() = default;  // no draws at all
  explicit RandomDraws(std::span<const double> draws) : draws_(draws) {}
  explicit RandomDraws(RandomSource* source) : source_(source) { assert(source != nullptr); }

  // The next recorded value; nullopt (and error() set) when there is none or
  // it is not a value Math.random() can return. Sticky: after an error every
  // later call fails too.
  std::optional<double> next() {
    if (source_ != nullptr) {
      const std::optional<std::span<const double>> one = take(1);
      if (!one.has_value()) return std::nullopt;
      return (*one)[0];
    }
    if (error_ != Error::kNone) return std::nullopt;
    if (used_ >= draws_.size()) {
      error_ = Error::kExhausted;
      return std::nullopt;
    }
    const double r = draws_[used_];
    if (!(r >= 0.0 && r < 1.0)) {
      error_ = Error::kOutOfRange;
      return std::nullopt;
    }
    used_++;
    return r;
  }

  // The next `count` recorded values at once, for loops that would call
  // next() `count` times: nullopt, with used() and error() exactly as those
  // calls would leave them (used() stops at the first value that fails, the
  // error is the one that value raises), or the values with used() advanced
  // past them. Checking them all first lets the caller's loop run without a
  // check per draw; the calls' observable effects are the same.
  std::optional<std::span<const double>> take(size_t count) {
    if (count == 0) return std::span<const double>();  // no next() call, so no error either
    if (error_ != Error::kNone) return std::nullopt;
    if (source_ != nullptr) return take_from_source(count);
    const size_t available = std::min(count, draws_.size() - used_);
    const double* first = draws_.data() + used_;
    // Branch-free over all values; the rare failure is located afterwards.
    if (!all_in_unit_interval(first, available)) {
      size_t k = 0;
      while (first[k] >= 0.0 && first[k] < 1.0) k++;
      used_ += k;
      error_ = Error::kOutOfRange;
      return std::nullopt;
    }
    if (available < count) {
      used_ += available;
      error_ = Error::kExhausted;
      return std::nullopt;
    }
    used_ += count;
    return std::span<const double>(first, count);
  }

  size_t used() const { return used_; }
  size_t remaining() const { return source_ != nullptr ? 0 : draws_.size() - used_; }
  Error error() const { return error_; }

 private:
  // Whether every one of values[0..count) is in [0, 1), Math.random's range:
  // the test of next() on each, without a branch per value.
  static bool all_in_unit_interval(const double* values, size_t count) {
    size_t k = 0;
    bool all = true;
#if defined(__SSE2__)
    // Two values per instruction: the same ordered compares (false for NaN;
    // -0 >= 0 holds), their results ANDed over all pairs.
    const __m128d zero = _mm_setzero_pd();
    const __m128d one = _mm_set1_pd(1.0);
    __m128d in_range = _mm_cmpeq_pd(zero, zero);  // all ones
    auto pair_in_range = [&](size_t at) {
      const __m128d v = _mm_loadu_pd(values + at);
      return _mm_and_pd(_mm_cmpge_pd(v, zero), _mm_cmplt_pd(v, one));
    };
    for (; k + 4 <= count; k += 4) {  // unrolled: the loop control was a third of the loop
      in_range = _mm_and_pd(in_range, _mm_and_pd(pair_in_range(k), pair_in_range(k + 2)));
    }
    for (; k + 2 <= count; k += 2) in_range = _mm_and_pd(in_range, pair_in_range(k));
    all = _mm_movemask_pd(in_range) == 0x3;
#else
    // As bits, the doubles in [0, 1) are -0 and those below the bits of 1.0:
    // every other value (negative, 1 or more, infinite, NaN) has bits at or
    // above them once -0 is taken as +0, so one maximum checks them all.
    constexpr uint64_t kNegativeZeroBits = uint64_t{1} << 63;
    constexpr uint64_t kOneBits = 0x3ff0000000000000;  // std::bit_cast<uint64_t>(1.0)
    uint64_t max_bits = 0;
    for (; k < count; k++) {
      const uint64_t bits = std::bit_cast<uint64_t>(values[k]);
      max_bits = std::max(max_bits, bits == kNegativeZeroBits ? 0 : bits);
    }
    all = max_bits < kOneBits;
#endif
    for (; k < count; k++) all &= values[k] >= 0.0 && values[k] < 1.0;
    return all;
  }

  // The source's next `count` values, checked as recorded ones are; valid
  // until the next take().
  std::optional<std::span<const double>> take_from_source(size_t count) {
    pulled_.resize(count);
    if (!source_->draw(std::span<double>(pulled_))) {
      error_ = Error::kExhausted;
      return std::nullopt;
    }
    for (size_t k = 0; k < count; k++) {
      if (!(pulled_[k] >= 0.0 && pulled_[k] < 1.0)) {
        used_ += k;
        error_ = Error::kOutOfRange;
        return std::nullopt;
      }
    }
    used_ += count;
    return std::span<const double>(pulled_);
  }

  std::span<const double> draws_;
  RandomSource* source_ = nullptr;
  std::vector<double> pulled_;  // the source's values of the last take()
  size_t used_ = 0;
  Error error_ = Error::kNone;
};

// The loop of shuffle() on `out` in place (Fisher-Yates from the top index
// down, j = Math.floor(Math.random() * (i + 1)), then swap). Consumes exactly
// max(out.size() - 1, 0) draws; false when `random` cannot supply them (`out`
// is then unchanged: the draws are all checked before the first swap, and
// `random` is left as the TS loop's failing draw leaves it).
template <typename T>
bool shuffle_in_place(std::span<T> out, RandomDraws& random) {
  if (out.size() < 2) return true;  // the loop below runs no iteration, draws nothing
  const std::optional<std::span<const double>> draws = random.take(out.size() - 1);
  if (!draws.has_value()) return false;
  // Draw k is the one for index i = size - 1 - k, from the top index down.
  const double* r = draws->data();
  // i + 1 as a double, stepped down with i: integers below 2^53 are exact
  // doubles, so this is static_cast<double>(i + 1) without a conversion.
  assert(out.size() <= (uint64_t{1} << 53));
  double bound = static_cast<double>(out.size());
  for (size_t i = out.size() - 1; i > 0; i--, r++, bound -= 1.0) {
    const double product = *r * bound;
    // Math.floor of a product in [0, i + 1) (or -0 for a draw of -0), far
    // below 2^63: truncation toward zero is the same integer, without a libm
    // call per element.
    const auto j = static_cast<uint64_t>(static_cast<int64_t>(product));
    assert(j <= i);  // r in [0, 1) keeps r * (i + 1) below i + 1 (and a negative j would wrap above i)
    std::swap(out[i], out[j]);
  }
  return true;
}

// shuffle(arr): a shuffled copy. nullopt when `random` cannot supply the
// draws.
template <typename T>
std::optional<std::vector<T>> shuffle(const std::vector<T>& arr, RandomDraws& random) {
  std::vector<T> out = arr;  // const _arr = [...arr]
  if (!shuffle_in_place(std::span<T>(out), random)) return std::nullopt;
  return out;
}

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_SHUFFLE_H_
