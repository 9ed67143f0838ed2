// diff_report: what `peer-replay diff` produces for one pair of traces, and
// its options and limits. Filled by the Differ (differ.h), printed by the
// writers (text_report.h, json_report.h, markdown_report.h); the JSON form is
// a stable, versioned schema (docs/DIFF_FORMAT.md). Member differences are
// trace/json_compare.h's FieldDiff, so a ULP distance means what it means in
// `peer-replay check`.
#ifndef PEER_REPLAY_DIFF_DIFF_REPORT_H_
#define PEER_REPLAY_DIFF_DIFF_REPORT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "trace/json_compare.h"

namespace replay {

// docs/DIFF_FORMAT.md: bumped on every incompatible change of the JSON output.
inline constexpr int kDiffFormatVersion = 1;

// Explicit limits on everything that grows with the traces (and
// kMaxEditDistance in edit_script.h).
inline constexpr size_t kMaxPendingEvents = 4096;      // events waiting for their expect, per side
inline constexpr size_t kMaxPendingBytes = 64u << 20;  // their raw lines, per side
inline constexpr size_t kMaxFieldDiffsPerItem = 16;    // member differences kept per difference
inline constexpr size_t kMaxRanges = 1000;             // divergent seq ranges kept (all are counted)
inline constexpr size_t kMaxPeersTracked = 100000;     // distinct affected peers counted exactly
inline constexpr size_t kMaxReasonKeys = 256;          // distinct goodbye/prune reasons kept
inline constexpr size_t kMaxHeaderDiffs = 16;          // header member differences kept

enum class DiffOutputFormat { kText, kJson, kMarkdown, kHtml };  // kHtml: report/html_report.h

struct DiffOptions {
  std::string a;  // trace file or directory ("before")
  std::string b;  // trace file or directory ("after")
  DiffOutputFormat format = DiffOutputFormat::kText;
  bool color = false;              // ANSI colours in text output (main decides: a terminal and not --no-color)
  bool inputs_must_match = false;  // differing inputs are an error (exit 2), not a difference
  bool exact_req = false;          // list req ids that differ only by renumbering as changes
  bool strict = false;             // reader: unknown members are errors
  // Read and parse each trace on its own thread (the same report). Off by
  // default: it costs more CPU time and gains no wall-clock time on a loaded
  // machine (docs/BENCHMARKS.md, "Trace diff").
  bool read_ahead = false;
  size_t limit = 50;  // detailed differences listed; the summary covers all
  size_t top = 10;    // largest score deltas listed
  bool raw_times = false;  // t_ms in the text reports instead of "+1m02.500s" from the first event
  bool quiet = false;      // no progress line (cli/progress.h)
  // Called every few thousand events with the bytes of both files read so far
  // and the events compared; not called with read_ahead (the readers are on
  // other threads). The command draws its progress line with it.
  std::function<void(uint64_t bytes_read, uint64_t events)> on_progress;
};


enum class DiffItemType {
  kActionAdded,           // action in b only
  kActionRemoved,         // action in a only
  kActionChanged,         // same kind+peer at aligned positions, members differ
  kActionMoved,           // same kind+peer at another position (maybe with member differences)
  kScoreAdded,            // score entry in b only
  kScoreRemoved,          // score entry in a only
  kScoreChanged,          // score entry of the same peer, members differ
  kScoresOrder,           // the common entries are in another order
  kScoresFull,            // scores_full differs
  kScoreDeletionAdded,    // peer in b's scores_removed only
  kScoreDeletionRemoved,  // peer in a's scores_removed only
  kExpectOnlyInA,         // the event has an expect in a, none in b
  kExpectOnlyInB,
};

struct DiffItem {
  DiffItemType type = DiffItemType::kActionAdded;
  uint64_t seq = 0;
  int64_t t_ms = 0;
  std::string event_kind;  // context: the event that caused it
  std::string event_peer;
  uint64_t a_line = 0;  // the expect's line in each trace (0: none)
  uint64_t b_line = 0;
  std::string kind;  // action kind ("" for score items)
  std::string peer;
  int64_t a_index = -1;  // position in a's actions / scores (-1: none)
  int64_t b_index = -1;
  nlohmann::json a, b;  // the action / score entry / expect summary on each side (null: none)
  std::vector<FieldDiff> fields;
  size_t fields_omitted = 0;
};

struct KindCounts {
  uint64_t added = 0, removed = 0, changed = 0, moved = 0;
  uint64_t total() const { return added + removed + changed + moved; }
};

// Reasons (send_goodbye.reason, or an action's optional prune_reason):
// added/removed counted by reason, changes by (a reason, b reason).
struct ReasonCounts {
  std::map<std::string, uint64_t> added, removed;
  std::map<std::pair<std::string, std::string>, uint64_t> changed;
  uint64_t other = 0;  // beyond kMaxReasonKeys distinct keys
  bool empty() const { return added.empty() && removed.empty() && changed.empty() && other == 0; }
};

struct ScoreDelta {
  double abs_delta = 0;
  double delta = 0;
  double a = 0, b = 0;
  uint64_t ulp = 0;
  uint64_t seq = 0;
  std::string peer;
  std::string field;  // score, lodestar or gossip: the member that moved most
};

struct SeqRange {
  uint64_t first = 0, last = 0;
};

struct TraceSummary {
  std::string path;
  std::string scenario, seed;
  nlohmann::json producer;
  uint64_t events = 0, expects = 0, actions = 0;
  int64_t first_t_ms = -1;  // the first event's: where "+0.000s" is (-1: no event)
};

struct FirstEventDiff {
  uint64_t seq = 0, a_line = 0, b_line = 0;
  std::string a_kind, b_kind;
  std::vector<FieldDiff> fields;
  size_t fields_omitted = 0;
};

// The result of one pair. Bounded: see the limits above.
struct DiffReport {
  TraceSummary a, b;
  size_t limit = 0;

