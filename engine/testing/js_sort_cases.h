// The cases of engine/testdata/js_sort_cases.json: arrays sorted by the
// REAL Array.prototype.sort of V8 11.3 (Node 20) with comparators that are no
// order, written by engine/testdata/gen_js_sort.mjs (which documents the
// encoding). Read by js_sort_test.cc and by the tests of the engine's sort
// sites. Tests only; not part of the engine library.
#ifndef PEER_REPLAY_ENGINE_TESTING_JS_SORT_CASES_H_
#define PEER_REPLAY_ENGINE_TESTING_JS_SORT_CASES_H_

#include <cstdint>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace peers::testing {

struct JsSortCase {
  std::string cmp;             // "desc": (a, b) => b.v - a.v; "asc": a.v - b.v; "rand": a hash of (a.i, b.i)
  std::vector<double> values;  // element i's v
  std::vector<uint32_t> order;  // the sorted array's i, first to last
  uint64_t calls = 0;          // comparator calls
  uint32_t hash = 0;           // FNV-1a over every call's (a.i, b.i), in call order
};

// A value as the generator encodes it: a JSON number, or "NaN", "Infinity",
// "-Infinity", "-0".
inline double decode_js_sort_value(const nlohmann::json& v) {
  if (v.is_number()) return v.get<double>();
  const std::string s = v.get<std::string>();
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  if (s == "-0") return -0.0;
  throw std::runtime_error("js_sort_cases: unknown value " + s);
}

// The cases; throws unless the fixture was made by V8 11.3, the V8 Lodestar
// runs on.
inline std::vector<JsSortCase> load_js_sort_cases(const std::string& source_dir) {
  const std::string path = source_dir + "/engine/testdata/js_sort_cases.json";
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  const nlohmann::json doc = nlohmann::json::parse(in);
  const std::string v8 = doc.at("generator").at("v8").get<std::string>();
  if (v8.rfind("11.3.", 0) != 0) throw std::runtime_error("js_sort_cases: made by V8 " + v8 + ", not 11.3");
  std::vector<JsSortCase> cases;
  for (const nlohmann::json& c : doc.at("cases")) {
    JsSortCase out;
    out.cmp = c.at("cmp").get<std::string>();
    for (const nlohmann::json& v : c.at("values")) out.values.push_back(decode_js_sort_value(v));
    out.order = c.at("order").get<std::vector<uint32_t>>();
    out.calls = c.at("calls").get<uint64_t>();
    out.hash = c.at("hash").get<uint32_t>();
    cases.push_back(std::move(out));
  }
  return cases;
}

}  // namespace peers::testing

#endif  // PEER_REPLAY_ENGINE_TESTING_JS_SORT_CASES_H_
