// The reader against every malformed case we could think of. Each case writes
// a small file, reads it to the end and asserts the exact error (file, 1-based
// line, message).
#include "trace/trace_reader.h"
#include "trace/testing/trace_fixtures.h"

#include <catch2/catch.hpp>
#include <zstd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

using replay::testing::kHeader;

std::string event(int seq, long t_ms, const std::string& kind = "goodbye_all", const std::string& extra = "") {
  return R"({"type":"event","seq":)" + std::to_string(seq) + R"(,"t_ms":)" + std::to_string(t_ms) + R"(,"kind":")" +
         kind + "\"" + extra + "}";
}
std::string expect(int seq, const std::string& actions = "[]") {
  return R"({"type":"expect","seq":)" + std::to_string(seq) + R"(,"actions":)" + actions + "}";
}

std::string temp_path(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / "peer_replay_reader_test";
  fs::create_directories(dir);
  return (dir / name).string();
}

std::string write_file(const std::string& name, const std::string& bytes) {
  const std::string path = temp_path(name);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

std::string zstd_frame(const std::string& text) {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 3);
  REQUIRE(!ZSTD_isError(n));
  out.resize(n);
  return out;
}

struct ReadResult {
  std::string error;  // empty: read to the end
  uint64_t events = 0;
  uint64_t records = 0;
  std::vector<std::string> warnings;
};

ReadResult read_all(const std::string& path, replay::ReaderOptions opts = {}) {
  ReadResult r;
  opts.on_warning = [&r](const std::string& w) { r.warnings.push_back(w); };
  auto opened = replay::TraceReader::open(path, opts);
  if (!opened.is_ok()) {
    r.error = opened.status().message();
    return r;
  }
  replay::Record rec;
  for (;;) {
    bool done = false;
    peers::Status s = opened.value()->next(&rec, &done);
    if (!s.is_ok()) {
      r.error = s.message();
      break;
    }
    if (done) break;
    r.records++;
    if (rec.type == replay::RecordType::kEvent) r.events++;
  }
  return r;
}

std::string lines(std::initializer_list<std::string> ls) {
  std::string out;
  for (const auto& l : ls) out += l + "\n";
  return out;
}

}  // namespace

TEST_CASE("a valid plain trace reads to the end", "[reader]") {
  const std::string p = write_file("valid.jsonl", lines({kHeader, event(1, 10), expect(1), event(2, 10), expect(2),
                                                         R"({"type":"end","events":2})"}));
  ReadResult r = read_all(p);
  CHECK(r.error.empty());
  CHECK(r.events == 2);
  CHECK(r.records == 5);
}

TEST_CASE("several zstd frames, a line spanning a frame boundary", "[reader]") {
  const std::string text = lines({kHeader, event(1, 10), expect(1), event(2, 11), expect(2)});
  const size_t cut = text.size() / 2;  // inside a line
  const std::string p = write_file("frames.jsonl.zst", zstd_frame(text.substr(0, cut)) + zstd_frame(text.substr(cut)));
  ReadResult r = read_all(p);
  CHECK(r.error.empty());
  CHECK(r.events == 2);
}

TEST_CASE("empty file", "[reader]") {
  const std::string p = write_file("empty.jsonl", "");
  CHECK(read_all(p).error == p + ":1: empty trace: expected the header record on line 1");
}

TEST_CASE("missing header", "[reader]") {
  const std::string p = write_file("noheader.jsonl", lines({event(1, 10)}));
  CHECK(read_all(p).error == p + ":1: expected the header record (\"type\":\"header\") on line 1, got \"type\":\"event\"");
}

TEST_CASE("wrong format name", "[reader]") {
  std::string h = kHeader;
  h.replace(h.find("peer-replay-trace"), 17, "other-trace");
  const std::string p = write_file("format.jsonl", lines({h}));
  CHECK(read_all(p).error == p + ":1: expected \"format\":\"peer-replay-trace\" in the header, got \"format\": \"other-trace\"");
}

