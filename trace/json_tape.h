// JsonTape: one JSON text parsed into a flat array of tokens (a "tape"), and
// JsonRef, a read-only view of one value in it.
//
// Why not nlohmann's DOM: the reader parses every line of traces that run to
// gigabytes, and building a DOM (a std::map node per member, a heap string per
// long value, all freed again a line later) cost a third of the reader's time
// (docs/BENCHMARKS.md). A tape is two vectors reused from line to
// line: values in document order, each container holding its size and the
// index just past its end, strings in one arena. Consumers that want a DOM
// (the diff on lines that differ, reports) materialize one with to_json().
//
// Semantics follow nlohmann's DOM, so code reads the same either way: a
// non-negative integer is "unsigned", a negative one "integer", a number with a
// fraction or exponent "float" (the SAX callbacks decide, as for the DOM);
// a duplicate object key resolves to the last one (as json::parse and JS's
// JSON.parse do). Nesting is limited to kMaxJsonDepth levels, so that nothing
// that walks a tape recursively can run out of stack.
//
// Ownership: a JsonRef points to its JsonTape object (not to the buffers); it
// is valid while that object lives and is neither parsed into again nor moved
// from. Take refs from a record where it stays (Record::root()), after moving it.
#ifndef PEER_REPLAY_TRACE_JSON_TAPE_H_
#define PEER_REPLAY_TRACE_JSON_TAPE_H_

#include <cassert>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace replay {

inline constexpr size_t kMaxJsonDepth = 128;

class JsonTape;

class JsonRef {
 public:
  enum class Type : uint8_t { kNull, kBool, kInteger, kUnsigned, kFloat, kString, kArray, kObject };

  // One value on the tape, 16 bytes. A container is followed by its children
  // (for an object: a key token, then the value, per member). A scalar or a
  // string ends at its own index + 1; a container keeps the index just past
  // its last descendant in `end`.
  struct Token {
    Type type = Type::kNull;
    bool is_key = false;
    uint32_t count = 0;  // containers: elements or members; strings: length
    union {
      bool b;
      int64_t i;
      uint64_t u;
      double d;
      uint32_t str;  // strings and keys: offset in the arena
      uint32_t end;  // containers: index past this value and its descendants
    };
    Token() : u(0) {}
  };
  static_assert(sizeof(Token) == 16);

  JsonRef() = default;  // the missing value: valid() is false

  bool valid() const { return tape_ != nullptr; }
  explicit operator bool() const { return valid(); }
  Type type() const { return tok().type; }
  bool is_null() const { return valid() && tok().type == Type::kNull; }
  bool is_boolean() const { return valid() && tok().type == Type::kBool; }
  bool is_number_integer() const { return valid() && (tok().type == Type::kInteger || tok().type == Type::kUnsigned); }
  bool is_number_unsigned() const { return valid() && tok().type == Type::kUnsigned; }
  bool is_number_float() const { return valid() && tok().type == Type::kFloat; }
  bool is_number() const { return is_number_integer() || is_number_float(); }
  bool is_string() const { return valid() && tok().type == Type::kString; }
  bool is_array() const { return valid() && tok().type == Type::kArray; }
  bool is_object() const { return valid() && tok().type == Type::kObject; }
  bool is_structured() const { return is_array() || is_object(); }
  // nlohmann's names: "null", "boolean", "number", "string", "array", "object".
  const char* type_name() const;

  // Elements of an array, members of an object; 0 for anything else.
  size_t size() const { return is_structured() ? tok().count : 0; }

  // Member `key` of an object; the missing value if absent or not an object.
  JsonRef find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key).valid(); }
  JsonRef operator[](std::string_view key) const { return find(key); }
  JsonRef operator[](const char* key) const { return find(key); }
  // Element i of an array (O(i): prefer iteration); missing if out of range.
  JsonRef at(size_t i) const;

  // Scalars, with nlohmann's conversions: as_double() of an integer converts,
  // as_int64() of an unsigned casts. The type must be checked first (asserted).
  bool as_bool() const;
  int64_t as_int64() const;
  uint64_t as_uint64() const;
  double as_double() const;
  std::string_view str() const;  // strings only
  bool operator==(std::string_view s) const { return is_string() && str() == s; }

  // Iteration: an array yields its elements; an object yields its members'
  // values, with key() on the iterator.
  class iterator {
   public:
    iterator(const JsonTape* tape, uint32_t index, bool object) : tape_(tape), index_(index), object_(object) {}
    JsonRef operator*() const { return JsonRef(tape_, object_ ? index_ + 1 : index_); }
    std::string_view key() const;  // objects only
    JsonRef value() const { return **this; }
    iterator& operator++();
    bool operator==(const iterator& o) const { return index_ == o.index_; }
    bool operator!=(const iterator& o) const { return index_ != o.index_; }

   private:
    const JsonTape* tape_;
    uint32_t index_;  // arrays: the element; objects: the member's key token
    bool object_;
  };
  iterator begin() const;
  iterator end() const;

  // A DOM copy of this value (iterative, so deep values cannot overflow the
  // stack; the depth is bounded anyway). The missing value gives a discarded json.
  nlohmann::json to_json() const;
  // Compact JSON text, exactly as to_json().dump() prints it.
  std::string dump() const { return to_json().dump(); }

 private:
  friend class JsonTape;
  JsonRef(const JsonTape* tape, uint32_t index) : tape_(tape), index_(index) {}
  const Token& tok() const;

  const JsonTape* tape_ = nullptr;
  uint32_t index_ = 0;
};

