// The replay driver: feeds a trace's events to the engine and compares every
// expect record with what the engine did, through the one JSON comparer
// (trace/json_compare.h, shared with `peer-replay diff`):
//
//   - actions must match exactly: order, kind, peer, every member;
//   - scores must match bit for bit (doubles compared by their bits, so -0 and
//     0 differ); ReplayOptions::ulp relaxes that to N ULP (ulp_distance,
//     traces/FORMAT.md §4) and is 0 (off) by default;
//   - the engine's score delta is derived from its full dump after each event
//     exactly as FORMAT.md §2.3 defines the recorder's: entries added or
//     changed, in dump order, and the peers whose entry was removed; the full
//     dump where the expect has scores_full;
//   - every `timer` event must be one the engine has due at that t_ms, and no
//     engine timer may be skipped (due before an event's t_ms, never fired).
//
// The first divergence stops the replay and produces a report: trace path,
// line, seq, the event's raw line, the K events before it, expected vs actual
// member by member (only the differing ones, values cut at ~500 chars, with
// the ULP distance of differing doubles), the
// score history of the peers involved, and one command that reproduces it.
// Memory is bounded: the reader streams, and the comparer keeps only the last
// K events, the engine's pending results and a few score entries per peer.
#ifndef PEER_REPLAY_REPLAY_REPLAYER_H_
#define PEER_REPLAY_REPLAY_REPLAYER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "peers/status.h"

