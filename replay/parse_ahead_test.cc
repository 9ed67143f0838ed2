// ParseAhead gives the records and the errors TraceReader::next gives: every
// corpus trace (several batches each) and every file of the malformed
// catalog (conformance/bad) read both ways, record by record.
#include "replay/parse_ahead.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace replay {
namespace {

namespace fs = std::filesystem;

// What a reader delivered: one line per record, the error or the end last.
std::vector<std::string> read_all(const std::string& path, bool ahead) {
  std::vector<std::string> out;
  ReaderOptions o;
  o.keep_raw = true;
  auto opened = TraceReader::open(path, o);
  if (!opened.is_ok()) return {"open: " + opened.status().message()};
  std::unique_ptr<TraceReader> reader = std::move(opened).value();
  std::unique_ptr<ParseAhead> pa = ahead ? std::make_unique<ParseAhead>(reader.get()) : nullptr;
  Record rec;
  for (;;) {
    bool done = false;
    const peers::Status s = pa ? pa->next(&rec, &done) : reader->next(&rec, &done);
    if (!s.is_ok()) {
      out.push_back("error: " + s.message());
      // Sticky: asking again gives the same error.
      const peers::Status again = pa ? pa->next(&rec, &done) : reader->next(&rec, &done);
      out.push_back("again: " + again.message());
      return out;
    }
    if (done) return out;
    out.push_back(std::to_string(rec.line) + " " + std::to_string(static_cast<int>(rec.type)) + " " +
                  std::to_string(rec.seq) + " " + std::to_string(rec.t_ms) + " " + rec.kind + " " + rec.raw + " " +
                  rec.root().dump());
  }
}

TEST_CASE("ParseAhead reads the corpus and the malformed catalog as TraceReader::next does", "[parse_ahead]") {
  size_t files = 0, errors = 0, records = 0;
  for (const char* sub : {"traces", "conformance/bad"}) {
    for (const auto& f : fs::directory_iterator(fs::path(PEER_REPLAY_SOURCE_DIR) / sub)) {
      const std::string p = f.path().string();
      if (p.find(".jsonl") == std::string::npos || p.find(".expected") != std::string::npos) continue;
      INFO(p);
      const std::vector<std::string> plain = read_all(p, false);
      const std::vector<std::string> ahead = read_all(p, true);
      CHECK(ahead == plain);
      files++;
      records += plain.size();
      if (!plain.empty() && plain.back().rfind("again: ", 0) == 0) errors++;
    }
  }
  CHECK(files > 100);
  CHECK(errors > 30);
  CHECK(records > 10 * ParseAhead::kBatchRecords);
}

TEST_CASE("ParseAhead stops its thread when dropped before the end", "[parse_ahead]") {
  const fs::path dir = fs::path(PEER_REPLAY_SOURCE_DIR) / "traces";
  for (const auto& f : fs::directory_iterator(dir)) {
    if (f.path().string().find(".jsonl") == std::string::npos) continue;
    auto opened = TraceReader::open(f.path().string());
    REQUIRE(opened.is_ok());
    ParseAhead pa(opened.value().get());
    Record rec;
    bool done = false;
    CHECK(pa.next(&rec, &done).is_ok());
  }  // each ParseAhead destroyed mid-trace: no hang, no leak (asan)
}

}  // namespace
}  // namespace replay
