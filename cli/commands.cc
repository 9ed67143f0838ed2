#include "cli/commands.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <filesystem>
#include <iomanip>
#include <map>
#include <ostream>
#include <set>
#include <sstream>

#include "engine/utils/prioritize_peers.h"
#include "trace/atomic_file.h"
#include "replay/replayer.h"
#include "trace/trace_reader.h"
#include "trace/trace_schema.h"

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
  const nlohmann::json h = reader.header().to_json();
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
  // `packages` is not type-checked by the schema: look before get<> throws.
  if (auto p = h["producer"].find("packages");
      p != h["producer"].end() && p->contains("@lodestar/beacon-node") && (*p)["@lodestar/beacon-node"].is_string()) {
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

// ---------------------------------------------------------------------------
// check: replay and compare (the conformance gate runs this over traces/).


namespace replay {

namespace {

struct KnownFailure {
  std::string reason;
  bool seen = false;
};

// Parses "<trace file name> <reason...>" lines; '#' starts a comment. Every
// entry must give a reason: a known failure nobody can explain is a failure.
bool load_known_failures(const std::string& path, std::map<std::string, KnownFailure>* out, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = path + ": cannot open known-failures file";
    return false;
  }
  std::string line;
  for (uint64_t n = 1; std::getline(in, line); n++) {
    if (const size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    const size_t a = line.find_first_not_of(" \t\r");
    if (a == std::string::npos) continue;
    const size_t b = line.find_first_of(" \t", a);
    const std::string name = line.substr(a, b == std::string::npos ? std::string::npos : b - a);
    const size_t r = b == std::string::npos ? std::string::npos : line.find_first_not_of(" \t\r", b);
    if (r == std::string::npos) {
      *error = path + ":" + std::to_string(n) + ": expected \"<trace file name> <reason>\": \"" + name +
               "\" has no reason";
      return false;
    }
    (*out)[name] = KnownFailure{line.substr(r), false};
  }
  return true;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not one.
size_t utf8_sequence_length(const std::string& s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; k++) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

std::string xml_escape(const std::string& raw) {
  // Error messages may quote bytes of a trace that are not UTF-8; the XML
  // must stay well-formed, so such bytes become '?'.
  std::string s;
  s.reserve(raw.size());
  for (size_t i = 0; i < raw.size();) {
    const size_t n = utf8_sequence_length(raw, i);
    if (n == 0) {
      s += '?';
      i++;
    } else {
      s.append(raw, i, n);
      i += n;
    }
  }
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default:
        // XML 1.0 forbids most control characters even escaped.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
          o += '?';
        } else {
          o += c;
        }
    }
  }
  return o;
}

struct TraceOutcome {
  std::string path;
  std::string name;
  std::string status;  // PASS FAIL ERROR KNOWN-FAIL FIXED
  std::string message;
  std::string report;
  double seconds = 0;
};

void merge(std::map<std::string, uint64_t>* into, const std::map<std::string, uint64_t>& from) {
  for (const auto& [k, v] : from) (*into)[k] += v;
}

}  // namespace

std::vector<std::string> required_coverage() {
  std::vector<std::string> items;
  for (std::string_view k : event_kinds()) {
    if (k == "request") {
      // The methods PeerManager.onRequest handles, plus one it only counts.
      for (const char* m : {"ping", "status", "goodbye", "metadata"}) items.push_back("event:request:" + std::string(m));
    } else if (k == "response") {
      items.push_back("event:response:ok");
      items.push_back("event:response:error");
    } else if (k == "timer") {
      for (std::string_view t : timer_kinds()) items.push_back("event:timer:" + std::string(t));
    } else {
      items.push_back("event:" + std::string(k));
    }
  }
  for (std::string_view k : action_kinds()) items.push_back("action:" + std::string(k));
  // The goodbye codes peerManager.ts sends: CLIENT_SHUTDOWN (goodbyeAndDisconnectAllPeers),
  // IRRELEVANT_NETWORK (onStatus, non-secp256k1 keys), TOO_MANY_PEERS (pruning),
  // SCORE_TOO_LOW and BANNED (heartbeat).
  for (const char* r : {"1", "2", "129", "250", "251"}) items.push_back("goodbye:" + std::string(r));
  for (auto reason : {peers::ExcessPeerDisconnectReason::LOW_SCORE, peers::ExcessPeerDisconnectReason::NO_LONG_LIVED_SUBNET,
                      peers::ExcessPeerDisconnectReason::TOO_GROUPED_SUBNET,
                      peers::ExcessPeerDisconnectReason::FIND_BETTER_PEERS}) {
    items.push_back("prune:" + std::string(peers::excess_peer_disconnect_reason_value(reason)));
  }
  for (const char* t : {"Healthy->Disconnected", "Healthy->Banned", "Disconnected->Banned", "Banned->Disconnected",
                        "Disconnected->Healthy"}) {
    items.push_back("score:" + std::string(t));
  }
  return items;
}

