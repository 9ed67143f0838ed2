// ReadAhead gives the records and the errors TraceReader::next gives: every
// corpus trace (several batches each) and every file of the malformed
// catalog (conformance/bad) read each way, record by record.
#include "trace/read_ahead.h"

#include <catch2/catch.hpp>

#include <deque>
#include <filesystem>
#include <string>
#include <vector>

namespace replay {
namespace {

namespace fs = std::filesystem;

// How the records are read: by the reader itself; through ReadAhead passing
// the same Record each time (check); through ReadAhead passing a fresh Record
// each time, keeping a window of them and recycling the oldest (diff).
enum class Way { kPlain, kAheadSameRecord, kAheadKeep };

std::string describe(const Record& rec) {
  return std::to_string(rec.line) + " " + std::to_string(static_cast<int>(rec.type)) + " " + std::to_string(rec.seq) +
         " " + std::to_string(rec.t_ms) + " " + rec.kind + " " + rec.raw + " " + rec.root().dump();
}

// What a reader delivered: one line per record, the error or the end last.
std::vector<std::string> read_all(const std::string& path, Way way) {
  std::vector<std::string> out;
  ReaderOptions o;
  o.keep_raw = true;
  auto opened = TraceReader::open(path, o);
  if (!opened.is_ok()) return {"open: " + opened.status().message()};
  std::unique_ptr<TraceReader> reader = std::move(opened).value();
  std::unique_ptr<ReadAhead> pa = way != Way::kPlain ? std::make_unique<ReadAhead>(reader.get()) : nullptr;
  Record same;
  std::deque<Record> window;  // kAheadKeep: records kept, read again when recycled
  constexpr size_t kWindow = 300;
  for (;;) {
    bool done = false;
    Record fresh;
    Record& rec = way == Way::kAheadKeep ? fresh : same;
    const peers::Status s = pa ? pa->next(&rec, &done) : reader->next(&rec, &done);
    if (!s.is_ok()) {
      out.push_back("error: " + s.message());
      // Sticky: asking again gives the same error.
      const peers::Status again = pa ? pa->next(&rec, &done) : reader->next(&rec, &done);
      out.push_back("again: " + again.message());
      return out;
    }
    if (done) return out;
    out.push_back(describe(rec));
    if (way == Way::kAheadKeep) {
      window.push_back(std::move(rec));
      if (window.size() > kWindow) {
        // Still intact after the reads since it was taken: no buffer of it was reused.
        const size_t at = out.size() - window.size();
        CHECK(describe(window.front()) == out[at]);
        pa->recycle(std::move(window.front()));
        window.pop_front();
      }
    }
  }
}

TEST_CASE("ReadAhead reads the corpus and the malformed catalog as TraceReader::next does", "[read_ahead]") {
  size_t files = 0, errors = 0, records = 0;
  for (const char* sub : {"traces", "conformance/bad"}) {
    for (const auto& f : fs::directory_iterator(fs::path(PEER_REPLAY_SOURCE_DIR) / sub)) {
      const std::string p = f.path().string();
      if (p.find(".jsonl") == std::string::npos || p.find(".expected") != std::string::npos) continue;
      INFO(p);
      const std::vector<std::string> plain = read_all(p, Way::kPlain);
      CHECK(read_all(p, Way::kAheadSameRecord) == plain);
      CHECK(read_all(p, Way::kAheadKeep) == plain);
      files++;
      records += plain.size();
      if (!plain.empty() && plain.back().rfind("again: ", 0) == 0) errors++;
    }
  }
  CHECK(files > 100);
  CHECK(errors > 30);
  CHECK(records > 10 * ReadAhead::kBatchRecords);
}

TEST_CASE("ReadAhead stops its thread when dropped before the end", "[read_ahead]") {
  const fs::path dir = fs::path(PEER_REPLAY_SOURCE_DIR) / "traces";
  for (const auto& f : fs::directory_iterator(dir)) {
    if (f.path().string().find(".jsonl") == std::string::npos) continue;
    auto opened = TraceReader::open(f.path().string());
    REQUIRE(opened.is_ok());
    ReadAhead pa(opened.value().get());
    Record rec;
    bool done = false;
    CHECK(pa.next(&rec, &done).is_ok());
  }  // each ReadAhead destroyed mid-trace: no hang, no leak (asan)
}

}  // namespace
}  // namespace replay
