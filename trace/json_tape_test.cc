#include "trace/json_tape.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <functional>
#include <filesystem>
#include <sstream>
#include <string>

#include "trace/trace_reader.h"

namespace fs = std::filesystem;
using nlohmann::json;
using replay::JsonRef;
using replay::JsonTape;

namespace {

JsonTape parsed(const std::string& text) {
  JsonTape tape;
  std::string why;
  INFO(text);
  REQUIRE(tape.parse(text, &why));
  return tape;
}

std::string error_of(const std::string& text) {
  JsonTape tape;
  std::string why;
  if (tape.parse(text, &why)) return "";
  return why;
}

// The tape must say what nlohmann's DOM says of the same text: same types
// (integer / unsigned / float), same values, same member lookups.
void check_same_as_dom(const std::string& text) {
  INFO(text);
  const JsonTape tape = parsed(text);
  const json dom = json::parse(text);
  CHECK(tape.root().to_json() == dom);
  CHECK(tape.root().dump() == dom.dump());
}

// parse() (simdjson first) and parse_reference() (nlohmann alone) must agree
// on every text: the verdict, the tape, the error message.
void check_paths_agree(std::string_view text) {
  JsonTape fast;
  JsonTape reference;
  std::string fast_why;
  std::string reference_why;
  const bool fast_ok = fast.parse(text, &fast_why);
  const bool reference_ok = reference.parse_reference(text, &reference_why);
  INFO(std::string(text.substr(0, 200)));
  REQUIRE(fast_ok == reference_ok);
  if (fast_ok) {
    CHECK(replay::same_tokens(fast.root(), reference.root()));
    CHECK(fast.token_count() == reference.token_count());
  } else {
    CHECK(fast_why == reference_why);
  }
}

}  // namespace

TEST_CASE("tape: the simdjson path and the nlohmann reference agree on edge cases", "[json_tape]") {
  const char* texts[] = {
      "-0", "0", "-0.0", "-0e0", "-0E1", "[-0]", "{\"a\":-0}", "[-0 ]", "1e999", "-1e999", "1e-400", "0.1e-10000000000",
      "18446744073709551615", "18446744073709551616", "-9223372036854775808", "-9223372036854775809",
      "123456789012345678901234567890", "4.9406564584124654e-324", "2.2250738585072011e-308", "1E5", "1e+5",
      "\"a\tb\"", "\"a\x01\"", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\ud83d\\ude00\"", "\"\xff\"",
      "\"\xc3\xa9\"", "\"\\u0000\"", "\"\\/\"", "\"\\x\"", "\"\x7f\"", "{\"a\":1,\"a\":2}", "1 2", "", " ", "\t",
      "\xef\xbb\xbf{}", "\xef\xbb\xbf", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "+1", "NaN", "Infinity", "tru", "nul",
      "[[[[1]]]]", "{\"a\" :1 } \t\r", "{\"a\":1}\n", "[1]\r\n", "\"\"", "{}", "[]", "[{}]", "{\"\":{}}", "\"-0\"",
      "[\"-0\",0]", "true", "false", "null", "[true,false,null]", "{\"a\":[1,{\"b\":\"-0x\"}]}"};
  for (const char* text : texts) check_paths_agree(text);
  for (size_t depth : {replay::kMaxJsonDepth - 1, replay::kMaxJsonDepth, replay::kMaxJsonDepth + 1,
                       replay::kMaxJsonDepth + 2, size_t{1100}}) {
    check_paths_agree(std::string(depth, '[') + std::string(depth, ']'));
    std::string objects;
    for (size_t i = 0; i < depth; i++) objects += "{\"a\":";
    check_paths_agree(objects + "1" + std::string(depth, '}'));
  }
  const JsonTape t = parsed("[-0,0]");
  CHECK((t.root().at(0).is_number_integer() && !t.root().at(0).is_number_unsigned()));
  CHECK(t.root().at(1).is_number_unsigned());
}