int cmd_check(const CheckOptions& opts, std::ostream& out, std::ostream& err) {
  std::vector<std::string> paths;
  std::string error;
  if (!expand_trace_paths(opts.inputs, &paths, &error)) {
    err << error << "\n";
    return kExitBadInput;
  }
  std::map<std::string, KnownFailure> known;
  if (!opts.known_failures.empty() && !load_known_failures(opts.known_failures, &known, &error)) {
    err << error << "\n";
    return kExitBadInput;
  }
  if (!opts.emit_repro.empty() && paths.size() != 1) {
    err << "--emit-repro needs exactly one trace (got " << paths.size() << ")\n";
    return kExitBadInput;
  }

  Coverage total;
  std::vector<TraceOutcome> outcomes;
  int passed = 0, failed = 0, bad = 0, known_failed = 0;
  for (const std::string& path : paths) {
    ReplayOptions ro;
    ro.context = opts.context;
    ro.stop_at_seq = opts.stop_at_seq;
    ro.ulp = opts.ulp;
    ro.strict = opts.strict;
    ro.check_determinism = opts.determinism;
    if (!opts.emit_repro.empty()) {
      ro.emit_repro = true;
      ro.repro_path = opts.emit_repro;
    }
    const auto t0 = std::chrono::steady_clock::now();
    ReplayResult r = replay_trace(path, ro);
    TraceOutcome o;
    o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    o.path = path;
    o.name = fs::path(path).filename().string();
    o.message = r.message;
    // The verdict line names the trace already.
    if (o.message.rfind(path + ": ", 0) == 0) o.message.erase(0, path.size() + 2);
    o.report = r.report;
    auto kf = known.find(o.name);
    if (r.verdict == Verdict::kBadInput) {
      o.status = "ERROR";
      bad++;
    } else if (r.verdict == Verdict::kDiverges) {
      if (kf != known.end()) {
        kf->second.seen = true;
        o.status = "KNOWN-FAIL";
        o.message = kf->second.reason + " (" + r.message + ")";
        known_failed++;
      } else {
        o.status = "FAIL";
        failed++;
      }
    } else if (opts.determinism && r.second_digest.has_value() && *r.second_digest != r.state_digest) {
      o.status = "FAIL";
      o.message = "not deterministic: two replays ended with different state digests";
      failed++;
    } else if (kf != known.end()) {
      kf->second.seen = true;
      o.status = "FIXED";
      o.message = "conforms but is listed in " + opts.known_failures + ": remove the entry";
      failed++;
    } else {
      o.status = "PASS";
      passed++;
    }
    if (r.verdict != Verdict::kBadInput) {
      merge(&total.event_kinds, r.coverage.event_kinds);
      merge(&total.action_kinds, r.coverage.action_kinds);
      merge(&total.goodbye_reasons, r.coverage.goodbye_reasons);
      merge(&total.prune_reasons, r.coverage.prune_reasons);
      merge(&total.score_transitions, r.coverage.score_transitions);
    }
    if (o.status == "ERROR") {
      err << r.message << "\n";  // unstripped: a lone error line must name its file
    } else if (o.status != "PASS" || !opts.quiet) {
      out << std::left << std::setw(11) << o.status << o.path << ": " << o.message << "\n";
    }
    if (!o.report.empty() && o.status == "FAIL") out << o.report << "\n";
    if (!r.repro_path.empty()) out << "repro trace written to " << r.repro_path << "\n";
    out.flush();
    outcomes.push_back(std::move(o));
  }

  int coverage_missing = 0;
  if (opts.require_coverage) {
    std::set<std::string> seen;
    for (const auto& [k, v] : total.event_kinds) seen.insert("event:" + k);
    for (const auto& [k, v] : total.action_kinds) seen.insert("action:" + k);
    for (const auto& [k, v] : total.goodbye_reasons) seen.insert("goodbye:" + k);
    for (const auto& [k, v] : total.prune_reasons) seen.insert("prune:" + k);
    for (const auto& [k, v] : total.score_transitions) seen.insert("score:" + k);
    for (const std::string& item : required_coverage()) {
      if (!seen.count(item)) {
        out << "COVERAGE   " << item << " occurs in no trace\n";
        coverage_missing++;
      }
    }
    out << "coverage: " << required_coverage().size() - static_cast<size_t>(coverage_missing) << " of "
        << required_coverage().size() << " declared kinds, reasons and transitions exercised\n";
  }
  for (const auto& [name, kf] : known) {
    if (!kf.seen) out << "NOTE       known-failures entry \"" << name << "\" matches no trace checked\n";
  }

  if (!opts.junit.empty()) {
    std::ostringstream x;
    x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"peer-replay check\" tests=\""
      << outcomes.size() << "\" failures=\"" << failed << "\" errors=\"" << bad << "\" skipped=\"" << known_failed
      << "\">\n";
    for (const TraceOutcome& o : outcomes) {
      x << "  <testcase classname=\"conformance\" name=\"" << xml_escape(o.name) << "\" file=\"" << xml_escape(o.path)
        << "\" time=\"" << o.seconds << "\">";
      if (o.status == "FAIL" || o.status == "FIXED") {
        x << "<failure message=\"" << xml_escape(o.message) << "\">" << xml_escape(o.report) << "</failure>";
      } else if (o.status == "ERROR") {
        x << "<error message=\"" << xml_escape(o.message) << "\"/>";
      } else if (o.status == "KNOWN-FAIL") {
        x << "<skipped message=\"known failure: " << xml_escape(o.message) << "\"/>";
      }
      x << "</testcase>\n";
    }
    x << "</testsuite>\n";
    // AtomicFile: an interrupted run leaves the old report or the new one.
    peers::Status written = write_file_atomically(opts.junit, x.str());
    if (!written.is_ok()) {
      err << opts.junit << ": " << written.message() << "\n";
      return kExitBadInput;
    }
  }

  // The closing line CI reads: "N passed, N failed" alone on its line.
  out << "check: " << passed << " passed, " << failed + bad << " failed\n";
  if (known_failed > 0) out << "known failures (conformance/known_failures.txt): " << known_failed << "\n";
  if (bad > 0) {
    out << "bad input: " << bad << " trace(s) could not be read (exit 2)\n";
    return kExitBadInput;
  }
  if (failed > 0 || coverage_missing > 0) return kExitDiverges;
  return kExitOk;
}

}  // namespace replay