TEST_CASE("newer format_version", "[reader]") {
  std::string h = kHeader;
  h.replace(h.find("\"format_version\":1"), 18, "\"format_version\":3");
  const std::string p = write_file("version.jsonl", lines({h}));
  CHECK(read_all(p).error ==
        p + ":1: trace format_version 3 is newer than this reader (reads 1..2); use a newer peer-replay");
}

TEST_CASE("bad JSON mid-file", "[reader]") {
  const std::string p = write_file("badjson.jsonl", lines({kHeader, event(1, 10), "{\"type\":\"expect\",", expect(1)}));
  const std::string e = read_all(p).error;
  CHECK(e.rfind(p + ":3: invalid JSON at column 18: syntax error while parsing object key", 0) == 0);
}

TEST_CASE("truncated zstd frame", "[reader]") {
  const std::string frame = zstd_frame(lines({kHeader, event(1, 10), expect(1), event(2, 12), expect(2)}));
  const std::string p = write_file("trunc.jsonl.zst", frame.substr(0, frame.size() - 7));
  const std::string e = read_all(p).error;
  INFO(e);
  CHECK(e.find(p + ":") == 0);
  CHECK(e.find("truncated zstd frame: the file ends inside frame 1") != std::string::npos);
}

TEST_CASE("garbage after a frame", "[reader]") {
  const std::string p = write_file(
      "garbage.jsonl.zst", zstd_frame(lines({kHeader, event(1, 10), expect(1)})) + std::string("GARBAGE!GARBAGE!"));
  const std::string e = read_all(p).error;
  INFO(e);
  CHECK(e.rfind(p + ":4: bytes after zstd frame 1 are not a zstd frame (near byte offset", 0) == 0);
}

TEST_CASE("a gap in seq", "[reader]") {
  const std::string p = write_file("gap.jsonl", lines({kHeader, event(1, 10), expect(1), event(3, 10)}));
  CHECK(read_all(p).error == p + ":4: expected event seq 2, got 3 (seq counts 1, 2, 3 with no gap)");
}

TEST_CASE("t_ms going back", "[reader]") {
  const std::string p = write_file("back.jsonl", lines({kHeader, event(1, 10), event(2, 9)}));
  CHECK(read_all(p).error == p + ":3: t_ms went back: 9 < 10 of the previous event");
}

TEST_CASE("an expect before its event", "[reader]") {
  const std::string p = write_file("early.jsonl", lines({kHeader, event(1, 10), expect(2)}));
  CHECK(read_all(p).error == p + ":3: expect names seq 2, an event not read yet (last event seq 1)");
}

TEST_CASE("an expect twice for one event", "[reader]") {
  const std::string p = write_file("twice.jsonl", lines({kHeader, event(1, 10), expect(1), expect(1)}));
  CHECK(read_all(p).error == p + ":4: expect names seq 1 again or out of order (previous expect: seq 1)");
}

TEST_CASE("an unknown event kind", "[reader]") {
  const std::string p = write_file("kind.jsonl", lines({kHeader, event(1, 10, "teleport")}));
  CHECK(read_all(p).error == p + ":2: unknown event kind \"teleport\" (FORMAT.md §3.1 lists the known kinds)");
}

TEST_CASE("an unknown action kind", "[reader]") {
  const std::string p =
      write_file("action.jsonl", lines({kHeader, event(1, 10), expect(1, R"([{"kind":"dance","peer":"a"}])")}));
  CHECK(read_all(p).error == p + ":3: actions[0]: unknown action kind \"dance\" (FORMAT.md §3.2 lists the known kinds)");
}

TEST_CASE("an unknown record type", "[reader]") {
  const std::string p = write_file("type.jsonl", lines({kHeader, R"({"type":"note"})"}));
  CHECK(read_all(p).error == p + ":2: unknown record type \"note\": expected event, expect, metrics or end");
}

