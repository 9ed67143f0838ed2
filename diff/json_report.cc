// json_report: see json_report.h; the schema is docs/DIFF_FORMAT.md.
#include "diff/json_report.h"

#include "diff/report_format.h"

namespace replay {

using nlohmann::json;

std::string_view diff_item_type_name(DiffItemType type) {
  switch (type) {
    case DiffItemType::kActionAdded:
      return "action_added";
    case DiffItemType::kActionRemoved:
      return "action_removed";
    case DiffItemType::kActionChanged:
      return "action_changed";
    case DiffItemType::kActionMoved:
      return "action_moved";
    case DiffItemType::kScoreAdded:
      return "score_added";
    case DiffItemType::kScoreRemoved:
      return "score_removed";
    case DiffItemType::kScoreChanged:
      return "score_changed";
    case DiffItemType::kScoresOrder:
      return "scores_order";
    case DiffItemType::kScoresFull:
      return "scores_full";
    case DiffItemType::kScoreDeletionAdded:
      return "score_deletion_added";
    case DiffItemType::kScoreDeletionRemoved:
      return "score_deletion_removed";
    case DiffItemType::kExpectOnlyInA:
      return "expect_only_in_a";
    case DiffItemType::kExpectOnlyInB:
      return "expect_only_in_b";
  }
  return "?";
}

namespace {

json field_json(const FieldDiff& f) {
  json j = {{"path", f.path}};
  if (!f.a_missing) j["a"] = f.a;
  if (!f.b_missing) j["b"] = f.b;
  if (f.has_delta) j["delta"] = f.delta;
  if (f.has_ulp) j["ulp"] = f.ulp;
  return j;
}

json fields_json(const std::vector<FieldDiff>& fields) {
  json arr = json::array();
  for (const FieldDiff& f : fields) arr.push_back(field_json(f));
  return arr;
}

json reasons_json(const ReasonCounts& rc) {
  json changed = json::array();
  for (const auto& [k, n] : rc.changed) changed.push_back({{"a", k.first}, {"b", k.second}, {"count", n}});
  return {{"added", rc.added}, {"removed", rc.removed}, {"changed", changed}, {"other", rc.other}};
}

json counts_json(const KindCounts& c) {
  return {{"added", c.added}, {"removed", c.removed}, {"changed", c.changed}, {"moved", c.moved}};
}

json trace_json(const TraceSummary& t) {
  return {{"path", t.path},     {"scenario", t.scenario}, {"seed", t.seed},      {"producer", t.producer},
          {"events", t.events}, {"expects", t.expects},   {"actions", t.actions}};
}

json range_json(const SeqRange& r) { return {{"first", r.first}, {"last", r.last}}; }

json inputs_json(const DiffReport& r) {
  json inputs = {{"identical", r.inputs_identical()},
                 {"header", fields_json(r.header_diffs)},
                 {"header_omitted", r.header_diffs_omitted},
                 {"events_compared", r.events_compared},
                 {"events_differing", r.events_differing},
                 {"first_differing_event", nullptr},
                 {"last_differing_seq", r.events_differing ? json(r.last_event_diff_seq) : json(nullptr)},
                 {"only_in_a", nullptr},
                 {"only_in_b", nullptr},
                 {"late_expects", {{"a", r.late_expects_a}, {"b", r.late_expects_b}}}};
  if (r.has_first_event_diff) {
    const FirstEventDiff& f = r.first_event_diff;
    inputs["first_differing_event"] = {{"seq", f.seq},
                                       {"a_line", f.a_line},
                                       {"b_line", f.b_line},
                                       {"a_kind", f.a_kind},
                                       {"b_kind", f.b_kind},
                                       {"fields", fields_json(f.fields)},
                                       {"fields_omitted", f.fields_omitted}};
  }
  if (r.only_in_a_events) {
    inputs["only_in_a"] = {
        {"events", r.only_in_a_events}, {"seqs", range_json(r.only_in_a_seqs)}, {"actions", r.only_in_a_actions}};
  }
  if (r.only_in_b_events) {
    inputs["only_in_b"] = {
        {"events", r.only_in_b_events}, {"seqs", range_json(r.only_in_b_seqs)}, {"actions", r.only_in_b_actions}};
  }
  return inputs;
}

json summary_json(const DiffReport& r, size_t top) {
  json by_kind = json::object();
  for (const auto& [k, c] : r.actions_by_kind) by_kind[k] = counts_json(c);
  json deltas = json::array();
  for (size_t i = 0; i < r.largest_deltas.size() && i < top; i++) {
    const ScoreDelta& d = r.largest_deltas[i];
    deltas.push_back({{"seq", d.seq},
                      {"peer", d.peer},
                      {"field", d.field},
                      {"a", d.a},
                      {"b", d.b},
                      {"delta", d.delta},
                      {"ulp", d.ulp}});
  }
  json ranges = json::array();
  for (const SeqRange& range : r.divergent_ranges) {
    json jr = range_json(range);
    jr["agree_again_at"] = range.last < r.last_seq_compared ? json(range.last + 1) : json(nullptr);
    ranges.push_back(std::move(jr));
  }
  json summary = {{"actions", counts_json(r.actions)},
                  {"actions_by_kind", by_kind},
                  {"req_renumbered", r.req_renumbered},
                  {"goodbye_reasons", reasons_json(r.goodbye_reasons)},
                  {"prune_reasons", reasons_json(r.prune_reasons)},
                  {"scores",
                   {{"changed", r.scores_changed},
                    {"added", r.scores_added},
                    {"removed", r.scores_removed},
                    {"order", r.scores_order},
                    {"full_flag", r.scores_full},
                    {"deletions_added", r.score_deletions_added},
                    {"deletions_removed", r.score_deletions_removed},
                    {"members_changed", r.score_fields_changed}}},
                  {"metrics",
                   {{"compared", r.metrics_compared},
                    {"differing", r.metrics_differing},
                    {"first", r.first_metric_diff.has_value()
                                  ? json{{"seq", r.first_metric_diff->seq},
                                         {"series", r.first_metric_diff->series},
                                         {"a", r.first_metric_diff->a},
                                         {"b", r.first_metric_diff->b}}
                                  : json(nullptr)}}},
                  {"expects_only_in_a", r.expects_only_in_a},
                  {"expects_only_in_b", r.expects_only_in_b},
                  {"peers_affected", r.peers_affected},
                  {"peers_affected_saturated", r.peers_affected_saturated},
                  {"largest_score_deltas", deltas},
                  {"divergent_ranges", ranges},
                  {"divergent_ranges_total", r.divergent_ranges_total},
                  {"last_seq_compared", r.last_seq_compared}};
  return summary;
}

json items_json(const DiffReport& r) {
  json items = json::array();
  for (const DiffItem& it : r.items) {
    json j = {{"type", diff_item_type_name(it.type)},
              {"seq", it.seq},
              {"t_ms", it.t_ms},
              {"event_kind", it.event_kind},
              {"a_line", it.a_line ? json(it.a_line) : json(nullptr)},
              {"b_line", it.b_line ? json(it.b_line) : json(nullptr)}};
    if (!it.event_peer.empty()) j["event_peer"] = it.event_peer;
    if (!it.kind.empty()) j["kind"] = it.kind;
    if (!it.peer.empty()) j["peer"] = it.peer;
    if (it.a_index >= 0) j["a_index"] = it.a_index;
    if (it.b_index >= 0) j["b_index"] = it.b_index;
    if (!it.a.is_null()) j["a"] = it.a;
    if (!it.b.is_null()) j["b"] = it.b;
    if (!it.fields.empty()) j["fields"] = fields_json(it.fields);
    if (it.fields_omitted) j["fields_omitted"] = it.fields_omitted;
    items.push_back(std::move(j));
  }
  return items;
}

}  // namespace

json diff_report_json(const DiffReport& r, size_t top) {
  const json inputs = inputs_json(r);
  const json summary = summary_json(r, top);
  const json items = items_json(r);
  return {{"diff_format_version", kDiffFormatVersion},
          {"mode", "files"},
          {"a", trace_json(r.a)},
          {"b", trace_json(r.b)},
          {"result", result_text(r)},
          {"identical", r.identical()},
          {"producer_differences", fields_json(r.producer_diffs)},
          {"inputs", inputs},
          {"outputs",
           {{"identical", r.outputs_identical()},
            {"expects_compared", r.expects_compared},
            {"expects_differing", r.expects_differing},
            {"differences", r.differences}}},
          {"summary", summary},
          {"differences", items},
          {"differences_listed", r.items.size()},
          {"limit", r.limit}};
}

}  // namespace replay
