// `peer-replay run`: the engine's outputs for a trace's events, written as a
// trace of the same format (cli/commands.h says what for).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <ostream>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/trace_paths.h"
#include "peers/peer_manager.h"
#include "replay/expect_record.h"
#include "replay/metrics_record.h"
#include "replay/trace_event.h"
#include "trace/trace_reader.h"
#include "trace/trace_writer.h"

#ifndef PEER_REPLAY_GIT_COMMIT
#define PEER_REPLAY_GIT_COMMIT "unknown"
#endif

namespace replay {

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

struct Outcome {
  int exit_code = kExitOk;
  std::string message;
  uint64_t events = 0;
};

constexpr uint64_t kProgressEvery = 4096;  // events between two progress updates

// Called with the bytes of the input read and the events run so far.
using RunProgress = std::function<void(uint64_t bytes_read, uint64_t events)>;

// The source's header with the producer replaced by peer-replay (the
// source's producer kept inside); member order kept, so the raw line is parsed
// as ordered_json.
ordered_json run_header(const Record& source_header) {
  ordered_json header = ordered_json::parse(source_header.raw);
  const ordered_json source_producer = header["producer"];
  header["producer"] = ordered_json{{"name", "peer-replay"},
                                    {"version", PEER_REPLAY_VERSION},
                                    {"mode", "engine"},
                                    {"peer_replay_version", PEER_REPLAY_VERSION},
                                    {"git_commit", PEER_REPLAY_GIT_COMMIT},
                                    {"source", source_producer}};
  return header;
}

// The events after which the recorder writes full score dumps and full
// metrics records (FORMAT.md §2.3, §8.1).
bool full_dump_event(const Record& rec) {
  if (rec.kind == "init" || rec.kind == "committee_subscriptions") return true;
  const JsonRef timer = rec.root().find("timer");
  return rec.kind == "timer" && timer.is_string() && timer.str() == "heartbeat";
}

peers::Status write_text_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return peers::Status::invalid_argument(path + ": cannot open for writing");
  f << text;
  f.close();
  if (!f) return peers::Status::invalid_argument(path + ": write failed");
  return peers::Status::ok();
}

Outcome run_one(const std::string& in_path, const std::string& out_path, const RunOptions& opts,
                const RunProgress& progress) {
  ReaderOptions ro;
  ro.keep_raw = true;
  ro.strict = opts.strict;
  auto opened = TraceReader::open(in_path, ro);
  if (!opened.is_ok()) return {kExitBadInput, opened.status().message()};
  TraceReader& reader = *opened.value();
  const std::string at_header = reader.path() + ":1: ";
  auto setup = parse_header(reader.header().root(), at_header);
  if (!setup.is_ok()) return {kExitBadInput, setup.status().message()};
  // Metrics records go out when the source has them (FORMAT.md §8); the
  // engine scrapes after every event for --metrics-out too, as the recorder
  // does (a scrape changes lodestar_peer_column_group_count).
  const bool write_metrics = setup.value().config.metrics;
  peers::PeerManagerConfig config = setup.value().config;
  config.metrics = write_metrics || !opts.metrics_out.empty();
  peers::PeerManager pm(config, setup.value().local);
  std::vector<peers::MetricSeries> scrape;  // after the last event

  auto created = TraceWriter::create(out_path, opts.zstd_level);
  if (!created.is_ok()) return {kExitBadInput, created.status().message()};
  TraceWriter& writer = *created.value();
  peers::Status s = writer.write_line(run_header(reader.header()).dump());

  peers::PeerScoreStats previous;  // the engine's last full dump
  uint64_t events = 0;
  peers::PeerIdTable peer_ids;  // the events' ids, shared (see parse_event)
  Record rec;
  while (s.is_ok()) {
    bool done = false;
    s = reader.next(&rec, &done);
    if (!s.is_ok()) return {kExitBadInput, s.message()};
    if (done) break;
    if (rec.type != RecordType::kEvent) continue;  // the source's expects are replaced
    auto ev = parse_event(rec, reader.where(rec.line), &peer_ids);
    if (!ev.is_ok()) return {kExitBadInput, ev.status().message()};
    std::vector<peers::Action> actions;
    peers::Status stepped = pm.step(ev.value(), &actions);
    if (!stepped.is_ok()) {
      return {kExitDiverges, reader.where(rec.line) + "the engine cannot accept this event (seq " +
                                 std::to_string(rec.seq) + "): " + stepped.message() + "; nothing written"};
    }
    events++;
    if (events % kProgressEvery == 0) progress(reader.bytes_read(), events);
    peers::PeerScoreStats dump = pm.dump_peer_score_stats();
    const ordered_json expect = engine_expect_record(rec.root(), rec.seq, actions, previous, dump);
    previous = std::move(dump);
    s = writer.write_line(rec.raw);
    if (s.is_ok()) s = writer.write_line(expect.dump());
    if (config.metrics) {
      std::vector<peers::MetricSeries> next = pm.scrape_metrics();
      if (write_metrics && s.is_ok()) s = writer.write_line(metrics_record_json(rec.seq, full_dump_event(rec), scrape, next).dump());
      scrape = std::move(next);
    }
  }
  if (s.is_ok() && !opts.metrics_out.empty()) {
    // The registry after the last event, as a Prometheus scrape would read it.
    s = write_text_file(opts.metrics_out, prometheus_text(scrape));
  }
  if (s.is_ok()) s = writer.write_line(ordered_json{{"type", "end"}, {"events", events}}.dump());
  if (s.is_ok()) s = writer.commit();
  if (!s.is_ok()) return {kExitBadInput, out_path + ": " + s.message()};
  return {kExitOk, in_path + " -> " + out_path + ": " + std::to_string(events) + " events", events};
}

}  // namespace