  // Inputs.
  std::vector<FieldDiff> header_diffs;  // scenario, seed, config, local (inputs)
  size_t header_diffs_omitted = 0;
  std::vector<FieldDiff> producer_diffs;  // information only
  size_t producer_diffs_omitted = 0;
  uint64_t events_compared = 0;
  uint64_t events_differing = 0;
  bool has_first_event_diff = false;
  FirstEventDiff first_event_diff;
  uint64_t last_event_diff_seq = 0;
  uint64_t only_in_a_events = 0, only_in_b_events = 0;  // tail of the longer trace
  SeqRange only_in_a_seqs, only_in_b_seqs;
  uint64_t only_in_a_actions = 0, only_in_b_actions = 0;
  uint64_t late_expects_a = 0, late_expects_b = 0;  // expects beyond the window: not compared

  // Outputs.
  uint64_t expects_compared = 0;
  uint64_t expects_differing = 0;  // seqs with at least one difference
  uint64_t differences = 0;        // every difference item, listed or not
  std::vector<DiffItem> items;     // the first `limit`
  KindCounts actions;
  std::map<std::string, KindCounts> actions_by_kind;
  uint64_t req_renumbered = 0;
  ReasonCounts goodbye_reasons, prune_reasons;
  uint64_t scores_changed = 0, scores_added = 0, scores_removed = 0, scores_order = 0, scores_full = 0;
  uint64_t score_deletions_added = 0, score_deletions_removed = 0;
  uint64_t expects_only_in_a = 0, expects_only_in_b = 0;
  std::map<std::string, uint64_t> score_fields_changed;
  uint64_t peers_affected = 0;
  bool peers_affected_saturated = false;
  std::vector<ScoreDelta> largest_deltas;  // sorted, largest |delta| first
  std::vector<SeqRange> divergent_ranges;  // the first kMaxRanges
  uint64_t divergent_ranges_total = 0;
  uint64_t last_seq_compared = 0;

  // Metrics (FORMAT.md §8): each side's registry rebuilt from its records,
  // compared after every event both sides recorded one for.
  uint64_t metrics_compared = 0;   // events with a metrics record on both sides
  uint64_t metrics_differing = 0;  // of those, events whose registries differ
  struct MetricDiff {
    uint64_t seq = 0;
    std::string series;  // name{labels}
    std::string a, b;    // the series as each side holds it, or "(absent)"
  };
  std::optional<MetricDiff> first_metric_diff;

  bool inputs_identical() const {
    return header_diffs.empty() && events_differing == 0 && only_in_a_events == 0 && only_in_b_events == 0;
  }
  bool outputs_identical() const { return differences == 0 && metrics_differing == 0; }
  bool identical() const { return inputs_identical() && outputs_identical(); }
};

}  // namespace replay

#endif  // PEER_REPLAY_DIFF_DIFF_REPORT_H_
