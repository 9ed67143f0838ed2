// Boxed<T>: a T kept out of line with value semantics, for the members of a
// struct that most of its instances leave at their default (an Event's
// connection, a response's status). A default Boxed owns nothing and reads
// as a default T; copying a Boxed copies its T; `mut()` makes the T on the
// first write. The owner of a Boxed owns its T: nothing else points at it.
//
// It exists for the size of the owner: an Event held in memory by the
// thousand (a parsed trace, a batch) costs one pointer per boxed member
// instead of the member's bytes, so stepping through them streams fewer
// cache lines (engine/include/peers/event.h); a Status is one pointer, null when OK
// (engine/include/peers/status.h).
#ifndef PEER_REPLAY_ENGINE_INCLUDE_PEERS_BOXED_H_
#define PEER_REPLAY_ENGINE_INCLUDE_PEERS_BOXED_H_

#include <memory>

namespace peers {

template <typename T>
class Boxed {
 public:
  Boxed() = default;
  Boxed(const Boxed& other) : p_(other.p_ != nullptr ? std::make_unique<T>(*other.p_) : nullptr) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(const Boxed& other) {
    if (this != &other) p_ = other.p_ != nullptr ? std::make_unique<T>(*other.p_) : nullptr;
    return *this;
  }
  Boxed& operator=(Boxed&&) noexcept = default;
  ~Boxed() = default;

  // The T, or the shared default T when nothing was written.
  const T& operator*() const { return p_ != nullptr ? *p_ : empty(); }
  const T* operator->() const { return &**this; }

  // The T to write, made (default) on the first call.
  T& mut() {
    if (p_ == nullptr) p_ = std::make_unique<T>();
    return *p_;
  }

  // Whether a T was made: false means *this reads as T{}. A fast test
  // before reading several members of an often-default box.
  bool has_value() const { return p_ != nullptr; }

  // By value: an unwritten box equals a written one that holds T{}.
  friend bool operator==(const Boxed& a, const Boxed& b) { return *a == *b; }

 private:
  static const T& empty() {
    static const T kEmpty{};
    return kEmpty;
  }

  std::unique_ptr<T> p_;
};

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_INCLUDE_PEERS_BOXED_H_
