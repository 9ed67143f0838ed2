// Where the simulator's decisions come from. Every choice the simulator makes
// (which event, which peer, how long until it, what a response holds) is one
// call here, so the same generator is driven by a seeded PRNG (the random-load
// test, the soak, benchmarks) or by a fuzzer's input bytes (fuzz/engine_fuzz).
// Test and benchmark support only: the engine itself draws nothing.
#ifndef PEER_REPLAY_SIM_CHOICES_H_
#define PEER_REPLAY_SIM_CHOICES_H_

#include <cassert>
#include <cstddef>
#include <cstdint>

#include "engine/testing/split_mix64.h"

namespace sim {

class Choices {
 public:
  virtual ~Choices() = default;
  virtual uint64_t below(uint64_t n) = 0;  // in [0, n); n >= 1
  virtual double unit() = 0;               // in [0, 1)
  // True once the source has nothing more to say (a fuzzer input read to its
  // end); a seeded source never runs out.
  virtual bool exhausted() const = 0;

  bool one_in(uint64_t n) { return below(n) == 0; }
};

// A seeded SplitMix64: the same seed gives the same choices on every platform.
class SeededChoices final : public Choices {
 public:
  explicit SeededChoices(uint64_t seed) : rng_{seed} {}
  uint64_t below(uint64_t n) override {
    assert(n >= 1);
    return rng_.below(n);
  }
  double unit() override { return rng_.unit(); }
  bool exhausted() const override { return false; }

 private:
  peers::testing::SplitMix64 rng_;
};

// A fuzzer's input, read from the front: each choice takes as few bytes as
// its range needs (one byte below 256). Past the end every choice is 0, so a
// short input still makes a valid stream, and exhausted() tells the caller to
// stop.
class ByteChoices final : public Choices {
 public:
  ByteChoices(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint64_t below(uint64_t n) override {
    assert(n >= 1);
    uint64_t value = 0;
    for (uint64_t range = n - 1; range != 0; range >>= 8) value = (value << 8) | next_byte();
    return value % n;
  }
  double unit() override { return static_cast<double>(below(uint64_t{1} << 53)) * 0x1.0p-53; }
  bool exhausted() const override { return pos_ >= size_; }

 private:
  uint8_t next_byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace sim

#endif  // PEER_REPLAY_SIM_CHOICES_H_