TEST_CASE("tape: scalars keep nlohmann's number types and values", "[json_tape]") {
  const JsonTape t = parsed(R"([null,true,false,0,-1,18446744073709551615,-9223372036854775808,1.5,-0.0,1e308,"x\n\u00e9"])");
  const JsonRef r = t.root();
  REQUIRE(r.is_array());
  REQUIRE(r.size() == 11);
  CHECK(r.at(0).is_null());
  CHECK((r.at(1).is_boolean() && r.at(1).as_bool()));
  CHECK((r.at(2).is_boolean() && !r.at(2).as_bool()));
  CHECK((r.at(3).is_number_unsigned() && r.at(3).as_uint64() == 0));
  CHECK((r.at(4).is_number_integer() && !r.at(4).is_number_unsigned() && r.at(4).as_int64() == -1));
  CHECK(r.at(5).as_uint64() == UINT64_MAX);
  CHECK(r.at(6).as_int64() == INT64_MIN);
  CHECK((r.at(7).is_number_float() && r.at(7).as_double() == 1.5));
  CHECK((r.at(8).is_number_float() && std::signbit(r.at(8).as_double())));
  CHECK(r.at(9).as_double() == 1e308);
  CHECK(r.at(10).str() == "x\n\xc3\xa9");
  CHECK(!r.at(11).valid());
  CHECK(r.at(3).as_double() == 0.0);
  CHECK(std::string(r.at(4).type_name()) == "number");
  check_same_as_dom(R"([null,true,false,0,-1,18446744073709551615,-9223372036854775808,1.5,-0.0,1e308,"x\n\u00e9"])");
}

TEST_CASE("tape: objects, lookups, iteration and duplicates", "[json_tape]") {
  const JsonTape t = parsed(R"({"a":1,"b":{"c":[1,{"d":2}],"e":{}},"f":[],"a":3})");
  const JsonRef r = t.root();
  CHECK(r.is_object());
  CHECK(r.size() == 4);  // members as written, the duplicate included
  CHECK(r["a"].as_int64() == 3);  // the last duplicate wins, as in json::parse
  CHECK(r["b"]["c"].at(1)["d"].as_int64() == 2);
  CHECK(r["b"]["e"].is_object());
  CHECK(r["b"]["e"].size() == 0);
  CHECK(r["f"].is_array());
  CHECK(r["f"].begin() == r["f"].end());
  CHECK(!r["zz"].valid());
  CHECK(!r["zz"]["deeper"].valid());  // lookups through a missing value stay missing
  CHECK(!r["a"]["x"].valid());        // and through a scalar
  CHECK(r["zz"].size() == 0);
  std::string keys;
  for (auto it = r.begin(); it != r.end(); ++it) keys += std::string(it.key()) + ",";
  CHECK(keys == "a,b,f,a,");
  int64_t sum = 0;
  for (const JsonRef v : r["b"]["c"]) sum += v.is_number() ? v.as_int64() : 10;
  CHECK(sum == 11);
  CHECK(r.to_json() == json::parse(R"({"a":3,"b":{"c":[1,{"d":2}],"e":{}},"f":[]})"));
  CHECK(r["b"].to_json() == json::parse(R"({"c":[1,{"d":2}],"e":{}})"));
  CHECK(r["b"]["c"].dump() == R"([1,{"d":2}])");
}

TEST_CASE("tape: errors say what was wrong without nlohmann's framing, and a failed parse leaves nothing",
          "[json_tape]") {
  CHECK(error_of("") == "invalid JSON at column 1: syntax error while parsing value - unexpected end of input; "
                        "expected '[', '{', or a literal");
  CHECK(error_of("{\"a\":1} x").rfind("invalid JSON at column 9: syntax error", 0) == 0);
  CHECK(error_of("{\"a\":}").find("column 6") != std::string::npos);
  CHECK(error_of("{\"a\":}").find("json.exception") == std::string::npos);
  CHECK(error_of("[1e999]") == "invalid JSON: number overflow parsing '1e999'");
  CHECK(error_of("[\"\\ud800\"]").rfind("invalid JSON at column ", 0) == 0);
  JsonTape tape;
  std::string why;
  REQUIRE(tape.parse("[1,2]", &why));
  CHECK(!tape.parse("[1,", &why));
  CHECK(tape.empty());
  REQUIRE(tape.parse("{\"k\":\"v\"}", &why));  // buffers are reused, nothing of the failure remains
  CHECK(tape.root()["k"] == std::string_view("v"));
  CHECK(tape.token_count() == 3);
}