TEST_CASE("a line over the limit", "[reader]") {
  replay::ReaderOptions opts;
  opts.max_line_bytes = 4096;
  const std::string big = event(1, 10, "goodbye_all", ",\"pad\":\"" + std::string(5000, 'x') + "\"");
  const std::string p = write_file("long.jsonl", lines({kHeader, big}));
  // The header itself is under 4 KiB.
  CHECK(read_all(p, opts).error == p + ":2: line longer than the limit of 4096 bytes");
}

TEST_CASE("the default line limit is 8 MiB and is enforced without reading the whole line", "[reader]") {
  const std::string big(replay::kMaxLineBytes + 10, 'x');
  const std::string p = write_file("huge.jsonl", lines({kHeader, big}));
  CHECK(read_all(p).error == p + ":2: line longer than the limit of 8388608 bytes");
}

TEST_CASE("CRLF line ends are accepted", "[reader]") {
  std::string text = std::string(kHeader) + "\r\n" + event(1, 10) + "\r\n" + expect(1) + "\r\n";
  const std::string p = write_file("crlf.jsonl", text);
  ReadResult r = read_all(p);
  CHECK(r.error.empty());
  CHECK(r.events == 1);
}

TEST_CASE("a UTF-8 BOM is accepted", "[reader]") {
  const std::string p = write_file("bom.jsonl", "\xEF\xBB\xBF" + lines({kHeader, event(1, 10), expect(1)}));
  ReadResult r = read_all(p);
  CHECK(r.error.empty());
  CHECK(r.events == 1);
}

TEST_CASE("an empty line is an error", "[reader]") {
  const std::string p = write_file("blank.jsonl", lines({kHeader, event(1, 10), "", expect(1)}));
  CHECK(read_all(p).error == p + ":3: empty line: expected a JSON object");
}

TEST_CASE("a second header", "[reader]") {
  const std::string p = write_file("header2.jsonl", lines({kHeader, kHeader}));
  CHECK(read_all(p).error == p + ":2: a second header record: the header must be line 1 only");
}

TEST_CASE("records after end", "[reader]") {
  const std::string p =
      write_file("afterend.jsonl", lines({kHeader, event(1, 10), R"({"type":"end","events":1})", event(2, 10)}));
  CHECK(read_all(p).error == p + ":4: expected nothing after the \"end\" record");
}

TEST_CASE("end with a wrong count", "[reader]") {
  const std::string p = write_file("endcount.jsonl", lines({kHeader, event(1, 10), R"({"type":"end","events":3})"}));
  CHECK(read_all(p).error == p + ":3: \"end\" says 3 events, but 1 were read");
}

TEST_CASE("a missing required member names it", "[reader]") {
  const std::string p = write_file("member.jsonl", lines({kHeader, event(1, 10, "connection_close", ",\"peer\":\"a\"")}));
  CHECK(read_all(p).error == p + ":2: event (connection_close): expected member \"conn\" (a string)");
}

TEST_CASE("a score that is a string", "[reader]") {
  const std::string p = write_file(
      "score.jsonl",
      lines({kHeader, event(1, 10),
             R"({"type":"expect","seq":1,"actions":[],"scores":[{"peer":"a","lodestar":"1","gossip":0,"ignore_negative":false,"score":0,"last_update_ms":0}]})"}));
  CHECK(read_all(p).error ==
        p + ":3: scores[0] member \"lodestar\": expected a finite number or \"+Inf\", \"-Inf\", \"NaN\"");
}

