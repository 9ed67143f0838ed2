#include "trace/json_tape.h"

#include <limits>
#include <utility>

#include <simdjson.h>

namespace replay {

using Token = JsonRef::Token;
using Type = JsonRef::Type;

// Receives nlohmann's SAX callbacks and appends tokens. Containers still open
// are on `open_`; their `end` and `count` are filled when they close.
class TapeBuilder final : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit TapeBuilder(JsonTape* tape) : tape_(tape) {}

  bool null() override { return value(Token()); }
  bool boolean(bool v) override {
    Token t;
    t.type = Type::kBool;
    t.b = v;
    return value(t);
  }
  bool number_integer(number_integer_t v) override {
    Token t;
    t.type = Type::kInteger;
    t.i = v;
    return value(t);
  }
  bool number_unsigned(number_unsigned_t v) override {
    Token t;
    t.type = Type::kUnsigned;
    t.u = v;
    return value(t);
  }
  bool number_float(number_float_t v, const string_t& /*text*/) override {
    Token t;
    t.type = Type::kFloat;
    t.d = v;
    return value(t);
  }
  bool string(string_t& s) override { return value(string_token(s, /*is_key=*/false)); }
  bool binary(binary_t& /*unused*/) override { return fail("binary values are not JSON"); }
  bool key(string_t& s) override {
    if (!room()) return false;
    tape_->tokens_.push_back(string_token(s, /*is_key=*/true));
    return true;
  }
  bool start_object(std::size_t /*unknown*/) override { return open(Type::kObject); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t /*unknown*/) override { return open(Type::kArray); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) override {
    // Not only parse_error: a number beyond the double range ("1e999") is
    // out_of_range 406, reported here too.
    return fail(plain_error_text(ex.what()));
  }

  const std::string& error() const { return error_; }

 private:
  // nlohmann's text without the library's framing: "[json.exception.
  // parse_error.101] parse error at line 1, column 18: syntax error ..."
  // becomes "invalid JSON at column 18: syntax error ..." (the line is the
  // trace's, which the caller names).
  static std::string plain_error_text(std::string_view what) {
    if (what.rfind("[json.exception.", 0) == 0 && what.find("] ") != std::string_view::npos) {
      what.remove_prefix(what.find("] ") + 2);
    }
    constexpr std::string_view kAtLine1 = "parse error at line 1, column ";
    if (what.rfind(kAtLine1, 0) == 0) {
      what.remove_prefix(kAtLine1.size());
      return "invalid JSON at column " + std::string(what);
    }
    return "invalid JSON: " + std::string(what);
  }
  bool fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return false;
  }
  // Indices are 32-bit: a line is at most a few MiB, far below 2^32 tokens.
  bool room() {
    if (tape_->tokens_.size() >= std::numeric_limits<uint32_t>::max() - 1) return fail("too many JSON values");
    return true;
  }
  Token string_token(const string_t& s, bool is_key) { return tape_->string_token(s, is_key); }
  bool value(Token t) {
    if (!room()) return false;
    if (!open_.empty()) tape_->tokens_[open_.back()].count++;
    tape_->tokens_.push_back(t);
    return true;
  }
  bool open(Type type) {
    if (open_.size() >= kMaxJsonDepth) {
      return fail("invalid JSON: nested deeper than " + std::to_string(kMaxJsonDepth) + " levels (traces/FORMAT.md §1)");
    }
    Token t;
    t.type = type;
    if (!value(t)) return false;
    open_.push_back(static_cast<uint32_t>(tape_->tokens_.size() - 1));
    return true;
  }
  bool close() {
    assert(!open_.empty());
    tape_->tokens_[open_.back()].end = static_cast<uint32_t>(tape_->tokens_.size());
    open_.pop_back();
    return true;
  }

  JsonTape* tape_;
  std::vector<uint32_t> open_;
  std::string error_;
};

JsonRef::Token JsonTape::string_token(std::string_view s, bool is_key) {
  Token t;
  t.type = Type::kString;
  t.is_key = is_key;
  t.str = static_cast<uint32_t>(strings_.size());
  t.count = static_cast<uint32_t>(s.size());
  strings_.append(s);
  return t;
}

void JsonTape::clear() {
  tokens_.clear();
  strings_.clear();
}

// Walks simdjson's DOM of one line into the tape. Recursion is bounded: the
// parser refuses documents nested deeper than kSimdMaxDepth, and the walk
// itself stops at kMaxJsonDepth (the reference parser then names the error).
class SimdTapeBuilder {
 public:
  static constexpr size_t kSimdMaxDepth = kMaxJsonDepth + 1;

  explicit SimdTapeBuilder(JsonTape* tape) : tape_(tape) {}