int cmd_run(const RunOptions& opts, std::ostream& out, std::ostream& err) {
  // Output layout: one input file and an output that is not a directory: a
  // file. Otherwise a directory mirroring the inputs' paths below each input
  // directory (file inputs keep their base name).
  std::vector<std::pair<std::string, std::string>> jobs;
  bool to_directory = opts.inputs.size() > 1 || fs::is_directory(opts.output);
  for (const std::string& input : opts.inputs) {
    if (fs::is_directory(input)) to_directory = true;
  }
  for (const std::string& input : opts.inputs) {
    std::vector<std::string> files;
    std::string error;
    if (!expand_trace_paths({input}, &files, &error)) {
      err << error << "\n";
      return kExitBadInput;
    }
    for (const std::string& f : files) {
      std::string dest = opts.output;
      if (to_directory) {
        const fs::path rel = fs::is_directory(input) ? fs::relative(f, input) : fs::path(f).filename();
        dest = (fs::path(opts.output) / rel).string();
      }
      jobs.emplace_back(f, dest);
    }
  }
  if (!opts.metrics_out.empty() && jobs.size() != 1) {
    err << "--metrics-out: needs exactly one input trace, got " << jobs.size() << "\n";
    return kExitBadInput;
  }
  std::unordered_set<std::string> seen;
  for (const auto& [in, dest] : jobs) {
    if (!seen.insert(dest).second) {
      err << dest << ": two inputs would be written to the same output\n";
      return kExitBadInput;
    }
  }
  int worst = kExitOk;
  uint64_t total_bytes = 0, bytes_before = 0, events_before = 0;
  for (const auto& [in, dest] : jobs) total_bytes += trace_file_bytes(in);
  ProgressLine progress(stderr_is_terminal() && !opts.quiet, total_bytes, err);
  nlohmann::ordered_json written = nlohmann::ordered_json::array();
  for (const auto& [in, dest] : jobs) {
    std::error_code ec;
    fs::create_directories(fs::path(dest).parent_path().empty() ? fs::path(".") : fs::path(dest).parent_path(), ec);
    progress.set_label(in);
    Outcome o = run_one(in, dest, opts, [&](uint64_t bytes, uint64_t events) {
      progress.update(bytes_before + bytes, events_before + events);
    });
    bytes_before += trace_file_bytes(in);
    events_before += o.events;
    progress.clear();
    if (o.exit_code != kExitOk) {
      err << o.message << "\n";
    } else if (opts.json) {
      written.push_back({{"input", in}, {"output", dest}, {"events", o.events}});
    } else if (!opts.quiet) {
      out << "wrote " << o.message << "\n";
    }
    worst = std::max(worst, o.exit_code);
  }
  if (opts.json) out << nlohmann::ordered_json{{"written", written}, {"exit_code", worst}}.dump(2) << "\n";
  return worst;
}

}  // namespace replay
