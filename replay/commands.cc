#include "replay/commands.h"

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <map>
#include <ostream>
#include <set>
#include <sstream>

#include "replay/trace_reader.h"
#include "replay/trace_schema.h"

namespace replay {

namespace fs = std::filesystem;

namespace {

bool is_trace_name(const std::string& name) {
  auto ends_with = [&](const char* suffix) {
    const std::string s(suffix);
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return ends_with(".jsonl") || ends_with(".jsonl.zst");
}

void warn_to(std::ostream& err, const std::string& msg) { err << msg << "\n"; }

}  // namespace

bool expand_trace_paths(const std::vector<std::string>& inputs, std::vector<std::string>* out, std::string* error) {
  for (const std::string& input : inputs) {
    std::error_code ec;
    const fs::file_status st = fs::status(input, ec);
    if (ec || !fs::exists(st)) {
      *error = input + ": no such file or directory";
      return false;
    }
    if (!fs::is_directory(st)) {
      out->push_back(input);
      continue;
    }
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(input, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec) && is_trace_name(it->path().filename().string())) {
        found.push_back(it->path().string());
      }
    }
    if (ec) {
      *error = input + ": cannot list directory: " + ec.message();
      return false;
    }
    if (found.empty()) {
      *error = input + ": no trace (*.jsonl, *.jsonl.zst) in this directory";
      return false;
    }
    std::sort(found.begin(), found.end());
    out->insert(out->end(), found.begin(), found.end());
  }
  return true;
}

int cmd_stats(const StatsOptions& opts, std::ostream& out, std::ostream& err) {
  ReaderOptions ropts;
  ropts.strict = opts.strict;
  ropts.on_warning = [&err](const std::string& m) { warn_to(err, m); };
  auto opened = TraceReader::open(opts.path, ropts);
  if (!opened.is_ok()) {
    err << opened.status().message() << "\n";
    return kExitBadInput;
  }
  TraceReader& reader = *opened.value();
  std::map<std::string, uint64_t> events_by_kind, actions_by_kind, timers, goodbyes;
  std::set<std::string> peers;
  uint64_t events = 0, expects = 0, actions = 0, lines = 1;
  int64_t first_t_ms = -1, last_t_ms = -1;
  Record rec;
  for (;;) {
    bool done = false;
    peers::Status s = reader.next(&rec, &done);
    if (!s.is_ok()) {
      err << s.message() << "\n";
      return kExitBadInput;
    }
    if (done) break;
    lines++;
    if (rec.type == RecordType::kEvent) {
      events++;
      events_by_kind[rec.kind]++;
      if (first_t_ms < 0) first_t_ms = rec.t_ms;
      last_t_ms = rec.t_ms;
      if (auto p = rec.json.find("peer"); p != rec.json.end()) peers.insert(p->get<std::string>());
      if (rec.kind == "timer") timers[rec.json["timer"].get<std::string>()]++;
    } else if (rec.type == RecordType::kExpect) {
      expects++;
      for (const auto& a : rec.json["actions"]) {
        actions++;
        const std::string kind = a["kind"].get<std::string>();
        actions_by_kind[kind]++;
        if (kind == "send_goodbye") goodbyes[a["reason"].get<std::string>()]++;
        if (auto p = a.find("peer"); p != a.end()) peers.insert(p->get<std::string>());
      }
    }
  }
  const nlohmann::json& h = reader.header().json;
  const uint64_t in_bytes = reader.bytes_read();
  const uint64_t text_bytes = reader.bytes_decompressed();
  const double span_s = events > 0 ? static_cast<double>(last_t_ms - first_t_ms) / 1000.0 : 0.0;
  if (opts.json) {
    nlohmann::json j = {{"path", opts.path},
                        {"scenario", h["scenario"]},
                        {"seed", h["seed"]},
                        {"producer", h["producer"]},
                        {"lines", lines},
                        {"events", events},
                        {"expects", expects},
                        {"actions", actions},
                        {"peers", peers.size()},
                        {"first_t_ms", first_t_ms},
                        {"last_t_ms", last_t_ms},
                        {"span_s", span_s},
                        {"file_bytes", in_bytes},
                        {"jsonl_bytes", text_bytes},
                        {"compressed", reader.compressed()},
                        {"events_by_kind", events_by_kind},
                        {"timers", timers},
                        {"actions_by_kind", actions_by_kind},
                        {"goodbye_reasons", goodbyes}};
    out << j.dump(2) << "\n";
    return kExitOk;
  }
  out << "trace       " << opts.path << "\n";
  out << "scenario    " << h["scenario"].get<std::string>() << " (seed " << h["seed"].get<std::string>() << ")\n";
  out << "producer    " << h["producer"].value("name", "?") << " " << h["producer"].value("version", "?") << ", mode "
      << h["producer"].value("mode", "?");
  if (auto p = h["producer"].find("packages"); p != h["producer"].end() && p->contains("@lodestar/beacon-node")) {
    out << ", @lodestar/beacon-node " << (*p)["@lodestar/beacon-node"].get<std::string>();
  }
  out << "\n";
  out << "records     " << lines << " lines: 1 header, " << events << " events, " << expects << " expects\n";
  out << "peers       " << peers.size() << "\n";
  out << "time        " << first_t_ms << " .. " << last_t_ms << " ms (" << std::fixed << std::setprecision(3) << span_s
      << " s)\n";
  out << "bytes       " << in_bytes << " on disk, " << text_bytes << " JSONL";
  if (reader.compressed() && in_bytes > 0) {
    out << ", zstd ratio " << std::setprecision(2) << static_cast<double>(text_bytes) / static_cast<double>(in_bytes)
        << "x";
  } else {
    out << ", uncompressed";
  }
  out << "\n";
  out << "events by kind\n";
  for (const auto& [k, n] : events_by_kind) out << "  " << std::left << std::setw(26) << k << n << "\n";
  if (!timers.empty()) {
    out << "timers\n";
    for (const auto& [k, n] : timers) out << "  " << std::left << std::setw(26) << k << n << "\n";
  }
  out << "actions by kind (" << actions << ")\n";
  for (const auto& [k, n] : actions_by_kind) out << "  " << std::left << std::setw(26) << k << n << "\n";
  if (!goodbyes.empty()) {
    out << "goodbye reasons\n";
    for (const auto& [k, n] : goodbyes) out << "  " << std::left << std::setw(26) << k << n << "\n";
  }
  return kExitOk;
}

int cmd_cat(const CatOptions& opts, std::ostream& out, std::ostream& err) {
  ReaderOptions ropts;
  ropts.strict = opts.strict;
  ropts.keep_raw = true;
  if (opts.no_check) {
    // zstd framing is still checked, but lines are not parsed: a trace the
    // reader rejects can be inspected.
    peers::Status s = copy_decompressed(opts.path, out);
    out.flush();
    if (!s.is_ok()) {
      err << s.message() << "\n";
      return kExitBadInput;
    }
    return kExitOk;
  }
  ropts.on_warning = [&err](const std::string& m) { warn_to(err, m); };
  auto opened = TraceReader::open(opts.path, ropts);
  if (!opened.is_ok()) {
    err << opened.status().message() << "\n";
    return kExitBadInput;
  }
  TraceReader& reader = *opened.value();
  out << reader.header().raw << "\n";
  Record rec;
  for (;;) {
    bool done = false;
    peers::Status s = reader.next(&rec, &done);
    if (!s.is_ok()) {
      out.flush();
      err << s.message() << "\n";
      return kExitBadInput;
    }
    if (done) break;
    out << rec.raw << "\n";
  }
  out.flush();
  return kExitOk;
}

}  // namespace replay
