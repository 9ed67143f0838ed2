// The cases of engine/testdata/js_sort_cases.json.zst: arrays sorted by the
// REAL Array.prototype.sort of V8 11.3 (Node 20) with comparators that are no
// order, written by engine/testdata/gen_js_sort.mjs (which documents the
// encoding). Read by js_sort_test.cc and by the tests of the engine's sort
// sites. Tests only; not part of the engine library.
#ifndef PEER_REPLAY_ENGINE_TESTING_JS_SORT_CASES_H_
#define PEER_REPLAY_ENGINE_TESTING_JS_SORT_CASES_H_

#include <zstd.h>

#include <cstdint>
#include <fstream>
#include <iterator>
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

// The whole decompressed content of a zstd file (its frame need not record its
// size: the zstd command writing from a pipe does not know it).
inline std::string read_zstd_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  const std::string compressed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  std::string out;
  std::vector<char> buffer(ZSTD_DStreamOutSize());
  ZSTD_inBuffer input{compressed.data(), compressed.size(), 0};
  size_t last = 0;
  while (input.pos < input.size) {
    ZSTD_outBuffer output{buffer.data(), buffer.size(), 0};
    last = ZSTD_decompressStream(dctx, &output, &input);
    if (ZSTD_isError(last)) {
      ZSTD_freeDCtx(dctx);
      throw std::runtime_error(path + ": " + ZSTD_getErrorName(last));
    }
    out.append(buffer.data(), output.pos);
  }
  ZSTD_freeDCtx(dctx);
  if (last != 0) throw std::runtime_error(path + ": truncated zstd frame");
  return out;
}

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
  const nlohmann::json doc =
      nlohmann::json::parse(read_zstd_file(source_dir + "/engine/testdata/js_sort_cases.json.zst"));
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
