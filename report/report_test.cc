// Tests of the report library: the downsampler's bounds and what it keeps,
// the data extracted from a corpus trace against the trace read directly, the
// page's self-containment, the Chrome trace export's required fields, and bad
// input. The page in a real browser: report/browser_test.mjs.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "report/chrome_trace.h"
#include "report/downsample.h"
#include "report/html_report.h"
#include "report/report_data.h"
#include "trace/trace_reader.h"

namespace {

using nlohmann::json;
using report::Downsampler;

const std::string kSmall = std::string(PEER_REPLAY_SOURCE_DIR) + "/traces/generated-small.jsonl.zst";
const std::string kBadJson = std::string(PEER_REPLAY_SOURCE_DIR) + "/conformance/bad/bad_json_mid_file.jsonl";

}  // namespace

TEST_CASE("downsampler: exact while under the budget", "[downsample]") {
  Downsampler ds(2, 16, Downsampler::Mode::kMinMax);
  for (int i = 0; i < 10; i++) {
    const double v[2] = {static_cast<double>(i), static_cast<double>(-i)};
    ds.add(i * 100, v);
  }
  std::vector<int64_t> x;
  std::vector<std::vector<double>> ys;
  ds.output(&x, &ys);
  CHECK(ds.exact());
  REQUIRE(x.size() == 10);
  for (size_t i = 0; i < 10; i++) {
    CHECK(x[i] == static_cast<int64_t>(i) * 100);
    CHECK(ys[0][i] == static_cast<double>(i));
    CHECK(ys[1][i] == -static_cast<double>(i));
  }
}

TEST_CASE("downsampler: bounded output keeps every extreme and stays ordered", "[downsample]") {
  const size_t buckets = 64;
  Downsampler ds(1, buckets, Downsampler::Mode::kMinMax);
  double lo = 1e300, hi = -1e300;
  uint64_t state = 12345;
  for (int64_t t = 0; t < 1'000'000; t += 7) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    double v = static_cast<double>(state >> 40) / 1e5;
    if (t == 500'003) v = -1e6;  // one spike must survive
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    ds.add(t, &v);
  }
  std::vector<int64_t> x;
  std::vector<std::vector<double>> ys;
  ds.output(&x, &ys);
  CHECK_FALSE(ds.exact());
  CHECK(x.size() <= 2 * buckets);
  CHECK(x.size() >= buckets / 2);
  CHECK(std::is_sorted(x.begin(), x.end()));
  CHECK(*std::min_element(ys[0].begin(), ys[0].end()) == lo);
  CHECK(*std::max_element(ys[0].begin(), ys[0].end()) == hi);
  CHECK(lo == -1e6);
}

TEST_CASE("downsampler: mean mode gives one point per bucket, the bucket's mean", "[downsample]") {
  Downsampler ds(1, 8, Downsampler::Mode::kMean);
  for (int64_t t = 0; t < 1000; t++) {
    const double v = static_cast<double>(t % 2);  // 0, 1, 0, 1: every bucket averages 0.5
    ds.add(t, &v);
  }
  std::vector<int64_t> x;
  std::vector<std::vector<double>> ys;
  ds.output(&x, &ys);
  REQUIRE(x.size() <= 8);
  for (size_t i = 0; i + 1 < x.size(); i++) CHECK(ys[0][i] == Approx(0.5).margin(0.01));
}

TEST_CASE("report data: counts agree with the trace read directly", "[report]") {
  json d;
  const peers::Status s = report::extract_report_data(kSmall, {}, &d);
  REQUIRE(s.is_ok());
  // An independent count through the reader.
  auto opened = replay::TraceReader::open(kSmall);
  REQUIRE(opened.is_ok());
  std::map<std::string, uint64_t> events, actions;
  uint64_t n_events = 0, n_actions = 0;
  std::set<std::string> connected;  // peers with an open connection at the end
  std::map<std::string, std::multiset<std::string>> conns;
  replay::Record rec;
  for (bool done = false;;) {
    REQUIRE(opened.value()->next(&rec, &done).is_ok());
    if (done) break;
    const json j = rec.to_json();
    if (rec.type == replay::RecordType::kEvent) {
      n_events++;
      events[rec.kind]++;
      if (rec.kind == "connection_open") conns[j["peer"]].insert(j["conn"].get<std::string>());
      if (rec.kind == "connection_close" && conns.count(j["peer"])) {
        auto& set = conns[j["peer"]];
        if (auto it = set.find(j["conn"].get<std::string>()); it != set.end()) set.erase(it);
        if (set.empty()) conns.erase(j["peer"].get<std::string>());
      }
    } else if (rec.type == replay::RecordType::kExpect) {
      for (const json& a : j["actions"]) n_actions++, actions[a["kind"]]++;
    }
  }
  CHECK(d["counts"]["events"] == n_events);
  CHECK(d["counts"]["actions"] == n_actions);
  CHECK(d["counts"]["events_by_kind"] == json(events));
  CHECK(d["counts"]["actions_by_kind"] == json(actions));
  // The connected-peers series ends at the number of peers still connected.
  const json& c = d["connected"];
  REQUIRE(!c["x"].empty());
  const double last = c["y"]["inbound"].back().get<double>() + c["y"]["outbound"].back().get<double>();
  CHECK(last == static_cast<double>(conns.size()));
  // Lodestar's thresholds, from score/constants.ts.
  CHECK(d["thresholds"][0]["value"] == -20);
  CHECK(d["thresholds"][1]["value"] == -50);
  // The worst peers first, each series' minimum its "min".
  const json& listed = d["scores"]["peers"];
  REQUIRE(!listed.empty());
  CHECK(listed.size() <= report::kPeersListed);
  for (size_t i = 0; i < listed.size(); i++) {
    const auto& y = listed[i]["y"]["score"];
    double lo = 0;
    for (const json& v : y) lo = std::min(lo, v.get<double>());
    CHECK(lo == listed[i]["min"].get<double>());
    if (i > 0) CHECK(listed[i - 1]["min"].get<double>() <= listed[i]["min"].get<double>());
  }
}