TEST_CASE("tape: the depth limit is exact", "[json_tape]") {
  const size_t n = replay::kMaxJsonDepth;
  CHECK(error_of(std::string(n, '[') + std::string(n, ']')).empty());
  CHECK(error_of(std::string(n + 1, '[') + std::string(n + 1, ']')) ==
        "invalid JSON: nested deeper than 128 levels (traces/FORMAT.md §1)");
  std::string objects;
  for (size_t i = 0; i < n; i++) objects += "{\"a\":";
  objects += "1" + std::string(n, '}');
  const JsonTape t = parsed(objects);
  CHECK(t.root().to_json().dump() == json::parse(objects).dump());  // to_json is iterative
}

TEST_CASE("tape: random documents read the same as nlohmann's DOM", "[json_tape]") {
  // A seeded generator of nested values with every scalar kind.
  uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  std::function<std::string(int)> value = [&](int depth) -> std::string {
    const uint64_t k = next() % (depth > 6 ? 6 : 8);
    switch (k) {
      case 0: return "null";
      case 1: return next() % 2 ? "true" : "false";
      case 2: return std::to_string(static_cast<int64_t>(next()));
      case 3: return std::to_string(next());
      case 4: {
        std::ostringstream o;
        o.precision(17);
        double d = 0;
        const uint64_t bits = next();
        std::memcpy(&d, &bits, sizeof d);
        if (!std::isfinite(d)) d = 0.25;
        o << d;
        return o.str();
      }
      case 5: return "\"s" + std::to_string(next() % 1000) + "\\\"\"";
      case 6: {
        std::string s = "[";
        for (uint64_t i = 0, n = next() % 5; i < n; i++) s += (i ? "," : "") + value(depth + 1);
        return s + "]";
      }
      default: {
        std::string s = "{";
        for (uint64_t i = 0, n = next() % 5; i < n; i++) {
          s += (i ? "," : "") + std::string("\"k") + std::to_string(next() % 4) + "\":" + value(depth + 1);
        }
        return s + "}";
      }
    }
  };
  for (int i = 0; i < 2000; i++) {
    const std::string text = value(0);
    check_same_as_dom(text);
    check_paths_agree(text);
  }
}

TEST_CASE("tape: every line of the bundled corpus reads the same as nlohmann's DOM", "[json_tape]") {
  const fs::path dir = fs::path(PEER_REPLAY_SOURCE_DIR) / "traces";
  size_t traces = 0;
  size_t lines = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 10 || name.substr(name.size() - 10) != ".jsonl.zst") continue;
    replay::ReaderOptions opts;
    opts.keep_raw = true;
    auto opened = replay::TraceReader::open(entry.path().string(), opts);
    REQUIRE(opened.is_ok());
    auto reader = std::move(opened).value();
    CHECK(reader->header().to_json() == json::parse(reader->header().raw));
    replay::Record rec;
    for (;;) {
      bool done = false;
      REQUIRE(reader->next(&rec, &done).is_ok());
      if (done) break;
      const json dom = json::parse(rec.raw);
      JsonTape reference;
      std::string why;
      REQUIRE(reference.parse_reference(rec.raw, &why));
      if (!replay::same_tokens(rec.root(), reference.root())) {
        FAIL(entry.path().string() << ":" << rec.line << ": the simdjson and nlohmann tapes differ");
      }
      if (rec.to_json() != dom) {
        FAIL(entry.path().string() << ":" << rec.line << ": tape and DOM differ");
      }
      lines++;
    }
    traces++;
  }
  CHECK(traces >= 40);
  CHECK(lines > 10000);
}