  bool value(simdjson::dom::element e, size_t depth) {
    using simdjson::dom::element_type;
    Token t;
    switch (e.type()) {
      case element_type::ARRAY: return array(e.get_array().value_unsafe(), depth);
      case element_type::OBJECT: return object(e.get_object().value_unsafe(), depth);
      case element_type::INT64: {
        const int64_t v = e.get_int64().value_unsafe();
        if (v >= 0) {  // nlohmann: an integer without a sign is unsigned
          t.type = Type::kUnsigned;
          t.u = static_cast<uint64_t>(v);
        } else {
          t.type = Type::kInteger;
          t.i = v;
        }
        break;
      }
      case element_type::UINT64:
        t.type = Type::kUnsigned;
        t.u = e.get_uint64().value_unsafe();
        break;
      case element_type::DOUBLE:
        t.type = Type::kFloat;
        t.d = e.get_double().value_unsafe();
        break;
      case element_type::STRING: t = string_token(e.get_string().value_unsafe(), /*is_key=*/false); break;
      case element_type::BOOL:
        t.type = Type::kBool;
        t.b = e.get_bool().value_unsafe();
        break;
      case element_type::NULL_VALUE: break;
    }
    return push(t);
  }

 private:
  bool array(simdjson::dom::array a, size_t depth) {
    if (depth >= kMaxJsonDepth) return false;
    const uint32_t me = open(Type::kArray);
    uint32_t count = 0;
    for (simdjson::dom::element child : a) {
      count++;
      if (!value(child, depth + 1)) return false;
    }
    return close(me, count);
  }
  bool object(simdjson::dom::object o, size_t depth) {
    if (depth >= kMaxJsonDepth) return false;
    const uint32_t me = open(Type::kObject);
    uint32_t count = 0;
    for (simdjson::dom::key_value_pair member : o) {
      count++;
      if (!push(string_token(member.key, /*is_key=*/true)) || !value(member.value, depth + 1)) return false;
    }
    return close(me, count);
  }
  uint32_t open(Type type) {
    Token t;
    t.type = type;
    tape_->tokens_.push_back(t);
    return static_cast<uint32_t>(tape_->tokens_.size() - 1);
  }
  bool close(uint32_t me, uint32_t count) {
    Token& t = tape_->tokens_[me];
    t.count = count;
    t.end = static_cast<uint32_t>(tape_->tokens_.size());
    return true;
  }
  bool push(const Token& t) {
    if (tape_->tokens_.size() >= std::numeric_limits<uint32_t>::max() - 1) return false;
    tape_->tokens_.push_back(t);
    return true;
  }
  Token string_token(std::string_view s, bool is_key) { return tape_->string_token(s, is_key); }

  JsonTape* tape_;
};

namespace {

// nlohmann reads "-0" as a signed integer 0, simdjson as an int64 0 that the
// tape would call unsigned; such texts (rare: JSON.stringify writes 0) take the
// reference parser. "-0." and "-0e" are floats to both.
bool has_negative_zero_integer(std::string_view text) {
  for (size_t i = text.find("-0"); i != std::string_view::npos; i = text.find("-0", i + 1)) {
    const char next = i + 2 < text.size() ? text[i + 2] : ' ';
    if (next != '.' && next != 'e' && next != 'E') return true;
  }
  return false;
}

// One parser and one padded copy of the line per thread, reused line after
// line (simdjson reads up to SIMDJSON_PADDING bytes past the text). A line
// far above the usual size gives its memory back afterwards.
struct SimdState {
  static constexpr size_t kKeepCapacityBytes = size_t{16} << 20;
  simdjson::dom::parser parser;
  std::string padded;
  bool ready = false;
};

}  // namespace

bool JsonTape::parse_simdjson(std::string_view text) {
  thread_local SimdState state;
  if (!state.ready) {
    if (state.parser.allocate(size_t{64} << 10, SimdTapeBuilder::kSimdMaxDepth) != simdjson::SUCCESS) return false;
    state.ready = true;
  }
  if (has_negative_zero_integer(text)) return false;
  state.padded.assign(text);
  state.padded.resize(text.size() + simdjson::SIMDJSON_PADDING, ' ');
  simdjson::dom::element root;
  const bool ok = !state.parser.parse(state.padded.data(), text.size(), /*realloc_if_needed=*/false).get(root) &&
                  SimdTapeBuilder(this).value(root, 0);
  if (text.size() > SimdState::kKeepCapacityBytes) {
    state = SimdState();
  }
  return ok;
}

bool JsonTape::parse(std::string_view text, std::string* error) {
  clear();
  if (parse_simdjson(text)) {
    assert(!tokens_.empty() && end_of(0) == tokens_.size());
    return true;
  }
  return parse_reference(text, error);
}