TEST_CASE("report data: a marked seq carries its time, event, expect and peers", "[report]") {
  report::ExtractOptions ex;
  ex.mark_seqs = {400};
  json d;
  REQUIRE(report::extract_report_data(kSmall, ex, &d).is_ok());
  REQUIRE(d["marks"].size() == 1);
  CHECK(d["marks"][0]["seq"] == 400);
  CHECK(d["mark_event"]["seq"] == 400);
  CHECK(d["mark_expect"]["seq"] == 400);
  if (d["mark_event"].contains("peer")) {
    const auto& inv = d["involved_peers"];
    CHECK(std::find(inv.begin(), inv.end(), d["mark_event"]["peer"]) != inv.end());
  }
}

TEST_CASE("report page: self-contained, the data escaped, uPlot inlined", "[report]") {
  report::TraceReportOptions o;
  o.path = kSmall;
  const report::TraceReportResult r = report::trace_report_html(o);
  REQUIRE(r.code == 0);
  CHECK_FALSE(r.diverged);  // a corpus trace conforms
  CHECK(r.html.find("Content-Security-Policy") != std::string::npos);
  CHECK(r.html.find("default-src 'none'") != std::string::npos);
  CHECK(r.html.find("<script src") == std::string::npos);
  CHECK(r.html.find("<link") == std::string::npos);
  CHECK(r.html.find("@@") == std::string::npos);  // every marker filled
  CHECK(r.html.find("uPlot") != std::string::npos);
  // Three <script> elements: data, uPlot, the page's; so "</script" three times.
  size_t n = 0;
  for (size_t at = r.html.find("</script"); at != std::string::npos; at = r.html.find("</script", at + 1)) n++;
  CHECK(n == 3);
  // A peer id with "</script>" in it cannot end the data element.
  const std::string page = report::render_html({{"x", "</script><script>alert(1)</script>"}});
  CHECK(page.find("alert(1)</script>") == std::string::npos);
}

TEST_CASE("chrome trace: every event has the Trace Event Format's required fields", "[chrome-trace]") {
  std::ostringstream out;
  report::ExportStats stats;
  REQUIRE(report::export_chrome_trace(kSmall, false, out, &stats).is_ok());
  const json doc = json::parse(out.str());
  const json& events = doc["traceEvents"];
  REQUIRE(events.size() == stats.trace_events);
  std::map<std::string, int> open;  // async spans by cat/id
  std::set<int> named_threads;
  size_t counters = 0, instants = 0, spans = 0;
  for (const json& e : events) {
    REQUIRE(e["name"].is_string());
    REQUIRE(e["ph"].is_string());
    REQUIRE(e["pid"].is_number_integer());
    REQUIRE(e["tid"].is_number_integer());
    const std::string ph = e["ph"];
    if (ph == "M") {
      if (e["name"] == "thread_name") named_threads.insert(e["tid"].get<int>());
      continue;
    }
    REQUIRE(e["ts"].is_number());
    REQUIRE(e["ts"].get<double>() >= 0);
    CHECK(named_threads.count(e["tid"].get<int>()) == 1);  // its track is named before use
    if (ph == "b" || ph == "e") {
      REQUIRE(e["cat"].is_string());
      REQUIRE(e["id"].is_string());
      const std::string key = e["cat"].get<std::string>() + "/" + e["id"].get<std::string>();
      if (ph == "b") {
        CHECK(open[key]++ == 0);
        spans++;
      } else {
        CHECK(open[key]-- == 1);
      }
    } else if (ph == "i") {
      CHECK((e["s"] == "t" || e["s"] == "p" || e["s"] == "g"));
      instants++;
    } else if (ph == "C") {
      REQUIRE(e["args"].is_object());
      for (const auto& [k, v] : e["args"].items()) CHECK(v.is_number());
      counters++;
    } else {
      FAIL("unexpected phase " << ph);
    }
  }
  for (const auto& [key, n] : open) CHECK(n == 0);  // every span closed
  CHECK(instants == stats.events);
  CHECK(spans > 0);
  CHECK(counters > 0);
}

TEST_CASE("bad input: the reader's file:line error, nothing rendered", "[report]") {
  report::TraceReportOptions o;
  o.path = kBadJson;
  o.replay = false;
  const report::TraceReportResult r = report::trace_report_html(o);
  CHECK(r.code == 2);
  CHECK(r.html.empty());
  CHECK(r.error.rfind(kBadJson + ":3: ", 0) == 0);
  std::ostringstream out;
  report::ExportStats stats;
  const peers::Status s = report::export_chrome_trace(kBadJson, false, out, &stats);
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message().rfind(kBadJson + ":3: ", 0) == 0);
}