TEST_CASE("scores JSON cannot carry are read in their spelling, and only there", "[reader]") {
  const std::string ok = write_file(
      "spelled.jsonl",
      lines({kHeader, R"({"type":"event","seq":1,"t_ms":10,"kind":"goodbye_all","gossip_scores":[["a","NaN"],["b","+Inf"],["c","-Inf"],["d",-1]]})",
             R"({"type":"expect","seq":1,"actions":[],"scores":[{"peer":"a","lodestar":0,"gossip":"NaN","ignore_negative":false,"score":"NaN","last_update_ms":0},{"peer":"b","lodestar":"-Inf","gossip":"+Inf","ignore_negative":false,"score":"+Inf","last_update_ms":0}]})"}));
  CHECK(read_all(ok).error.empty());
  const std::string js = write_file(
      "js_spelling.jsonl",
      lines({kHeader, R"({"type":"event","seq":1,"t_ms":10,"kind":"goodbye_all","gossip_scores":[["a","Infinity"]]})"}));
  CHECK(read_all(js).error.find(":2: event (goodbye_all) member \"gossip_scores\": expected an array of [peer, score] pairs") !=
        std::string::npos);
  const std::string elsewhere = write_file(
      "spelled_elsewhere.jsonl",
      lines({kHeader, event(1, 10),
             R"({"type":"expect","seq":1,"actions":[],"scores":[{"peer":"a","lodestar":0,"gossip":0,"ignore_negative":false,"score":0,"last_update_ms":"NaN"}]})"}));
  CHECK(read_all(elsewhere).error == elsewhere + ":3: scores[0] member \"last_update_ms\": expected a finite number");
}

TEST_CASE("negative t_ms and seq past 2^53", "[reader]") {
  const std::string p1 = write_file("neg.jsonl", lines({kHeader, event(1, -5)}));
  CHECK(read_all(p1).error == p1 + ":2: event (goodbye_all) member \"t_ms\": expected an integer in [0, 2^53-1]");
  const std::string p2 = write_file(
      "bigseq.jsonl", lines({kHeader, R"({"type":"event","seq":9007199254740993,"t_ms":1,"kind":"goodbye_all"})"}));
  CHECK(read_all(p2).error == p2 + ":2: event (goodbye_all) member \"seq\": expected an integer in [0, 2^53-1]");
}

TEST_CASE("unknown members: a warning, or an error under strict", "[reader]") {
  const std::string p = write_file("extra.jsonl", lines({kHeader, event(1, 10, "goodbye_all", ",\"colour\":\"red\"")}));
  ReadResult r = read_all(p);
  CHECK(r.error.empty());
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0] == p + ":2: warning: event (goodbye_all): unknown member \"colour\"");
  replay::ReaderOptions strict;
  strict.strict = true;
  CHECK(read_all(p, strict).error == p + ":2: event (goodbye_all): unknown member \"colour\" (--strict)");
}

TEST_CASE("a directory and a missing file", "[reader]") {
  const std::string dir = temp_path("a_dir");
  fs::create_directories(dir);
  CHECK(read_all(dir).error == dir + ": is a directory, expected a trace file");
  CHECK(read_all(temp_path("nope.jsonl")).error == temp_path("nope.jsonl") + ": cannot open: No such file or directory");
}

TEST_CASE("a zip bomb stops at the line limit", "[reader]") {
  // 64 MiB of 'x' without a newline compresses to a few KiB.
  std::string text = std::string(kHeader) + "\n" + std::string(64u << 20, 'x');
  const std::string p = write_file("bomb.jsonl.zst", zstd_frame(text));
  CHECK(fs::file_size(p) < 100000);
  CHECK(read_all(p).error == p + ":2: line longer than the limit of 8388608 bytes");
}

TEST_CASE("a cut zstd file reads to its last complete line with allow_truncated", "[reader][truncated]") {
  const std::string whole = lines({kHeader, event(1, 10), expect(1), event(2, 11), expect(2)});
  const std::string frames = zstd_frame(lines({kHeader, event(1, 10), expect(1)})) +
                             zstd_frame(lines({event(2, 11), expect(2)}));
  // The second frame cut a few bytes before its end, as a kill during the write leaves it.
  const std::string p = write_file("cut.jsonl.zst", frames.substr(0, frames.size() - 6));
  CHECK(read_all(p).error.rfind(p + ":", 0) == 0);  // an error without the option
  replay::ReaderOptions opts;
  opts.allow_truncated = true;
  auto opened = replay::TraceReader::open(p, opts);
  REQUIRE(opened.is_ok());
  replay::Record rec;
  uint64_t events = 0;
  for (bool done = false;;) {
    REQUIRE(opened.value()->next(&rec, &done).is_ok());
    if (done) break;
    if (rec.type == replay::RecordType::kEvent) events++;
  }
  CHECK(events >= 1);
  CHECK(opened.value()->truncation().rfind("the file ends inside zstd frame 2", 0) == 0);
  CHECK(!opened.value()->ended());
  (void)whole;
}

