// `peer-replay stats`: what is inside a trace, read once through the reader:
// counts by kind, peers, the time span and bytes, as text or JSON.
#include <cstdint>
#include <iomanip>
#include <map>
#include <ostream>
#include <set>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/trace_paths.h"
#include "trace/display_text.h"
#include "trace/trace_reader.h"

namespace replay {

namespace {

constexpr uint64_t kProgressEvery = 4096;  // records between two progress updates

struct TraceStats {
  std::map<std::string, uint64_t> events_by_kind, actions_by_kind, timers, goodbyes;
  std::set<std::string> peers;
  uint64_t events = 0, expects = 0, actions = 0, lines = 1;
  int64_t first_t_ms = -1, last_t_ms = -1;

  double span_s() const { return events > 0 ? static_cast<double>(last_t_ms - first_t_ms) / 1000.0 : 0.0; }

  void add(const Record& rec) {
    lines++;
    if (rec.type == RecordType::kEvent) {
      events++;
      events_by_kind[rec.kind]++;
      if (first_t_ms < 0) first_t_ms = rec.t_ms;
      last_t_ms = rec.t_ms;
      const JsonRef j = rec.root();
      if (const JsonRef p = j.find("peer"); p.is_string()) peers.emplace(p.str());
      if (rec.kind == "timer") timers[std::string(j["timer"].str())]++;
    } else if (rec.type == RecordType::kExpect) {
      expects++;
      // The reader checked every action's kind and members.
      for (const JsonRef a : rec.root()["actions"]) {
        actions++;
        const std::string_view kind = a["kind"].str();
        actions_by_kind[std::string(kind)]++;
        if (kind == "send_goodbye") goodbyes[std::string(a["reason"].str())]++;
        if (const JsonRef p = a.find("peer"); p.is_string()) peers.emplace(p.str());
      }
    }
  }
};

void write_json(const StatsOptions& opts, const TraceReader& reader, const TraceStats& st, std::ostream& out) {
  const nlohmann::json h = reader.header().to_json();
  nlohmann::json j = {{"path", opts.path},
                      {"scenario", h["scenario"]},
                      {"seed", h["seed"]},
                      {"producer", h["producer"]},
                      {"lines", st.lines},
                      {"events", st.events},
                      {"expects", st.expects},
                      {"actions", st.actions},
                      {"peers", st.peers.size()},
                      {"first_t_ms", st.first_t_ms},
                      {"last_t_ms", st.last_t_ms},
                      {"span_s", st.span_s()},
                      {"file_bytes", reader.bytes_read()},
                      {"jsonl_bytes", reader.bytes_decompressed()},
                      {"compressed", reader.compressed()},
                      {"events_by_kind", st.events_by_kind},
                      {"timers", st.timers},
                      {"actions_by_kind", st.actions_by_kind},
                      {"goodbye_reasons", st.goodbyes}};
  out << j.dump(2) << "\n";
}

// `name` turns a key into what is shown (a goodbye code gets its Lodestar name).
void write_counts(const char* title, const std::map<std::string, uint64_t>& counts, std::ostream& out,
                  std::string (*name)(std::string_view) = nullptr) {
  out << title << "\n";
  for (const auto& [k, n] : counts) {
    out << "  " << std::left << std::setw(36) << (name ? name(k) : k) << n << "\n";
  }
}

void write_text(const StatsOptions& opts, const TraceReader& reader, const TraceStats& st, std::ostream& out) {
  const nlohmann::json h = reader.header().to_json();
  out << "trace       " << opts.path << "\n";
  out << "scenario    " << h["scenario"].get<std::string>() << " (seed " << h["seed"].get<std::string>() << ")\n";
  out << "producer    " << h["producer"].value("name", "?") << " " << h["producer"].value("version", "?") << ", mode "
      << h["producer"].value("mode", "?");
  // `packages` is not type-checked by the schema: look before get<> throws.
  if (auto p = h["producer"].find("packages");
      p != h["producer"].end() && p->contains("@lodestar/beacon-node") && (*p)["@lodestar/beacon-node"].is_string()) {
    out << ", @lodestar/beacon-node " << (*p)["@lodestar/beacon-node"].get<std::string>();
  }
  out << "\n";
  out << "records     " << st.lines << " lines: 1 header, " << st.events << " events, " << st.expects << " expects\n";
  out << "peers       " << st.peers.size() << "\n";
  if (opts.raw_times || st.events == 0) {
    out << "time        " << st.first_t_ms << " .. " << st.last_t_ms << " ms (" << std::fixed << std::setprecision(3)
        << st.span_s() << " s)\n";
  } else {
    out << "time        " << offset_time_text(st.last_t_ms, st.first_t_ms) << " from the first event (t_ms "
        << st.first_t_ms << ")\n";
  }
  const uint64_t in_bytes = reader.bytes_read(), text_bytes = reader.bytes_decompressed();
  out << "bytes       " << in_bytes << " on disk, " << text_bytes << " JSONL";
  if (reader.compressed() && in_bytes > 0) {
    out << ", zstd ratio " << std::setprecision(2) << static_cast<double>(text_bytes) / static_cast<double>(in_bytes)
        << "x";
  } else {
    out << ", uncompressed";
  }
  out << "\n";
  write_counts("events by kind", st.events_by_kind, out);
  if (!st.timers.empty()) write_counts("timers", st.timers, out);
  write_counts(("actions by kind (" + std::to_string(st.actions) + ")").c_str(), st.actions_by_kind, out);
  if (!st.goodbyes.empty()) write_counts("goodbye reasons", st.goodbyes, out, goodbye_reason_text);
}

}  // namespace

int cmd_stats(const StatsOptions& opts, std::ostream& out, std::ostream& err) {
  ReaderOptions ropts;
  ropts.strict = opts.strict;
  const std::unique_ptr<TraceReader> opened = open_trace_for_command(opts.path, ropts, err);
  if (opened == nullptr) return kExitBadInput;
  TraceReader& reader = *opened;
  TraceStats st;
  Record rec;
  ProgressLine progress(stderr_is_terminal() && !opts.quiet, trace_file_bytes(opts.path), err);
  for (;;) {
    bool done = false;
    peers::Status s = reader.next(&rec, &done);
    if (!s.is_ok()) {
      progress.clear();
      err << s.message() << "\n";
      return kExitBadInput;
    }
    if (done) break;
    st.add(rec);
    if (st.lines % kProgressEvery == 0) progress.update(reader.bytes_read(), st.events);
  }
  progress.clear();
  if (opts.json) {
    write_json(opts, reader, st, out);
  } else {
    write_text(opts, reader, st, out);
  }
  return kExitOk;
}

}  // namespace replay