namespace replay {

// Test only (shadow mode's PEER_REPLAY_SHADOW_PERTURB): a bug in what comes
// back from the engine, the engine itself untouched. kAction drops the n-th
// action of the run (counted from 1 over every expect compared or answered),
// kScore adds 1 to the n-th score entry. Never set by `peer-replay check`.
struct Perturbation {
  enum class What { kNone, kAction, kScore };
  What what = What::kNone;
  uint64_t n = 0;
};

struct ReplayOptions {
  size_t context = 5;                  // events shown before the divergent one
  std::optional<uint64_t> stop_at_seq; // stop after this event (and its expect)
  uint64_t ulp = 0;                    // score tolerance in ulps; 0 = bit-exact
  bool strict = false;                 // reader: unknown members are errors
  bool emit_repro = false;             // write the trace prefix up to the divergence
  std::string repro_path;              // where; default "<trace name>.repro-seq<N>.jsonl" in the cwd
  bool check_determinism = false;      // a second engine steps the same events; digests compared
  bool read_ahead = false;             // read and parse on a second thread (trace/read_ahead.h)
  bool time_stages = false;            // fill ReplayResult::stages (a clock read per stage per record)
  size_t score_history = 5;            // score entries kept per peer for the report
  std::string program = "peer-replay"; // the command name in the reproduce line
  bool raw_times = false;              // t_ms in the report instead of "+1m02.500s" from the first event
  // A trace recorded from another @lodestar/beacon-node than the engine ports
  // is bad input (replay/lodestar_version.h) unless this is set; then it is
  // replayed and its verdict line says both versions.
  bool any_lodestar_version = false;
  bool events_only = false;            // LineReplayer: fed events alone, to answer() each (as `serve`)
  // Called every few thousand records with the bytes of the file read and the
  // events replayed so far (check's progress line); may be empty.
  std::function<void(uint64_t file_bytes_read, uint64_t events)> on_progress;
  Perturbation perturb;                // test only, see Perturbation
};

// kTruncated: the trace was cut (FORMAT.md §2.4: no end record, or the file
// ends inside a zstd frame, as a killed recorder leaves it) and everything up
// to its last complete record conforms.
enum class Verdict { kConforms, kDiverges, kBadInput, kTruncated };
const char* verdict_name(Verdict verdict);  // "conforms" | "diverges" | "bad input" | "truncated"

// Coverage counters: what the trace exercised.
struct Coverage {
  std::map<std::string, uint64_t> event_kinds;        // "request:ping", "timer:heartbeat", "init", ...
  std::map<std::string, uint64_t> action_kinds;       // engine actions, by kind
  std::map<std::string, uint64_t> goodbye_reasons;    // send_goodbye reason codes sent
  std::map<std::string, uint64_t> prune_reasons;      // prioritizePeers peersToDisconnect reasons (peers)
  std::map<std::string, uint64_t> score_transitions;  // "Healthy->Banned", ... (scoreToState before/after an event)
  std::map<std::string, uint64_t> metric_series;      // `name{labels}` of every series the engine's scrapes held
};

// Wall time per stage of one replay, with ReplayOptions::time_stages (the
// per-stage split in docs/BENCHMARKS.md). read_s is the reader's next():
// decompression, JSON parse and schema checks together.
struct ReplayStageTimes {
  double read_s = 0;        // TraceReader::next
  double convert_s = 0;     // record -> engine event (parse_event)
  double invariants_s = 0;  // timers due / none overdue
  double step_s = 0;        // PeerManager::step
  double record_s = 0;      // coverage counters and the engine's score delta
  double compare_s = 0;     // expect vs what the engine did
  double twin_s = 0;        // the determinism engine's step
};

struct ReplayResult {
  Verdict verdict = Verdict::kConforms;
  std::string message;  // one line: why not conforming, or a summary
  std::string report;   // the full first-divergence report (empty when conforming)
  uint64_t events = 0;   // events replayed
  uint64_t expects = 0;  // expect records compared
  uint64_t actions_compared = 0;
  uint64_t scores_compared = 0;
  uint64_t metrics_compared = 0;  // metric series compared (FORMAT.md §8)
  std::optional<uint64_t> divergence_line;
  std::optional<uint64_t> divergence_seq;
  uint64_t state_digest = 0;                  // the engine's digest after the last event
  std::optional<uint64_t> second_digest;      // with check_determinism
  std::string repro_path;                     // with emit_repro, when written
  Coverage coverage;
  ReplayStageTimes stages;
};

ReplayResult replay_trace(const std::string& path, const ReplayOptions& options = {});

// One divergence in a line's worth of words (shadow mode logs one line per
// divergence): the first differing member and both sides as JSON text.
struct LineDivergence {
  uint64_t seq = 0;
  std::string member;    // "actions[0].reason", "scores[2].score", "metric <series>", "event"
  std::string expected;  // JSON text, or "(none)"
  std::string actual;
  std::string headline;  // what `check` says of it
  std::string event;     // the event's kind, "timer <timer>" for a timer
};

namespace replayer_detail {
class Replayer;  // replayer.cc
}  // namespace replayer_detail

// The replayer fed one record line at a time, in trace order (shadow mode:
// the lines of a capture as the capture hook writes them). Each line is
// checked as the trace reader checks a file's (TraceReader::open_lines), the
// engine steps each event, and each expect (and metrics record) is compared
// by the same code as replay_trace's. Unlike replay_trace it goes on after a
// divergence in an expect or metrics record, and it reports a divergence
// when the record that closes its event arrives: the expect, or with the
// header's "metrics" the metrics record (so a repro cut there holds it). An
// event the engine cannot take (refused, or out of order) is a divergence on
// member "event", and nothing after it is compared (stopped()).
class LineReplayer {
 public:
  static peers::Result<std::unique_ptr<LineReplayer>> create(std::string_view header_line, ReplayOptions options);
  ~LineReplayer();
  LineReplayer(const LineReplayer&) = delete;
  LineReplayer& operator=(const LineReplayer&) = delete;

  // The next line of the trace. *divergence is set when the record closes an
  // event that diverged. An error status: the line is not a record of this
  // trace (bad JSON, an expect out of order ...); nothing is compared after.
  peers::Status feed(std::string_view line, std::optional<LineDivergence>* divergence);
  // The engine's expect record for the last event fed, as `peer-replay serve`
  // answers it (the perturbation applied as feed() applies it), JSON text.
  // Empty when that event was refused or already answered.
  std::string answer();

  bool stopped() const;             // an event was refused: nothing after it is compared
  const std::string& why_stopped() const;
  uint64_t expects_compared() const;

 private:
  explicit LineReplayer(std::unique_ptr<replayer_detail::Replayer> impl);
  std::unique_ptr<replayer_detail::Replayer> impl_;
};

// Formats a coverage summary (one line per counter family).
std::string format_coverage(const Coverage& coverage);

}  // namespace replay

#endif  // PEER_REPLAY_REPLAY_REPLAYER_H_
