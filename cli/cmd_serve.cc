// `peer-replay serve`: the engine as an implementation under test, speaking
// the conformance protocol (docs/PROTOCOL.md) on stdin and stdout, so that
// `check --impl "peer-replay serve"` judges the engine through the same
// process boundary as any other implementation.
//
// Each event goes through the same checks as `check`'s replayer: the event
// conversion (replay/trace_event.h), the timer rules (a trace's timer must be
// one the engine has due at that t_ms, and no engine timer may be overdue)
// and the engine's own step; a refusal is answered with an error record. The
// answer is the engine's expect record (replay/expect_record.h).
//
// ServeOptions::fault makes it a deliberately faulty implementation for the
// harness's own tests (conformance/impl_check_test.sh); never set otherwise.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "peers/peer_manager.h"
#include "replay/expect_record.h"
#include "replay/impl_protocol.h"
#include "replay/trace_event.h"
#include "trace/json_tape.h"
#include "trace/trace_reader.h"

namespace replay {

namespace {

using nlohmann::json;

void answer(std::ostream& out, const std::string& line) {
  out << line << "\n";
  out.flush();
}

json error_record(std::optional<uint64_t> seq, const std::string& message) {
  json e{{"type", "error"}};
  if (seq.has_value()) e["seq"] = *seq;
  e["message"] = message;
  return e;
}

// The hello: the harness offers versions, we speak kImplProtocolVersion.
bool accept_hello(const std::string& line, const ServeOptions& opts, std::ostream& out, std::ostream& err) {
  const json h = json::parse(line, nullptr, false);
  bool offered = false;
  if (h.is_object() && h.value("type", std::string()) == "hello" && h.value("protocol", std::string()) == kImplProtocolName &&
      h.contains("versions") && h["versions"].is_array()) {
    for (const json& v : h["versions"]) offered = offered || (v.is_number_integer() && v.get<int64_t>() == kImplProtocolVersion);
  }
  if (!offered) {
    answer(out, error_record(std::nullopt, std::string("expected a hello offering ") + kImplProtocolName + " version " +
                                               std::to_string(kImplProtocolVersion) + ", got " + line.substr(0, 200))
                    .dump());
    err << "<stdin>:1: expected a " << kImplProtocolName << " hello offering version " << kImplProtocolVersion << "\n";
    return false;
  }
  const int version = opts.fault == "version" ? kImplProtocolVersion + 1 : kImplProtocolVersion;
  answer(out, json{{"type", "hello"},
                   {"protocol", kImplProtocolName},
                   {"protocol_version", version},
                   {"implementation", {{"name", "peer-replay engine"}, {"version", PEER_REPLAY_VERSION}}}}
                  .dump());
  return true;
}

// A line as a trace record, with the members the reader would have filled.
bool to_record(const std::string& line, uint64_t line_no, Record* rec, std::string* why) {
  if (!rec->tape.parse(line, why)) return false;
  const JsonRef root = rec->root();
  rec->line = line_no;
  rec->raw = line;
  if (root["type"] == "header") {
    rec->type = RecordType::kHeader;
  } else if (root["type"] == "event") {
    rec->type = RecordType::kEvent;
    if (!root["seq"].is_number_unsigned() || !root["t_ms"].is_number_integer() || !root["kind"].is_string()) {
      *why = "an event needs seq, t_ms and kind";
      return false;
    }
    rec->seq = root["seq"].as_uint64();
    rec->t_ms = root["t_ms"].as_int64();
    rec->kind = std::string(root["kind"].str());
  } else if (root["type"] == "end") {
    rec->type = RecordType::kEnd;
  } else {
    *why = "expected a header, event or end record";
    return false;
  }
  return true;
}

// check's timer rules; "" when the engine agrees, else why not.
std::string timer_disagreement(const peers::PeerManager& pm, const peers::Event& ev) {
  if (pm.initialized()) {
    if (std::optional<peers::TimerDue> overdue = pm.overdue_timer(ev.t_ms)) {
      return std::string("the engine has timer ") + peers::timer_kind_name(overdue->kind) + " due at t_ms " +
             std::to_string(overdue->due_ms) + ", but the trace fires no such timer before this event at t_ms " +
             std::to_string(ev.t_ms);
    }
  }
  if (ev.kind != peers::EventKind::kTimer) return "";
  for (const peers::TimerDue& t : pm.timers()) {
    if (t.kind != ev.timer) continue;
    if (ev.timer == peers::TimerKind::kGoodbyeTimeout && t.req != ev.req) continue;
    if (t.due_ms == ev.t_ms) return "";
  }
  return std::string("the trace fires timer ") + peers::timer_kind_name(ev.timer) + " at t_ms " +
         std::to_string(ev.t_ms) + ", which the engine has not due then";
}

// The test-only faults at the event they are armed for; true when the
// answer must not be written.
bool inject_fault(const ServeOptions& opts, uint64_t seq, std::ostream& out) {
  if (opts.fault.empty() || opts.fault == "version" || seq < opts.fault_at_seq) return false;
  if (opts.fault == "crash") std::abort();
  if (opts.fault == "hang") {
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  if (opts.fault == "garbage") {
    answer(out, "this is not an answer");
    return true;
  }
  if (opts.fault == "close") {
    out.flush();
    close(STDOUT_FILENO);
    std::string ignored;
    while (std::getline(std::cin, ignored)) {
    }
    std::exit(0);
  }
  return false;  // "goodbye": answered, then altered
}

// "goodbye": the engine's TOO_MANY_PEERS (129) goodbyes sent as 128, a
// deliberately wrong implementation the corpus must catch.
void break_goodbye(nlohmann::ordered_json* expect) {
  for (auto& a : (*expect)["actions"]) {
    if (a.value("kind", std::string()) == "send_goodbye" && a.value("reason", std::string()) == "129") a["reason"] = "128";
  }
}

}  // namespace

int cmd_serve(const ServeOptions& opts, std::ostream& out, std::ostream& err) {
  std::string line;
  if (!std::getline(std::cin, line)) return kExitOk;
  if (!accept_hello(line, opts, out, err)) return kExitBadInput;
  if (!std::getline(std::cin, line)) return kExitOk;
  Record header;
  std::string why;
  if (!to_record(line, 2, &header, &why) || header.type != RecordType::kHeader) {
    answer(out, error_record(std::nullopt, "<stdin>:2: expected the trace header: " + why).dump());
    return kExitBadInput;
  }
  auto setup = parse_header(header.root(), "<stdin>:2: ");
  if (!setup.is_ok()) {
    answer(out, error_record(std::nullopt, setup.status().message()).dump());
    return kExitBadInput;
  }
  answer(out, json{{"type", "ready"}}.dump());
  peers::PeerManager pm(setup.value().config, setup.value().local);
  peers::PeerIdTable ids;
  peers::PeerScoreStats previous;
  uint64_t line_no = 2;
  while (std::getline(std::cin, line)) {
    line_no++;
    Record rec;
    if (!to_record(line, line_no, &rec, &why)) {
      answer(out, error_record(std::nullopt, "<stdin>:" + std::to_string(line_no) + ": " + why).dump());
      return kExitBadInput;
    }
    if (rec.type == RecordType::kEnd) return kExitOk;
    if (rec.type != RecordType::kEvent) continue;
    if (inject_fault(opts, rec.seq, out)) continue;
    auto ev = parse_event(rec, "<stdin>:" + std::to_string(line_no) + ": ", &ids);
    if (!ev.is_ok()) {
      answer(out, error_record(rec.seq, ev.status().message()).dump());
      continue;
    }
    if (const std::string timers = timer_disagreement(pm, ev.value()); !timers.empty()) {
      answer(out, error_record(rec.seq, timers).dump());
      continue;
    }
    std::vector<peers::Action> actions;
    if (const peers::Status s = pm.step(ev.value(), &actions); !s.is_ok()) {
      answer(out, error_record(rec.seq, "the engine cannot accept this event: " + s.message()).dump());
      continue;
    }
    peers::PeerScoreStats dump = pm.dump_peer_score_stats();
    nlohmann::ordered_json expect = engine_expect_record(rec.root(), rec.seq, actions, previous, dump);
    previous = std::move(dump);
    if (opts.fault == "goodbye") break_goodbye(&expect);
    answer(out, expect.dump());
  }
  return kExitOk;
}

}  // namespace replay