TEST_CASE("a rotated capture reads on through its continuation segments", "[reader][segments]") {
  const std::string p = write_file("seg.jsonl.zst", zstd_frame(lines({kHeader, event(1, 10)})));
  write_file("seg.jsonl.zst.000002", zstd_frame(lines({expect(1), event(2, 11)})));
  write_file("seg.jsonl.zst.000003", zstd_frame(lines({expect(2), R"({"type":"end","events":2})"})));
  write_file("seg.jsonl.zst.000005", "not read: 000004 is missing");
  ReadResult r = read_all(p);
  CHECK(r.error.empty());
  CHECK(r.events == 2);
  CHECK(r.records == 5);
}

TEST_CASE("a version-2 event kind in a version-1 trace is an error", "[reader]") {
  const std::string p = write_file(
      "v1_custody.jsonl",
      lines({kHeader, event(1, 10, "local_custody", R"(,"custody_group_count":8,"sample_groups":[1],"sampled_subnets":[1])")}));
  CHECK(read_all(p).error == p + ":2: event kind \"local_custody\" needs format_version 2 (the header says 1)");
}

// open_lines + push: the lines a caller hands over read as the same lines of
// a file do, records and errors alike (the error names the reader's name).
TEST_CASE("lines pushed one at a time read as the file's lines, errors included", "[reader][lines]") {
  const std::vector<std::string> good = {kHeader, event(1, 10), expect(1), event(2, 12), expect(2),
                                         R"({"type":"end","events":2})"};
  const std::vector<std::string> bad = {kHeader, event(1, 10), expect(1), event(3, 12)};  // a seq gap
  for (const auto& ls : {good, bad}) {
    std::string text;
    for (const std::string& l : ls) text += l + "\n";
    const std::string path = write_file("pushed.jsonl", text);
    auto file = replay::TraceReader::open(path);
    REQUIRE(file.is_ok());
    auto pushed = replay::TraceReader::open_lines(path, ls[0]);
    REQUIRE(pushed.is_ok());
    CHECK(pushed.value()->header().root().dump() == file.value()->header().root().dump());
    replay::Record a;
    replay::Record b;
    for (size_t i = 1; i < ls.size(); i++) {
      bool done = false;
      const peers::Status sa = file.value()->next(&a, &done);
      const peers::Status sb = pushed.value()->push(ls[i], &b);
      INFO(i << ": " << sa.message() << " / " << sb.message());
      REQUIRE(sa.is_ok() == sb.is_ok());
      if (!sa.is_ok()) {
        CHECK(sa.message() == sb.message());
        CHECK(!pushed.value()->push(ls[i], &b).is_ok());  // sticky, as next()'s errors
        break;
      }
      CHECK(a.type == b.type);
      CHECK(a.line == b.line);
      CHECK(a.seq == b.seq);
      CHECK(a.t_ms == b.t_ms);
      CHECK(a.kind == b.kind);
      CHECK(a.root().dump() == b.root().dump());
    }
    bool done = false;
    if (ls.size() == good.size()) {
      CHECK(file.value()->next(&a, &done).is_ok());
      CHECK(done);
      CHECK(pushed.value()->ended());
    }
  }
  auto not_header = replay::TraceReader::open_lines("x", event(1, 10));
  REQUIRE_FALSE(not_header.is_ok());
  CHECK(not_header.status().message().find("x:1: expected the header record") == 0);
}
