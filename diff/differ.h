// Differ: the comparison of two traces' aligned units (trace_side.h), filling
// a DiffReport's bounded state: counters, the first `limit` items, a top-K
// heap of score deltas, divergent seq ranges, a capped set of affected peers.
// trace_diff.h describes what is compared and how; this class does it, one
// seq at a time, and keeps no record once it returns.
#ifndef PEER_REPLAY_DIFF_DIFFER_H_
#define PEER_REPLAY_DIFF_DIFFER_H_

#include <cstdint>
#include <map>
#include <queue>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "diff/diff_report.h"
#include "diff/edit_script.h"
#include "diff/trace_side.h"

namespace replay {

// "a ranks before b" in largest_deltas: larger |delta|, then earlier seq, then peer.
struct BetterDelta {
  bool operator()(const ScoreDelta& a, const ScoreDelta& b) const;
};

class Differ {
 public:
  Differ(const DiffOptions& opts, DiffReport* report) : opts_(opts), r_(report) { r_->limit = opts.limit; }

  // Header inputs (everything but the producer) and the producer (shown only).
  void compare_headers(const nlohmann::json& ha, const nlohmann::json& hb);
  // "header member X differs: ..." for the first header difference ("" if none).
  std::string header_mismatch_message() const;

  // Compares event `seq` and its expects. Returns false with *error when the
  // inputs differ and they must match.
  bool compare(const Unit& ua, const Unit& ub, std::string* error);
  // An event present in one trace only (the other ended earlier).
  bool tail(const Unit& u, bool in_a, std::string* error);
  // Closes the last range and sorts the largest deltas.
  void finish(uint64_t late_a, uint64_t late_b);

 private:
  struct Context {  // the event the current items belong to
    uint64_t seq = 0;
    int64_t t_ms = 0;
    std::string event_kind, event_peer;
    uint64_t a_line = 0, b_line = 0;
  };
  // One action list aligned with the other: the edit script and, per edit,
  // its partner (a delete paired with an insert) and whether the pair is a
  // substitution (same kind, another peer) rather than a move.
  struct Alignment {
    std::vector<Edit> edits;
    std::vector<int64_t> partner;
    std::vector<char> substituted;
  };

  bool compare_events(const Unit& ua, const Unit& ub, std::string* error);
  void compare_metrics(const Unit& ua, const Unit& ub);
  // One side's metrics registry: `name{labels}` -> the series' JSON text.
  using MetricsState = std::map<std::string, std::string>;
  static void apply_metrics(const Record& rec, MetricsState* state);
  MetricsState metrics_a_, metrics_b_;
  void compare_expects(const Unit& ua, const Unit& ub);
  void expect_on_one_side(const Unit& ua, const Unit& ub);

  DiffItem* add_item(DiffItemType type);
  // An item for two aligned members (one from each side) that differ.
  DiffItem* add_pair_item(DiffItemType type, const nlohmann::json& x, const nlohmann::json& y, size_t ia, size_t ib,
                          std::vector<FieldDiff> fields, size_t omitted);
  void note_peer(const std::string& peer);
  void note_reasons(const nlohmann::json* a, const nlohmann::json* b, bool changed);
  bool drop_renumbered_req(std::vector<FieldDiff>* fields, int64_t ria, int64_t rib) const;

  void compare_actions(const nlohmann::json& A, const nlohmann::json& B);
  Alignment align_actions(const nlohmann::json& A, const nlohmann::json& B) const;
  void report_action_pair(const nlohmann::json& x, const nlohmann::json& y, size_t ia, size_t ib, bool moved,
                          int64_t req_a, int64_t req_b);
  void report_action_single(const nlohmann::json& act, size_t index, bool added);

  void compare_scores(const nlohmann::json& ea, const nlohmann::json& eb);
  void compare_scores_full(const nlohmann::json& ea, const nlohmann::json& eb);
  void compare_score_entries(const nlohmann::json& sa, const nlohmann::json& sb);
  void report_score_change(const nlohmann::json& x, const nlohmann::json& y, size_t i, size_t j);
  void compare_score_deletions(const nlohmann::json& ea, const nlohmann::json& eb);
  void offer_delta(const std::vector<FieldDiff>& fields, const std::string& peer);

  void note_seq(uint64_t seq, bool differs);
  void close_run();

  const DiffOptions& opts_;
  DiffReport* r_;
  Context ctx_;
  int64_t reqs_a_ = 0, reqs_b_ = 0;  // req-carrying actions so far, per side
  std::unordered_set<std::string> peers_;
  std::priority_queue<ScoreDelta, std::vector<ScoreDelta>, BetterDelta> heap_;  // top = the weakest kept
  bool run_open_ = false;
  SeqRange run_;
};

}  // namespace replay

#endif  // PEER_REPLAY_DIFF_DIFFER_H_
