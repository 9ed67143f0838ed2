// Status and Result<T>: the error type shared by the engine and the harness.
//
// Modelled on LevelDB's Status and abseil's StatusOr: a Result either holds a
// value (success) or an error, never both. Errors are operating errors (a bad
// trace, an event the engine cannot accept); broken invariants are programmer
// errors and abort through assert instead. std::expected is avoided on purpose:
// clang 14 cannot compile libstdc++ 12's <expected>.
#ifndef PEER_REPLAY_ENGINE_STATUS_H_
#define PEER_REPLAY_ENGINE_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <utility>

#include "engine/boxed.h"

namespace peers {

class [[nodiscard]] Status {
 public:
  enum class Code { kOk = 0, kInvalidArgument, kCorruption, kNotSupported, kIoError };

  Status() = default;

  static Status ok() { return Status(); }
  static Status invalid_argument(std::string msg) { return Status(Code::kInvalidArgument, std::move(msg)); }
  static Status corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status not_supported(std::string msg) { return Status(Code::kNotSupported, std::move(msg)); }
  static Status io_error(std::string msg) { return Status(Code::kIoError, std::move(msg)); }

  bool is_ok() const { return !state_.has_value(); }
  Code code() const { return state_->code; }
  const std::string& message() const { return state_->message; }

 private:
  // As in LevelDB, an OK status is a null pointer: the engine returns one
  // per event and per handler, so success costs no string to construct,
  // move or destroy; only an error allocates. Boxed gives the deep copy, and
  // an unmade box reads as State{}: code kOk, no message.
  struct State {
    Code code = Code::kOk;
    std::string message;
  };
  Status(Code code, std::string message) {
    assert(code != Code::kOk);
    state_.mut() = State{code, std::move(message)};
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

#endif  // PEER_REPLAY_ENGINE_STATUS_H_
