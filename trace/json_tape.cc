#include "trace/json_tape.h"

#include <limits>
#include <utility>

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
  Token string_token(const string_t& s, bool is_key) {
    Token t;
    t.type = Type::kString;
    t.is_key = is_key;
    t.str = static_cast<uint32_t>(tape_->strings_.size());
    t.count = static_cast<uint32_t>(s.size());
    tape_->strings_.append(s);
    return t;
  }
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

void JsonTape::clear() {
  tokens_.clear();
  strings_.clear();
}

bool JsonTape::parse(std::string_view text, std::string* error) {
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
