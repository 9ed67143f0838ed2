// Random shuffle with injected draws: a port of shuffle() from
// packages/beacon-node/src/util/shuffle.ts (@lodestar/beacon-node 1.44.0).
//
// Owner: engine pure layers (prioritize). The TS calls Math.random(); the
// engine has no hidden randomness, so the caller supplies the exact values the
// TS drew (the trace records them per event) through RandomDraws, which counts
// what is used and reports running out instead of inventing values.
#ifndef PEER_REPLAY_ENGINE_SHUFFLE_H_
#define PEER_REPLAY_ENGINE_SHUFFLE_H_

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "engine/js_math.h"

namespace peers {

// A cursor over recorded Math.random() values. Does not own them: the span
// must outlive the cursor.
class RandomDraws {
 public:
  enum class Error {
    kNone,
    kExhausted,   // a draw was requested after the last recorded value
    kOutOfRange,  // a recorded value is not in [0, 1) (Math.random's range)
  };

  RandomDraws() = default;  // no draws at all
  explicit RandomDraws(std::span<const double> draws) : draws_(draws) {}

  // The next recorded value; nullopt (and error() set) when there is none or
  // it is not a value Math.random() can return. Sticky: after an error every
  // later call fails too.
  std::optional<double> next() {
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

  size_t used() const { return used_; }
  size_t remaining() const { return draws_.size() - used_; }
  Error error() const { return error_; }

 private:
  std::span<const double> draws_;
  size_t used_ = 0;
  Error error_ = Error::kNone;
};

// The loop of shuffle() on `out` in place (Fisher-Yates from the top index
// down, j = Math.floor(Math.random() * (i + 1)), then swap). Consumes exactly
// max(out.size() - 1, 0) draws; false when `random` cannot supply them (`out`
// is then partly shuffled).
template <typename T>
bool shuffle_in_place(std::span<T> out, RandomDraws& random) {
  for (int64_t i = static_cast<int64_t>(out.size()) - 1; i > 0; i--) {
    const std::optional<double> r = random.next();
    if (!r.has_value()) return false;
    const double product = *r * static_cast<double>(i + 1);
    // Math.floor of a product in [0, i + 1) (or -0 for a draw of -0), far
    // below 2^63: truncation toward zero is the same integer, without a libm
    // call per element.
    const auto j = static_cast<int64_t>(product);
    assert(j >= 0 && j <= i);  // r in [0, 1) keeps r * (i + 1) below i + 1
    std::swap(out[static_cast<size_t>(i)], out[static_cast<size_t>(j)]);
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
