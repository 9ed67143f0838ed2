// Differ: see differ.h (what it keeps) and trace_diff.h (what it compares).
#include "diff/differ.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <deque>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "diff/report_format.h"

namespace replay {

using nlohmann::json;

namespace {

CompareOptions capped(size_t cap, bool ulp_members = false) {
  CompareOptions o;
  o.cap = cap;
  o.ulp_members = ulp_members;
  return o;
}

size_t count_reqs(JsonRef actions) {
  size_t n = 0;
  for (const JsonRef a : actions) n += a.contains("req") ? 1 : 0;
  return n;
}

void count_reason(std::map<std::string, uint64_t>* m, const std::string& reason, uint64_t* other) {
  auto it = m->find(reason);
  if (it != m->end()) {
    it->second++;
  } else if (m->size() < kMaxReasonKeys) {
    (*m)[reason] = 1;
  } else {
    ++*other;
  }
}

void count_reason_change(ReasonCounts* counts, const std::string& ra, const std::string& rb) {
  auto key = std::make_pair(ra, rb);
  auto it = counts->changed.find(key);
  if (it != counts->changed.end()) {
    it->second++;
  } else if (counts->changed.size() < kMaxReasonKeys) {
    counts->changed[key] = 1;
  } else {
    counts->other++;
  }
}

}  // namespace

bool BetterDelta::operator()(const ScoreDelta& a, const ScoreDelta& b) const {
  if (a.abs_delta != b.abs_delta) return a.abs_delta > b.abs_delta;
  if (a.seq != b.seq) return a.seq < b.seq;
  if (a.peer != b.peer) return a.peer < b.peer;
  return a.field < b.field;
}

void Differ::compare_headers(const json& ha, const json& hb) {
  json ia = ha, ib = hb;
  for (json* j : {&ia, &ib}) {
    j->erase("producer");
    j->erase("type");
  }
  json_field_diffs(ia, ib, "", capped(kMaxHeaderDiffs), &r_->header_diffs, &r_->header_diffs_omitted);
  json_field_diffs(ha.value("producer", json::object()), hb.value("producer", json::object()), "",
                   capped(kMaxHeaderDiffs), &r_->producer_diffs, &r_->producer_diffs_omitted);
}

std::string Differ::header_mismatch_message() const {
  if (r_->header_diffs.empty()) return "";
  const FieldDiff& f = r_->header_diffs.front();
  return "header member " + f.path + " differs: " + (f.a_missing ? "(absent)" : f.a.dump()) + " in " + r_->a.path +
         ", " + (f.b_missing ? "(absent)" : f.b.dump()) + " in " + r_->b.path;
}

bool Differ::compare(const Unit& ua, const Unit& ub, std::string* error) {
  assert(ua.event.seq == ub.event.seq);
  const uint64_t seq = ua.event.seq;
  r_->events_compared++;
  r_->last_seq_compared = seq;
  if (!compare_events(ua, ub, error)) return false;

  ctx_ = Context{};
  ctx_.seq = seq;
  ctx_.t_ms = ua.event.t_ms;
  ctx_.event_kind = ua.event.kind;
  ctx_.event_peer = member_text(ua.event.root(), "peer");
  ctx_.a_line = ua.has_expect ? ua.expect.line : 0;
  ctx_.b_line = ub.has_expect ? ub.expect.line : 0;
  const uint64_t before = r_->differences;
  if (ua.has_expect && ub.has_expect) {
    compare_expects(ua, ub);
  } else if (ua.has_expect || ub.has_expect) {
    expect_on_one_side(ua, ub);
  }
  note_seq(seq, r_->differences > before);
  compare_metrics(ua, ub);
  return true;
}

void Differ::apply_metrics(const Record& rec, MetricsState* state) {
  const JsonRef j = rec.root();
  if (j["full"].as_bool()) state->clear();
  for (const JsonRef s : j["series"]) {
    (*state)[std::string(s["name"].str()) + s["labels"].dump()] = s.dump();
  }
  for (const JsonRef s : j["removed"]) state->erase(std::string(s["name"].str()) + s["labels"].dump());
}

// Metrics: the two registries after this event, when both sides recorded one.
void Differ::compare_metrics(const Unit& ua, const Unit& ub) {
  if (ua.has_metrics) apply_metrics(ua.metrics, &metrics_a_);
  if (ub.has_metrics) apply_metrics(ub.metrics, &metrics_b_);
  if (!ua.has_metrics || !ub.has_metrics) return;
  r_->metrics_compared++;
  if (metrics_a_ == metrics_b_) return;
  r_->metrics_differing++;
  if (r_->first_metric_diff.has_value()) return;
  auto ia = metrics_a_.begin();
  auto ib = metrics_b_.begin();
  DiffReport::MetricDiff d;
  d.seq = ua.event.seq;
  while (ia != metrics_a_.end() || ib != metrics_b_.end()) {
    if (ib == metrics_b_.end() || (ia != metrics_a_.end() && ia->first < ib->first)) {
      d.series = ia->first, d.a = ia->second, d.b = "(absent)";
      break;
    }
    if (ia == metrics_a_.end() || ib->first < ia->first) {
      d.series = ib->first, d.a = "(absent)", d.b = ib->second;
      break;
    }
    if (ia->second != ib->second) {
      d.series = ia->first, d.a = ia->second, d.b = ib->second;
      break;
    }
    ++ia, ++ib;
  }
  r_->first_metric_diff = std::move(d);
}

// The inputs: the two event records as parsed values.
bool Differ::compare_events(const Unit& ua, const Unit& ub, std::string* error) {
  if (ua.event.raw == ub.event.raw) return true;
  const uint64_t seq = ua.event.seq;
  json sa, sb;
  const json& ja = exact_json(ua.event, &sa);
  const json& jb = exact_json(ub.event, &sb);
  if (json_equal_exact(ja, jb)) return true;
  r_->events_differing++;
  r_->last_event_diff_seq = seq;
  if (!r_->has_first_event_diff) {
    r_->has_first_event_diff = true;
    FirstEventDiff& f = r_->first_event_diff;
    f.seq = seq;
    f.a_line = ua.event.line;
    f.b_line = ub.event.line;
    f.a_kind = ua.event.kind;
    f.b_kind = ub.event.kind;
    json_field_diffs(ja, jb, "", capped(kMaxFieldDiffsPerItem), &f.fields, &f.fields_omitted);
  }
  if (!opts_.inputs_must_match) return true;
  const FieldDiff& f = r_->first_event_diff.fields.front();
  *error = "inputs differ at seq " + std::to_string(seq) + " (" + r_->a.path + ":" + std::to_string(ua.event.line) +
           ", " + r_->b.path + ":" + std::to_string(ub.event.line) + "): event member " +
           (f.path.empty() ? "value" : f.path) + " " + (f.a_missing ? "(absent)" : f.a.dump()) + " vs " +
           (f.b_missing ? "(absent)" : f.b.dump()) + "; --inputs-must-match requires the same events";
  return false;
}

// The outputs of one event on both sides.
void Differ::compare_expects(const Unit& ua, const Unit& ub) {
  r_->expects_compared++;
  if (ua.expect.raw == ub.expect.raw) {
    reqs_a_ += count_reqs(ua.expect.root()["actions"]);
    reqs_b_ += count_reqs(ub.expect.root()["actions"]);
    return;
  }
  json sa, sb;
  const json& ea = exact_json(ua.expect, &sa);
  const json& eb = exact_json(ub.expect, &sb);
  compare_actions(ea["actions"], eb["actions"]);
  compare_scores(ea, eb);
}

void Differ::expect_on_one_side(const Unit& ua, const Unit& ub) {
  const bool in_a = ua.has_expect;
  const JsonRef e = in_a ? ua.expect.root() : ub.expect.root();
  (in_a ? reqs_a_ : reqs_b_) += count_reqs(e["actions"]);
  (in_a ? r_->expects_only_in_a : r_->expects_only_in_b)++;
  DiffItem* item = add_item(in_a ? DiffItemType::kExpectOnlyInA : DiffItemType::kExpectOnlyInB);
  if (item != nullptr) {
    json summary = {{"actions", e["actions"].size()}, {"scores", e.contains("scores") ? e["scores"].size() : 0}};
    (in_a ? item->a : item->b) = std::move(summary);
  }
}

bool Differ::tail(const Unit& u, bool in_a, std::string* error) {
  const uint64_t seq = u.event.seq;
  uint64_t& events = in_a ? r_->only_in_a_events : r_->only_in_b_events;
  SeqRange& range = in_a ? r_->only_in_a_seqs : r_->only_in_b_seqs;
  if (events == 0) range.first = seq;
  range.last = seq;
  events++;
  if (u.has_expect) (in_a ? r_->only_in_a_actions : r_->only_in_b_actions) += u.expect.root()["actions"].size();
  if (opts_.inputs_must_match) {
    *error = std::string("inputs differ: ") + (in_a ? r_->b.path : r_->a.path) + " ends after " +
             std::to_string(seq - 1) + " events, " + (in_a ? r_->a.path : r_->b.path) + " goes on (seq " +
             std::to_string(seq) + " at line " + std::to_string(u.event.line) +
             "); --inputs-must-match requires the same events";
    return false;
  }
  return true;
}

void Differ::finish(uint64_t late_a, uint64_t late_b) {
  close_run();
  r_->late_expects_a = late_a;
  r_->late_expects_b = late_b;
  r_->peers_affected = peers_.size();
  r_->largest_deltas.clear();
  while (!heap_.empty()) {
    r_->largest_deltas.push_back(heap_.top());
    heap_.pop();
  }
  std::sort(r_->largest_deltas.begin(), r_->largest_deltas.end(), BetterDelta());
}

// Counts one difference; returns the item to fill when it is within --limit.
DiffItem* Differ::add_item(DiffItemType type) {
  r_->differences++;
  if (r_->items.size() >= opts_.limit) return nullptr;
  DiffItem& item = r_->items.emplace_back();
  item.type = type;
  item.seq = ctx_.seq;
  item.t_ms = ctx_.t_ms;
  item.event_kind = ctx_.event_kind;
  item.event_peer = ctx_.event_peer;
  item.a_line = ctx_.a_line;
  item.b_line = ctx_.b_line;
  return &item;
}

DiffItem* Differ::add_pair_item(DiffItemType type, const json& x, const json& y, size_t ia, size_t ib,
                                std::vector<FieldDiff> fields, size_t omitted) {
  DiffItem* item = add_item(type);
  if (item == nullptr) return nullptr;
  item->a_index = static_cast<int64_t>(ia);
  item->b_index = static_cast<int64_t>(ib);
  item->a = x;
  item->b = y;
  item->fields = std::move(fields);
  item->fields_omitted = omitted;
  return item;
}

void Differ::note_peer(const std::string& peer) {
  if (peer.empty()) return;
  if (peers_.size() < kMaxPeersTracked) {
    peers_.insert(peer);
  } else if (!peers_.count(peer)) {
    r_->peers_affected_saturated = true;
  }
}

// Goodbye reasons (send_goodbye's `reason`) and prune reasons (any action's
// `prune_reason`) of a changed pair (a and b) or of an action on one side.
void Differ::note_reasons(const json* a, const json* b, bool changed) {
  struct Which {
    const char* member;
    ReasonCounts* counts;
    bool goodbye_only;
  };
  for (const Which& w :
       {Which{"reason", &r_->goodbye_reasons, true}, Which{"prune_reason", &r_->prune_reasons, false}}) {
    auto reason = [&](const json* act) -> std::string {
      if (act == nullptr || !act->contains(w.member)) return "";
      if (w.goodbye_only && (*act)["kind"] != "send_goodbye") return "";
      return member_text(*act, w.member);
    };
    const std::string ra = reason(a), rb = reason(b);
    if (changed) {
      if (ra != rb && !(ra.empty() && rb.empty())) count_reason_change(w.counts, ra, rb);
    } else if (a != nullptr && !ra.empty()) {
      count_reason(&w.counts->removed, ra, &w.counts->other);
    } else if (b != nullptr && !rb.empty()) {
      count_reason(&w.counts->added, rb, &w.counts->other);
    }
  }
}

// Removes a `req` difference that only reflects renumbering (b's id minus
// a's equals the shift in how many req-carrying actions came before).
bool Differ::drop_renumbered_req(std::vector<FieldDiff>* fields, int64_t ria, int64_t rib) const {
  if (opts_.exact_req) return false;
  for (auto it = fields->begin(); it != fields->end(); ++it) {
    if (it->path != "req" || it->a_missing || it->b_missing) continue;
    if (!it->a.is_number_integer() || !it->b.is_number_integer()) return false;
    const int64_t ra = it->a.get<int64_t>(), rb = it->b.get<int64_t>();
    if (rb - ra != rib - ria) return false;
    fields->erase(it);
    return true;
  }
  return false;
}

void Differ::compare_actions(const json& A, const json& B) {
  // Each action's count of req-carrying actions before it, per side.
  std::vector<int64_t> ria(A.size()), rib(B.size());
  for (size_t i = 0; i < A.size(); i++) {
    ria[i] = reqs_a_;
    reqs_a_ += A[i].contains("req") ? 1 : 0;
  }
  for (size_t j = 0; j < B.size(); j++) {
    rib[j] = reqs_b_;
    reqs_b_ += B[j].contains("req") ? 1 : 0;
  }
  const Alignment al = align_actions(A, B);
  for (size_t e = 0; e < al.edits.size(); e++) {
    const Edit& ed = al.edits[e];
    if (ed.op == EditOp::kInsert && al.partner[e] >= 0) continue;  // reported with its delete
    const bool paired = ed.op == EditOp::kDelete && al.partner[e] >= 0;
    if (ed.op == EditOp::kKeep || paired) {
      const size_t ib = paired ? al.edits[static_cast<size_t>(al.partner[e])].ib : ed.ib;
      report_action_pair(A[ed.ia], B[ib], ed.ia, ib, paired && !al.substituted[e], ria[ed.ia], rib[ib]);
    } else if (ed.op == EditOp::kInsert) {
      report_action_single(B[ed.ib], ed.ib, true);
    } else {
      report_action_single(A[ed.ia], ed.ia, false);
    }
  }
}

Differ::Alignment Differ::align_actions(const json& A, const json& B) const {
  std::unordered_map<std::string, uint32_t> ids;
  auto key_of = [&ids](const json& act) {
    std::string k = member_text(act, "kind");
    k.push_back('\0');
    k += member_text(act, "peer");
    return ids.emplace(std::move(k), static_cast<uint32_t>(ids.size())).first->second;
  };
  std::vector<uint32_t> ka(A.size()), kb(B.size());
  for (size_t i = 0; i < A.size(); i++) ka[i] = key_of(A[i]);
  for (size_t j = 0; j < B.size(); j++) kb[j] = key_of(B[j]);
  Alignment al;
  al.edits = align_keys(ka, kb);
  const std::vector<Edit>& edits = al.edits;
  al.partner.assign(edits.size(), -1);
  al.substituted.assign(edits.size(), 0);

  // A removed and an added action with the same key are one move.
  std::unordered_map<uint32_t, std::deque<size_t>> inserts;
  for (size_t e = 0; e < edits.size(); e++) {
    if (edits[e].op == EditOp::kInsert) inserts[kb[edits[e].ib]].push_back(e);
  }
  for (size_t e = 0; e < edits.size(); e++) {
    if (edits[e].op != EditOp::kDelete) continue;
    auto it = inserts.find(ka[edits[e].ia]);
    if (it == inserts.end() || it->second.empty()) continue;
    al.partner[e] = static_cast<int64_t>(it->second.front());
    al.partner[it->second.front()] = static_cast<int64_t>(e);
    it->second.pop_front();
  }
  // Within one hunk (a run of edits between two kept actions), a removed and
  // an added action of the same kind are one action whose peer (and maybe
  // more) changed: "send_ping to X became send_ping to Y".
  for (size_t lo = 0; lo < edits.size();) {
    if (edits[lo].op == EditOp::kKeep) {
      lo++;
      continue;
    }
    size_t hi = lo;
    while (hi < edits.size() && edits[hi].op != EditOp::kKeep) hi++;
    for (size_t e = lo; e < hi; e++) {
      if (edits[e].op != EditOp::kDelete || al.partner[e] >= 0) continue;
      const json& kind = A[edits[e].ia]["kind"];
      for (size_t f = lo; f < hi; f++) {
        if (edits[f].op != EditOp::kInsert || al.partner[f] >= 0 || B[edits[f].ib]["kind"] != kind) continue;
        al.partner[e] = static_cast<int64_t>(f);
        al.partner[f] = static_cast<int64_t>(e);
        al.substituted[e] = 1;
        break;
      }
    }
    lo = hi;
  }
  return al;
}

// Two aligned actions (kept, moved or substituted): their member differences.
void Differ::report_action_pair(const json& x, const json& y, size_t ia, size_t ib, bool moved, int64_t req_a,
                                int64_t req_b) {
  std::vector<FieldDiff> fields;
  size_t omitted = 0;
  if (!json_equal_exact(x, y)) json_field_diffs(x, y, "", capped(kMaxFieldDiffsPerItem), &fields, &omitted);
  const bool renumbered = drop_renumbered_req(&fields, req_a, req_b);
  if (!moved && fields.empty() && omitted == 0) {
    if (renumbered) r_->req_renumbered++;
    return;
  }
  const std::string kind = member_text(x, "kind");
  KindCounts& kc = r_->actions_by_kind[kind];
  (moved ? kc.moved : kc.changed)++;
  (moved ? r_->actions.moved : r_->actions.changed)++;
  note_peer(member_text(x, "peer"));
  note_peer(member_text(y, "peer"));
  note_reasons(&x, &y, true);
  DiffItem* item = add_pair_item(moved ? DiffItemType::kActionMoved : DiffItemType::kActionChanged, x, y, ia, ib,
                                 std::move(fields), omitted);
  if (item == nullptr) return;
  item->kind = kind;
  item->peer = member_text(x, "peer");
}

// An action in b only (added) or in a only.
void Differ::report_action_single(const json& act, size_t index, bool added) {
  const std::string kind = member_text(act, "kind");
  KindCounts& kc = r_->actions_by_kind[kind];
  (added ? kc.added : kc.removed)++;
  (added ? r_->actions.added : r_->actions.removed)++;
  note_peer(member_text(act, "peer"));
  note_reasons(added ? nullptr : &act, added ? &act : nullptr, false);
  DiffItem* item = add_item(added ? DiffItemType::kActionAdded : DiffItemType::kActionRemoved);
  if (item == nullptr) return;
  item->kind = kind;
  item->peer = member_text(act, "peer");
  (added ? item->b_index : item->a_index) = static_cast<int64_t>(index);
  (added ? item->b : item->a) = act;
}

void Differ::offer_delta(const std::vector<FieldDiff>& fields, const std::string& peer) {
  if (opts_.top == 0) return;
  const FieldDiff* best = nullptr;
  for (const char* name : {"score", "lodestar", "gossip"}) {
    for (const FieldDiff& f : fields) {
      if (f.path == name && f.has_delta && (best == nullptr || std::fabs(f.delta) > std::fabs(best->delta))) best = &f;
    }
  }
  if (best == nullptr) return;
  ScoreDelta d;
  d.abs_delta = std::fabs(best->delta);
  d.delta = best->delta;
  d.a = best->a.get<double>();
  d.b = best->b.get<double>();
  d.ulp = best->ulp;
  d.seq = ctx_.seq;
  d.peer = peer;
  d.field = best->path;
  if (heap_.size() < opts_.top) {
    heap_.push(std::move(d));
  } else if (BetterDelta()(d, heap_.top())) {
    heap_.pop();
    heap_.push(std::move(d));
  }
}

void Differ::compare_scores(const json& ea, const json& eb) {
  static const json kEmpty = json::array();
  compare_scores_full(ea, eb);
  const json& sa = ea.contains("scores") ? ea["scores"] : kEmpty;
  const json& sb = eb.contains("scores") ? eb["scores"] : kEmpty;
  if (!json_equal_exact(sa, sb)) compare_score_entries(sa, sb);
  compare_score_deletions(ea, eb);
}

void Differ::compare_scores_full(const json& ea, const json& eb) {
  const bool full_a = ea.value("scores_full", false), full_b = eb.value("scores_full", false);
  if (full_a == full_b) return;
  r_->scores_full++;
  DiffItem* item = add_item(DiffItemType::kScoresFull);
  if (item == nullptr) return;
  FieldDiff f;
  f.path = "scores_full";
  f.a = full_a;
  f.b = full_b;
  item->fields.push_back(std::move(f));
}

// Score entries matched by peer: removed, changed, added, and the first place
// where the common entries' dump order (insertion order in TS) differs.
void Differ::compare_score_entries(const json& sa, const json& sb) {
  std::unordered_map<std::string_view, size_t> in_b;
  for (size_t j = 0; j < sb.size(); j++) in_b.emplace(sb[j]["peer"].get_ref<const std::string&>(), j);
  std::vector<char> matched(sb.size(), 0);
  std::vector<size_t> b_order_of_common;  // b positions of common peers, in a's order
  std::vector<size_t> a_of_common;        // their a positions
  for (size_t i = 0; i < sa.size(); i++) {
    const std::string& peer = sa[i]["peer"].get_ref<const std::string&>();
    auto it = in_b.find(peer);
    if (it == in_b.end() || matched[it->second]) {
      r_->scores_removed++;
      note_peer(peer);
      if (DiffItem* item = add_item(DiffItemType::kScoreRemoved)) {
        item->peer = peer;
        item->a_index = static_cast<int64_t>(i);
        item->a = sa[i];
      }
      continue;
    }
    const size_t j = it->second;
    matched[j] = 1;
    b_order_of_common.push_back(j);
    a_of_common.push_back(i);
    if (!json_equal_exact(sa[i], sb[j])) report_score_change(sa[i], sb[j], i, j);
  }
  for (size_t j = 0; j < sb.size(); j++) {
    if (matched[j]) continue;
    const std::string& peer = sb[j]["peer"].get_ref<const std::string&>();
    r_->scores_added++;
    note_peer(peer);
    if (DiffItem* item = add_item(DiffItemType::kScoreAdded)) {
      item->peer = peer;
      item->b_index = static_cast<int64_t>(j);
      item->b = sb[j];
    }
  }
  for (size_t k = 1; k < b_order_of_common.size(); k++) {
    if (b_order_of_common[k] > b_order_of_common[k - 1]) continue;
    r_->scores_order++;
    if (DiffItem* item = add_item(DiffItemType::kScoresOrder)) {
      item->peer = sb[b_order_of_common[k]]["peer"].get<std::string>();
      item->a_index = static_cast<int64_t>(a_of_common[k]);
      item->b_index = static_cast<int64_t>(b_order_of_common[k]);
    }
    break;
  }
}

void Differ::report_score_change(const json& x, const json& y, size_t i, size_t j) {
  const std::string& peer = x["peer"].get_ref<const std::string&>();
  std::vector<FieldDiff> fields;
  size_t omitted = 0;
  json_field_diffs(x, y, "", capped(kMaxFieldDiffsPerItem, /*ulp_members=*/true), &fields, &omitted);
  for (FieldDiff& f : fields) {  // ULP distances only for the doubles of FORMAT.md §3.4
    if (f.path != "lodestar" && f.path != "gossip" && f.path != "score") f.has_ulp = f.has_ulp && f.a.is_number_float();
    auto c = r_->score_fields_changed.find(f.path);
    if (c != r_->score_fields_changed.end()) {
      c->second++;
    } else if (r_->score_fields_changed.size() < kMaxReasonKeys) {
      r_->score_fields_changed[f.path] = 1;
    }
  }
  r_->scores_changed++;
  note_peer(peer);
  offer_delta(fields, peer);
  DiffItem* item = add_pair_item(DiffItemType::kScoreChanged, x, y, i, j, std::move(fields), omitted);
  if (item != nullptr) item->peer = peer;
}

// scores_removed: the peers whose entry was deleted.
void Differ::compare_score_deletions(const json& ea, const json& eb) {
  static const json kNone = json::array();
  const json& da = ea.contains("scores_removed") ? ea["scores_removed"] : kNone;
  const json& db = eb.contains("scores_removed") ? eb["scores_removed"] : kNone;
  if (json_equal_exact(da, db)) return;
  std::set<std::string> set_a, set_b;
  for (const json& p : da) set_a.insert(p.get<std::string>());
  for (const json& p : db) set_b.insert(p.get<std::string>());
  for (const json& p : da) {
    if (set_b.count(p.get<std::string>())) continue;
    r_->score_deletions_removed++;
    note_peer(p.get<std::string>());
    if (DiffItem* item = add_item(DiffItemType::kScoreDeletionRemoved)) item->peer = p.get<std::string>();
  }
  for (const json& p : db) {
    if (set_a.count(p.get<std::string>())) continue;
    r_->score_deletions_added++;
    note_peer(p.get<std::string>());
    if (DiffItem* item = add_item(DiffItemType::kScoreDeletionAdded)) item->peer = p.get<std::string>();
  }
}

void Differ::note_seq(uint64_t seq, bool differs) {
  if (!differs) {
    close_run();
    return;
  }
  r_->expects_differing++;
  if (run_open_ && seq == run_.last + 1) {
    run_.last = seq;
    return;
  }
  close_run();
  run_open_ = true;
  run_ = SeqRange{seq, seq};
}

void Differ::close_run() {
  if (!run_open_) return;
  run_open_ = false;
  r_->divergent_ranges_total++;
  if (r_->divergent_ranges.size() < kMaxRanges) r_->divergent_ranges.push_back(run_);
}

}  // namespace replay