class JsonTape {
 public:
  // Parses `text` (one JSON value, nothing after it but whitespace). On
  // failure returns false and sets *error to nlohmann's message (it names the
  // column) or the depth limit. Buffers are reused from the previous parse.
  //
  // simdjson reads the line first (7x faster than nlohmann's lexer on traces);
  // anything it rejects, and the few texts where it would type a value
  // differently ("-0", which simdjson reads as an unsigned 0), go to
  // parse_reference(), so what is accepted, the tape and every error message
  // are exactly nlohmann's. fuzz/json_tape_fuzz.cc holds the two to that.
  bool parse(std::string_view text, std::string* error);
  // nlohmann's SAX parser alone: the definition of what parse() accepts.
  bool parse_reference(std::string_view text, std::string* error);
  void clear();

  JsonRef root() const {
    assert(!tokens_.empty());
    return JsonRef(this, 0);
  }
  bool empty() const { return tokens_.empty(); }
  size_t token_count() const { return tokens_.size(); }
  // The bytes its buffers hold on to (what a reused tape keeps between parses).
  size_t capacity_bytes() const { return tokens_.capacity() * sizeof(JsonRef::Token) + strings_.capacity(); }

 private:
  friend class JsonRef;
  friend class TapeBuilder;
  friend class SimdTapeBuilder;
  bool parse_simdjson(std::string_view text);
  // Appends a string (or key) to the arena; the token that names it.
  JsonRef::Token string_token(std::string_view s, bool is_key);
  // The index past token i and its descendants.
  uint32_t end_of(uint32_t i) const {
    const JsonRef::Token& t = tokens_[i];
    return t.type == JsonRef::Type::kArray || t.type == JsonRef::Type::kObject ? t.end : i + 1;
  }
  std::vector<JsonRef::Token> tokens_;
  std::string strings_;
};

// Token by token: the same types (integer, unsigned and float kept apart,
// which json's == does not), the same bits, the same keys in the same order.
bool same_tokens(JsonRef a, JsonRef b);

// The accessors every record check calls, inline: they are most of the
// reader's time after nlohmann's lexer.

inline const JsonRef::Token& JsonRef::tok() const {
  assert(tape_ != nullptr && index_ < tape_->tokens_.size());
  return tape_->tokens_[index_];
}

inline JsonRef JsonRef::find(std::string_view key) const {
  if (!is_object()) return JsonRef();
  const std::vector<Token>& toks = tape_->tokens_;
  const char* strings = tape_->strings_.data();
  uint32_t found = 0;  // 0 is never a member's value (it is a root)
  for (uint32_t k = index_ + 1, stop = toks[index_].end; k < stop; k = tape_->end_of(k + 1)) {
    const Token& t = toks[k];
    // The last duplicate wins, as in json::parse.
    if (t.count == key.size() && std::memcmp(strings + t.str, key.data(), key.size()) == 0) found = k + 1;
  }
  return found == 0 ? JsonRef() : JsonRef(tape_, found);
}

inline std::string_view JsonRef::str() const {
  const JsonRef::Token& t = tok();
  assert(t.type == JsonRef::Type::kString);
  return std::string_view(tape_->strings_.data() + t.str, t.count);
}

inline JsonRef::iterator JsonRef::begin() const {
  if (!is_structured()) return end();
  return iterator(tape_, index_ + 1, tok().type == JsonRef::Type::kObject);
}

inline JsonRef::iterator JsonRef::end() const {
  if (!valid()) return iterator(nullptr, 0, false);
  return iterator(tape_, tape_->end_of(index_), is_object());
}

inline std::string_view JsonRef::iterator::key() const {
  assert(object_);
  const JsonRef::Token& k = tape_->tokens_[index_];
  assert(k.is_key);
  return std::string_view(tape_->strings_.data() + k.str, k.count);
}

inline JsonRef::iterator& JsonRef::iterator::operator++() {
  const uint32_t value_index = object_ ? index_ + 1 : index_;
  index_ = tape_->end_of(value_index);
  return *this;
}

}  // namespace replay

#endif  // PEER_REPLAY_TRACE_JSON_TAPE_H_