bool JsonTape::parse_reference(std::string_view text, std::string* error) {
  clear();
  TapeBuilder builder(this);
  const bool ok = nlohmann::json::sax_parse(text.data(), text.data() + text.size(), &builder);
  if (!ok || tokens_.empty()) {
    *error = builder.error().empty() ? "invalid JSON" : builder.error();
    clear();
    return false;
  }
  assert(end_of(0) == tokens_.size());
  return true;
}

const char* JsonRef::type_name() const {
  if (!valid()) return "discarded";
  switch (tok().type) {
    case Type::kNull: return "null";
    case Type::kBool: return "boolean";
    case Type::kInteger:
    case Type::kUnsigned:
    case Type::kFloat: return "number";
    case Type::kString: return "string";
    case Type::kArray: return "array";
    case Type::kObject: return "object";
  }
  return "?";
}

JsonRef JsonRef::at(size_t i) const {
  if (!is_array() || i >= tok().count) return JsonRef();
  auto it = begin();
  for (; i > 0; i--) ++it;
  return *it;
}

bool JsonRef::as_bool() const {
  assert(is_boolean());
  return tok().b;
}

int64_t JsonRef::as_int64() const {
  const Token& t = tok();
  switch (t.type) {
    case Type::kInteger: return t.i;
    case Type::kUnsigned: return static_cast<int64_t>(t.u);
    case Type::kFloat: return static_cast<int64_t>(t.d);
    default: assert(false && "as_int64 of a non-number"); return 0;
  }
}

uint64_t JsonRef::as_uint64() const {
  const Token& t = tok();
  switch (t.type) {
    case Type::kInteger: return static_cast<uint64_t>(t.i);
    case Type::kUnsigned: return t.u;
    case Type::kFloat: return static_cast<uint64_t>(t.d);
    default: assert(false && "as_uint64 of a non-number"); return 0;
  }
}

double JsonRef::as_double() const {
  const Token& t = tok();
  switch (t.type) {
    case Type::kInteger: return static_cast<double>(t.i);
    case Type::kUnsigned: return static_cast<double>(t.u);
    case Type::kFloat: return t.d;
    default: assert(false && "as_double of a non-number"); return 0;
  }
}

bool same_tokens(JsonRef a, JsonRef b) {
  if (a.valid() != b.valid()) return false;
  if (!a.valid()) return true;
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Type::kNull: return true;
    case Type::kBool: return a.as_bool() == b.as_bool();
    case Type::kInteger: return a.as_int64() == b.as_int64();
    case Type::kUnsigned: return a.as_uint64() == b.as_uint64();
    case Type::kFloat: {
      const double x = a.as_double();
      const double y = b.as_double();
      return std::memcmp(&x, &y, sizeof x) == 0;
    }
    case Type::kString: return a.str() == b.str();
    case Type::kArray:
    case Type::kObject: {
      if (a.size() != b.size()) return false;
      for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
        if (a.is_object() && i.key() != j.key()) return false;
        if (!same_tokens(*i, *j)) return false;
      }
      return true;
    }
  }
  return false;
}

nlohmann::json JsonRef::to_json() const {
  using nlohmann::json;
  if (!valid()) return json(json::value_t::discarded);
  // Tokens are in document order: one pass, with the open containers on a
  // stack (the json they are being built in, and their end index).
  const std::vector<Token>& toks = tape_->tokens_;
  const std::string& strings = tape_->strings_;
  json result;
  std::vector<std::pair<json*, uint32_t>> open;
  std::string_view key;
  for (uint32_t i = index_, stop = tape_->end_of(index_); i < stop; i++) {
    const Token& t = toks[i];
    if (t.is_key) {
      key = std::string_view(strings.data() + t.str, t.count);
      continue;
    }
    json v;
    switch (t.type) {
      case Type::kNull: break;
      case Type::kBool: v = t.b; break;
      case Type::kInteger: v = t.i; break;
      case Type::kUnsigned: v = t.u; break;
      case Type::kFloat: v = t.d; break;
      case Type::kString: v = std::string(strings.data() + t.str, t.count); break;
      case Type::kArray: v = json::array(); break;
      case Type::kObject: v = json::object(); break;
    }
    json* placed = nullptr;
    if (open.empty()) {
      result = std::move(v);
      placed = &result;
    } else if (open.back().first->is_array()) {
      open.back().first->push_back(std::move(v));
      placed = &open.back().first->back();
    } else {
      placed = &(*open.back().first)[std::string(key)];
      *placed = std::move(v);  // a duplicate key: the last one wins
    }
    if (t.type == Type::kArray || t.type == Type::kObject) open.emplace_back(placed, t.end);
    while (!open.empty() && open.back().second == i + 1) open.pop_back();
  }
  return result;
}

}  // namespace replay
