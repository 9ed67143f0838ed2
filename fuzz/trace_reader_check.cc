#include "fuzz/trace_reader_check.h"

#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "trace/trace_reader.h"

namespace replay {

namespace {

// What one read produced, compared between the plain and the compressed read.
// Raw lines, never JSON values: comparing or dumping a value 60,000 arrays
// deep would recurse, and this check must not crash where the reader doesn't.
struct Outcome {
  bool opened = false;
  std::vector<std::string> raw;       // header first
  std::vector<uint64_t> lines;        // Record::line of each record
  std::vector<std::string> warnings;
  std::string error;                  // "" at a clean end
  uint64_t events = 0;
};

Outcome read_all(std::string_view bytes, const ReaderOptions& base) {
  Outcome o;
  ReaderOptions opts = base;
  opts.keep_raw = true;
  opts.on_warning = [&o](const std::string& w) { o.warnings.push_back(w); };
  auto opened = TraceReader::open_bytes("fuzz-input", bytes, opts);
  if (!opened.is_ok()) {
    o.error = opened.status().message();
    // TigerBeetle style: an error is never empty, and names the input.
    if (o.error.rfind("fuzz-input", 0) != 0) o.error = "BAD MESSAGE: " + o.error;
    return o;
  }
  o.opened = true;
  TraceReader& reader = *opened.value();
  o.raw.push_back(reader.header().raw);
  o.lines.push_back(reader.header().line);
  Record rec;
  for (;;) {
    bool done = false;
    peers::Status s = reader.next(&rec, &done);
    if (!s.is_ok()) {
      o.error = s.message();
      if (o.error.rfind("fuzz-input:", 0) != 0) o.error = "BAD MESSAGE: " + o.error;
      // Errors are sticky: a second call must return the same error.
      bool done2 = false;
      peers::Status again = reader.next(&rec, &done2);
      if (again.is_ok() || again.message() != s.message()) o.error = "NOT STICKY: " + o.error;
      break;
    }
    if (done) break;
    o.raw.push_back(rec.raw);
    o.lines.push_back(rec.line);
  }
  o.events = reader.events_read();
  return o;
}

bool starts_with_zstd_magic(std::string_view b) {
  if (b.size() < 4) return false;
  const auto* u = reinterpret_cast<const unsigned char*>(b.data());
  const uint32_t magic = uint32_t(u[0]) | uint32_t(u[1]) << 8 | uint32_t(u[2]) << 16 | uint32_t(u[3]) << 24;
  return magic == 0xFD2FB528u || (magic & 0xFFFFFFF0u) == 0x184D2A50u;
}

std::string compress(std::string_view text) {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 1);
  if (ZSTD_isError(n)) return {};
  out.resize(n);
  return out;
}

// A skippable frame (magic 0x184D2A5?, 4-byte little-endian size, payload).
std::string skippable_frame(std::string_view payload) {
  std::string f = "\x50\x2a\x4d\x18";
  const uint32_t n = static_cast<uint32_t>(payload.size());
  for (int i = 0; i < 4; i++) f.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
  f.append(payload);
  return f;
}

std::string describe_difference(const Outcome& a, const Outcome& b) {
  if (a.error != b.error) return "error differs:\n  plain: " + a.error + "\n  zstd:  " + b.error;
  if (a.raw.size() != b.raw.size())
    return "record count differs: " + std::to_string(a.raw.size()) + " vs " + std::to_string(b.raw.size());
  for (size_t i = 0; i < a.raw.size(); i++) {
    if (a.raw[i] != b.raw[i] || a.lines[i] != b.lines[i]) return "record " + std::to_string(i) + " differs";
  }
  if (a.warnings != b.warnings) return "warnings differ";
  if (a.events != b.events) return "events_read differs";
  return {};
}

}  // namespace

std::string check_trace_bytes(std::string_view bytes) {
  ReaderOptions opts;
  opts.strict = (bytes.size() & 1) != 0;
  // One size in 16 gets a small line limit, so the fuzzer reaches the limit
  // (and lines cut at every length) cheaply; the others keep the real 8 MiB
  // limit, or most inputs would stop at their header (~1 KiB).
  if (bytes.size() % 16 == 15) opts.max_line_bytes = 64 + (bytes.size() * 7) % 4096;

  // 1. As given.
  const Outcome plain = read_all(bytes, opts);
  if (plain.error.rfind("BAD MESSAGE", 0) == 0 || plain.error.rfind("NOT STICKY", 0) == 0) return plain.error;

  // Paths 2 and 3 alternate with the size (each read allocates ~400 KiB of
  // buffers, which ASan makes slow): mutations that change the size try both.
  const bool differential = ((bytes.size() >> 3) & 1) != 0;
  if (!starts_with_zstd_magic(bytes) && differential) {
    // 2. The same text compressed, split in two frames inside the text with a
    //    skippable frame between: must read exactly like the plain text.
    const size_t cut = bytes.empty() ? 0 : (bytes.size() * 5 / 8);
    std::string z = compress(bytes.substr(0, cut));
    z += skippable_frame(bytes.substr(0, std::min<size_t>(bytes.size(), 16)));
    z += compress(bytes.substr(cut));
    const Outcome zstd = read_all(z, opts);
    std::string diff = describe_difference(plain, zstd);
    if (!diff.empty()) return "plain and zstd reads differ: " + diff;
  } else if (!starts_with_zstd_magic(bytes)) {
    // 3. The bytes as a zstd frame body: the decoder must reject or decode
    //    garbage without crashing.
    std::string raw = "\x28\xb5\x2f\xfd";
    raw.append(bytes);
    const Outcome decoded = read_all(raw, opts);
    if (decoded.error.rfind("BAD MESSAGE", 0) == 0 || decoded.error.rfind("NOT STICKY", 0) == 0) return decoded.error;
  }
  return {};
}

}  // namespace replay
