// Status and Result<T>: the error type shared by the engine and the harness.
//
// Modelled on LevelDB's Status and abseil's StatusOr: a Result either holds a
// value (success) or an error, never both. Errors are operating errors (a bad
// trace, an event the engine cannot accept); broken invariants are programmer
// errors and abort through assert instead. The message is for people; a
// caller that acts on an error switches on code() and refusal() and reads
// the typed fields, never the message. std::expected is avoided on purpose:
// clang 14 cannot compile libstdc++ 12's <expected>.
#ifndef PEER_REPLAY_ENGINE_INCLUDE_PEERS_STATUS_H_
#define PEER_REPLAY_ENGINE_INCLUDE_PEERS_STATUS_H_

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "peers/boxed.h"

namespace peers {

// Why PeerManager::step refused an event's inputs, for the callers that build
// events and correct them (the simulator in sim/). Every other error is
// kNone: its message says what was wrong, and no caller acts on it.
enum class Refusal : uint8_t {
  kNone = 0,
  // The event ran to its end but carries inputs it did not read; the state
  // is that of the event with exactly the inputs in InputsRead.
  kUnreadInputs,
  kRandExhausted,          // a heartbeat drew more Math.random() values than the event carries
  kRandOutOfRange,         // a recorded draw is outside [0, 1)
  kActiveSubnetsMissing,   // a heartbeat ran on an event without active_attnets/active_syncnets
  kGossipScoresMismatch,   // gossip_scores does not hold one entry per connected peer, in order
};

// What an event's run read of the inputs it carries (kUnreadInputs).
struct InputsRead {
  uint64_t rand_draws = 0;
  bool active_subnets = false;
  bool gossip_scores = false;
};

class [[nodiscard]] Status {
 public:
  enum class Code { kOk = 0, kInvalidArgument, kCorruption, kNotSupported, kIoError };

  Status() = default;

  static Status ok() { return Status(); }
  static Status invalid_argument(std::string msg) { return Status(Code::kInvalidArgument, std::move(msg)); }
  static Status corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status not_supported(std::string msg) { return Status(Code::kNotSupported, std::move(msg)); }
  static Status io_error(std::string msg) { return Status(Code::kIoError, std::move(msg)); }
  // An event the engine refuses for its inputs (kInvalidArgument).
  static Status refused(Refusal refusal, std::string msg, InputsRead read = {}) {
    Status s(Code::kInvalidArgument, std::move(msg));
    s.state_.mut().refusal = refusal;
    s.state_.mut().inputs_read = read;
    return s;
  }

  bool is_ok() const { return !state_.has_value(); }
  Code code() const { return state_->code; }
  const std::string& message() const { return state_->message; }
  Refusal refusal() const { return state_->refusal; }
  const InputsRead& inputs_read() const { return state_->inputs_read; }

 private:
  // As in LevelDB, an OK status is a null pointer: the engine returns one
  // per event and per handler, so success costs no string to construct,
  // move or destroy; only an error allocates. Boxed gives the deep copy, and
  // an unmade box reads as State{}: code kOk, no message.
  struct State {
    Code code = Code::kOk;
    std::string message;
    Refusal refusal = Refusal::kNone;
    InputsRead inputs_read;
  };
  Status(Code code, std::string message) {
    assert(code != Code::kOk);
    State& state = state_.mut();
    state.code = code;
    state.message = std::move(message);
  }
  Boxed<State> state_;  // unmade: OK
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.is_ok());  // A Result never holds an OK status without a value.
  }

  bool is_ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & {
    assert(value_.has_value());
    return *value_;
  }
  const T& value() const& {
    assert(value_.has_value());
    return *value_;
  }
  T&& value() && {
    assert(value_.has_value());
    return std::move(*value_);
  }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_INCLUDE_PEERS_STATUS_H_
