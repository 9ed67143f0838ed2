// PeerIdStr: a libp2p PeerId in its string form ("16Uiu2..."), as Lodestar
// keys its maps (peerIdStr = peerId.toString()).
//
// Why not std::string: a peer id is ~53 bytes, past the small-string buffer,
// so every copy was an allocation and every map lookup hashed all its bytes.
// The engine copies peer ids into requests, actions, score entries and
// per-heartbeat lists, and looks them up several times per event, so those
// copies and hashes would dominate the step loop (docs/BENCHMARKS.md). A
// PeerIdStr is immutable and shared, like a V8 string: copying it copies a
// pointer and bumps a count, and its hash is computed once, when it is made
// from text.
//
// Threads. The count is a plain integer, not an atomic one (shared_ptr's
// locked increments were measurable in the heartbeat, which copies every
// connected peer's id a few times): an id and all its copies belong to one
// thread at a time, like the engine that holds them. Handing a value over to
// another thread through a mutex or a queue is fine; keeping copies of the
// same id on two threads at once is not. (The engine has no threads; the
// diff's read-ahead thread hands over JSON records, not ids.)
//
// Equality and ordering are those of the text (two PeerIdStr made from equal
// text are equal wherever they came from); identity is only a fast path.
#ifndef PEER_REPLAY_ENGINE_INCLUDE_PEERS_PEER_ID_STR_H_
#define PEER_REPLAY_ENGINE_INCLUDE_PEERS_PEER_ID_STR_H_

#include <cassert>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "peers/hash.h"

namespace peers {

class PeerIdStr {
 public:
  PeerIdStr() = default;
  // Implicit, like std::string's: a peer id is made from text wherever text is given.
  PeerIdStr(std::string_view text)  // NOLINT(google-explicit-constructor)
      : rep_(text.empty() ? nullptr : new Rep{1, ordered_map_hash_bytes(text), std::string(text)}) {}
  PeerIdStr(const std::string& text) : PeerIdStr(std::string_view(text)) {}  // NOLINT(google-explicit-constructor)
  PeerIdStr(const char* text) : PeerIdStr(std::string_view(text)) {}         // NOLINT(google-explicit-constructor)

  PeerIdStr(const PeerIdStr& other) : rep_(other.rep_) { retain(); }
  PeerIdStr(PeerIdStr&& other) noexcept : rep_(std::exchange(other.rep_, nullptr)) {}
  PeerIdStr& operator=(const PeerIdStr& other) {
    if (rep_ != other.rep_) {
      other.retain();
      release();
      rep_ = other.rep_;
    }
    return *this;
  }
  PeerIdStr& operator=(PeerIdStr&& other) noexcept {
    if (this != &other) {
      release();
      rep_ = std::exchange(other.rep_, nullptr);
    }
    return *this;
  }
  [[gnu::always_inline]] ~PeerIdStr() { release(); }

  const std::string& str() const { return rep_ != nullptr ? rep_->text : empty_text(); }
  operator const std::string&() const { return str(); }  // NOLINT(google-explicit-constructor)
  operator std::string_view() const { return str(); }    // NOLINT(google-explicit-constructor)
  bool empty() const { return rep_ == nullptr; }
  size_t size() const { return str().size(); }
  const char* data() const { return str().data(); }
  const char* c_str() const { return str().c_str(); }
  // Whether both hold the same shared text (not only equal texts): ids from
  // one PeerIdTable do.
  bool shares_text_with(const PeerIdStr& other) const { return rep_ == other.rep_; }
  // The text's hash (ordered_map_hash_bytes), computed once.
  uint64_t hash() const { return rep_ != nullptr ? rep_->hash : kEmptyHash; }

  friend bool operator==(const PeerIdStr& a, const PeerIdStr& b) {
    if (a.rep_ == b.rep_) return true;
    return a.hash() == b.hash() && a.str() == b.str();
  }
  friend bool operator==(const PeerIdStr& a, std::string_view b) { return std::string_view(a.str()) == b; }
  friend bool operator==(const PeerIdStr& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const PeerIdStr& a, const char* b) { return a.str() == b; }
  friend std::strong_ordering operator<=>(const PeerIdStr& a, const PeerIdStr& b) { return a.str() <=> b.str(); }

  friend std::string operator+(const std::string& a, const PeerIdStr& b) { return a + b.str(); }
  friend std::string operator+(std::string&& a, const PeerIdStr& b) { return std::move(a) + b.str(); }
  friend std::string operator+(const char* a, const PeerIdStr& b) { return a + b.str(); }
  friend std::string operator+(const PeerIdStr& a, const std::string& b) { return a.str() + b; }
  friend std::string operator+(const PeerIdStr& a, const char* b) { return a.str() + b; }
  friend std::ostream& operator<<(std::ostream& out, const PeerIdStr& id) { return out << id.str(); }

 private:
  struct Rep {
    mutable uint32_t refs;  // the PeerIdStr values pointing here
    uint64_t hash;
    std::string text;
  };
  [[gnu::always_inline]] void retain() const {
    if (rep_ != nullptr) {
      assert(rep_->refs > 0 && rep_->refs < UINT32_MAX);
      rep_->refs++;
    }
  }
  // Inlined where an id dies (most copies die young); freeing the text is
  // the rare, out-of-line part.
  [[gnu::always_inline]] void release() {
    if (rep_ != nullptr) {
      assert(rep_->refs > 0);
      if (--rep_->refs == 0) free_rep(rep_);
      rep_ = nullptr;
    }
  }
  [[gnu::noinline]] static void free_rep(const Rep* rep) { delete rep; }
  static constexpr uint64_t kEmptyHash = kOrderedMapEmptyHash;
  static const std::string& empty_text() {
    static const std::string kEmpty;
    return kEmpty;
  }
  const Rep* rep_ = nullptr;  // nullptr for the empty id; one count held while set
};

// PeerIdTable: one PeerIdStr per distinct text, for a reader that makes ids
// from many records (a trace has the same ~200 ids in every event). Ids from
// the table share one Rep, so the engine's lookups and comparisons of them
// meet equal pointers instead of comparing ~53 bytes, and a record's id costs
// a lookup instead of an allocation; libp2p likewise hands Lodestar one PeerId
// object per peer. Equality stays that of the text, so using a table or not
// never changes a result.
//
// Owner: the reader that parses events, on the thread that steps the engine
// (the table holds a count on each Rep; see "Threads" above). Bounded: when
// it holds kMaxIds ids it forgets them all and starts over, which only costs
// the sharing.
class PeerIdTable {
 public:
  static constexpr size_t kMaxIds = size_t{1} << 16;

  PeerIdStr get(std::string_view text) {
    if (text.empty()) return PeerIdStr();
    auto it = ids_.find(text);
    if (it != ids_.end()) return it->second;
    if (ids_.size() >= kMaxIds) ids_.clear();
    PeerIdStr id(text);
    // The key views the text of the id stored beside it: immutable and alive
    // as long as the entry.
    const std::string_view key = id.str();
    return ids_.emplace(key, std::move(id)).first->second;
  }
  size_t size() const { return ids_.size(); }

 private:
  // Only looked up, never iterated: its order reaches no output.
  std::unordered_map<std::string_view, PeerIdStr> ids_;
};

}  // namespace peers

template <>
struct std::hash<peers::PeerIdStr> {
  size_t operator()(const peers::PeerIdStr& id) const { return static_cast<size_t>(id.hash()); }
};

#endif  // PEER_REPLAY_ENGINE_INCLUDE_PEERS_PEER_ID_STR_H_
