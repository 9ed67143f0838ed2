// text_report: see text_report.h.
#include "diff/text_report.h"

#include <ostream>
#include <string>

#include "diff/report_format.h"

namespace replay {

namespace {

void write_reasons(const char* title, const ReasonCounts& rc, const std::string& indent, std::ostream& out) {
  if (rc.empty()) return;
  out << indent << title << ":\n";
  for (const auto& [k, n] : rc.added) out << indent << "  added " << reason_text(k) << ": " << n << "\n";
  for (const auto& [k, n] : rc.removed) out << indent << "  removed " << reason_text(k) << ": " << n << "\n";
  for (const auto& [k, n] : rc.changed) {
    out << indent << "  changed " << reason_text(k.first) << " -> " << reason_text(k.second) << ": " << n << "\n";
  }
  if (rc.other) out << indent << "  other reasons: " << rc.other << "\n";
}

// The two traces and the comparison of their inputs.
void write_inputs(const DiffReport& r, const Colors& c, std::ostream& out) {
  out << "a: " << r.a.path << " (scenario " << r.a.scenario << ", seed " << r.a.seed << "; " << producer_text(r.a)
      << ")\n";
  out << "b: " << r.b.path << " (scenario " << r.b.scenario << ", seed " << r.b.seed << "; " << producer_text(r.b)
      << ")\n";
  for (const FieldDiff& f : r.producer_diffs) out << "producer " << field_text(f) << "\n";

  if (r.inputs_identical()) {
    out << "inputs: identical (" << r.events_compared << " events)\n";
  } else {
    out << c.bold("inputs: DIFFER") << "\n";
    for (const FieldDiff& f : r.header_diffs) out << "  header " << field_text(f) << "\n";
    if (r.header_diffs_omitted) out << "  header: " << r.header_diffs_omitted << " more differences\n";
    if (r.events_differing) {
      const FirstEventDiff& f = r.first_event_diff;
      out << "  " << r.events_differing << " of " << r.events_compared << " events differ, first at seq " << f.seq
          << " (a:" << f.a_line << " b:" << f.b_line << ", " << f.a_kind;
      if (f.b_kind != f.a_kind) out << " vs " << f.b_kind;
      out << ")";
      if (r.events_differing > 1) out << ", last at seq " << r.last_event_diff_seq;
      out << "\n";
      for (const FieldDiff& fd : f.fields) out << "    " << field_text(fd) << "\n";
      if (f.fields_omitted) out << "    ... " << f.fields_omitted << " more members differ\n";
    }
    if (r.only_in_a_events || r.only_in_b_events) {
      const bool a_longer = r.only_in_a_events > 0;
      out << "  a has " << r.a.events << " events, b has " << r.b.events << ": seqs "
          << range_text(a_longer ? r.only_in_a_seqs : r.only_in_b_seqs) << " only in " << (a_longer ? "a" : "b") << " ("
          << (a_longer ? r.only_in_a_actions : r.only_in_b_actions) << " actions not compared)\n";
    }
  }
}

// Late expects, the outputs' headline and the listed items grouped by seq.
void write_items(const DiffReport& r, const Colors& c, const TimeStyle& time, std::ostream& out) {
  if (r.late_expects_a || r.late_expects_b) {
    out << "warning: " << r.late_expects_a << " expects in a and " << r.late_expects_b << " in b came more than "
        << kMaxPendingEvents << " events after their event and were not compared\n";
  }
  if (r.metrics_differing > 0) {
    const DiffReport::MetricDiff& m = *r.first_metric_diff;
    out << c.bold("metrics: the registries differ after " + std::to_string(r.metrics_differing) + " of " +
                  std::to_string(r.metrics_compared) + " events")
        << "; first at seq " << m.seq << ": " << m.series << "\n  a: " << m.a << "\n  b: " << m.b << "\n";
  } else if (r.metrics_compared > 0) {
    out << "metrics: identical after " << r.metrics_compared << " events\n";
  }
  if (r.outputs_identical()) {
    out << "outputs: identical (" << r.expects_compared << " expects compared)\n";
  } else {
    out << c.bold("outputs: " + std::to_string(r.differences) + " differences in " +
                  std::to_string(r.expects_differing) + " of " + std::to_string(r.events_compared) + " events")
        << "\n";
  }

  uint64_t last_seq = 0;
  for (const DiffItem& it : r.items) {
    if (it.seq != last_seq) {
      out << "\n" << seq_head(it, time) << "\n";
      last_seq = it.seq;
    }
    const ItemText t = item_text(it);
    out << c.wrap(t.marker, std::string("  ") + t.marker + " " + t.line) << "\n";
    for (const FieldDiff& f : it.fields) out << "      " << field_text(f) << "\n";
    if (it.fields_omitted) out << "      ... " << it.fields_omitted << " more members differ\n";
  }
  if (r.differences > r.items.size()) {
    out << "... " << (r.differences - r.items.size()) << " more differences not listed (--limit " << r.limit << ")\n";
  }
}

void write_summary(const DiffReport& r, const Colors& c, std::ostream& out) {
  out << "\n" << c.bold("summary") << "\n";
  out << "  actions: " << r.actions.added << " added, " << r.actions.removed << " removed, " << r.actions.changed
      << " changed, " << r.actions.moved << " moved\n";
  for (const auto& [kind, kc] : r.actions_by_kind) out << "    " << kind << ": " << counts_text(kc) << "\n";
  if (r.req_renumbered) {
    out << "  req renumbered only: " << r.req_renumbered << " actions (not listed; --exact-req lists them)\n";
  }
  write_reasons("goodbye reasons", r.goodbye_reasons, "  ", out);
  write_reasons("prune reasons", r.prune_reasons, "  ", out);
  out << "  scores: " << r.scores_changed << " changed, " << r.scores_added << " added, " << r.scores_removed
      << " removed\n";
  if (!r.score_fields_changed.empty()) {
    out << "    members:";
    for (const auto& [k, n] : r.score_fields_changed) out << " " << k << " " << n;
    out << "\n";
  }
  if (r.scores_order) out << "    dump order differs: " << r.scores_order << " expects\n";
  if (r.scores_full) out << "    scores_full differs: " << r.scores_full << " expects\n";
  if (r.score_deletions_added || r.score_deletions_removed) {
    out << "    deletions: " << r.score_deletions_added << " only in b, " << r.score_deletions_removed
        << " only in a\n";
  }
  if (r.expects_only_in_a || r.expects_only_in_b) {
    out << "  expects only in a: " << r.expects_only_in_a << ", only in b: " << r.expects_only_in_b << "\n";
  }
  out << "  peers affected: " << (r.peers_affected_saturated ? "at least " : "") << r.peers_affected << "\n";
}

void write_largest_deltas(const DiffReport& r, size_t top, std::ostream& out) {
  if (r.largest_deltas.empty()) return;
  out << "  largest score deltas:\n";
  for (size_t i = 0; i < r.largest_deltas.size() && i < top; i++) {
    const ScoreDelta& d = r.largest_deltas[i];
    out << "    " << num_text(d.delta) << " " << d.peer << " seq " << d.seq << " " << d.field << ": "
        << num_text(d.a) << " -> " << num_text(d.b) << " (" << d.ulp << " ulp)\n";
  }
}

void write_divergent_ranges(const DiffReport& r, std::ostream& out) {
  if (r.divergent_ranges_total == 0) return;
  constexpr size_t kShown = 10;
  out << "  divergent seqs (" << r.divergent_ranges_total << (r.divergent_ranges_total == 1 ? " range" : " ranges")
      << "):\n";
  for (size_t i = 0; i < r.divergent_ranges.size() && i < kShown; i++) {
    const SeqRange& range = r.divergent_ranges[i];
    out << "    " << range_text(range);
    if (range.last < r.last_seq_compared) {
      out << ", agree again at " << range.last + 1 << "\n";
    } else {
      out << ", to the end\n";
    }
  }
  if (r.divergent_ranges_total > kShown) {
    out << "    ... " << (r.divergent_ranges_total - kShown) << " more (--format json lists the first " << kMaxRanges
        << ")\n";
  }
}

}  // namespace

void write_diff_text(const DiffReport& r, bool color, size_t top, const TimeStyle& time, std::ostream& out) {
  const Colors c{color};
  write_inputs(r, c, out);
  write_items(r, c, time, out);
  if (!r.identical()) {
    write_summary(r, c, out);
    write_largest_deltas(r, top, out);
    write_divergent_ranges(r, out);
  }
  out << "result: " << result_text(r) << "\n";
}

}  // namespace replay
