// markdown_report: see markdown_report.h.
#include "diff/markdown_report.h"

#include <algorithm>
#include <ostream>

#include "diff/report_format.h"

namespace replay {

namespace {

std::string code(const std::string& s) { return "`" + s + "`"; }

// The traces' table and the inputs' line.
void write_inputs(const DiffReport& r, std::ostream& out) {
  out << "### peer-replay diff: " << result_text(r) << "\n\n";
  out << "| | a | b |\n|---|---|---|\n";
  out << "| trace | " << code(r.a.path) << " | " << code(r.b.path) << " |\n";
  out << "| producer | " << producer_text(r.a) << " | " << producer_text(r.b) << " |\n";
  out << "| events / expects / actions | " << r.a.events << " / " << r.a.expects << " / " << r.a.actions << " | "
      << r.b.events << " / " << r.b.expects << " / " << r.b.actions << " |\n\n";
  if (r.inputs_identical()) {
    out << "**Inputs:** identical (" << r.events_compared << " events)\n\n";
  } else {
    out << "**Inputs differ:**";
    if (!r.header_diffs.empty()) out << " header " << code(field_text(r.header_diffs.front())) << ";";
    if (r.events_differing) {
      out << " " << r.events_differing << " of " << r.events_compared << " events, first at seq "
          << r.first_event_diff.seq;
      if (!r.first_event_diff.fields.empty()) out << " (" << code(field_text(r.first_event_diff.fields.front())) << ")";
      out << ";";
    }
    if (r.only_in_a_events) out << " seqs " << range_text(r.only_in_a_seqs) << " only in a;";
    if (r.only_in_b_events) out << " seqs " << range_text(r.only_in_b_seqs) << " only in b;";
    out << "\n\n";
  }
}

void write_reasons(const char* title, const ReasonCounts& rc, std::ostream& out) {
  if (rc.empty()) return;
  out << "**" << title << ":**";
  for (const auto& [k, n] : rc.added) out << " +" << n << " " << reason_text(k) << ";";
  for (const auto& [k, n] : rc.removed) out << " -" << n << " " << reason_text(k) << ";";
  for (const auto& [k, n] : rc.changed) {
    out << " " << n << " " << reason_text(k.first) << " → " << reason_text(k.second) << ";";
  }
  out << "\n\n";
}

// The outputs' counts by kind and by reason.
void write_outputs(const DiffReport& r, std::ostream& out) {
  out << "**Outputs:** " << r.differences << " differences in " << r.expects_differing << " of " << r.events_compared
      << " events; " << (r.peers_affected_saturated ? "at least " : "") << r.peers_affected << " peers affected\n\n";
  if (!r.actions_by_kind.empty()) {
    out << "| action | added | removed | changed | moved |\n|---|--:|--:|--:|--:|\n";
    for (const auto& [k, c] : r.actions_by_kind) {
      out << "| " << k << " | " << c.added << " | " << c.removed << " | " << c.changed << " | " << c.moved << " |\n";
    }
    out << "\n";
  }
  if (r.req_renumbered) out << "req renumbered only: " << r.req_renumbered << " actions\n\n";
  write_reasons("Goodbye reasons", r.goodbye_reasons, out);
  write_reasons("Prune reasons", r.prune_reasons, out);
}

// Scores, the largest deltas and the divergent seqs.
void write_scores(const DiffReport& r, size_t top, std::ostream& out) {
  out << "**Scores:** " << r.scores_changed << " changed, " << r.scores_added << " added, " << r.scores_removed
      << " removed\n\n";
  const size_t shown = std::min<size_t>(top, 5);
  if (!r.largest_deltas.empty() && shown > 0) {
    out << "| largest deltas | seq | member | a | b | delta | ulp |\n|---|--:|---|--:|--:|--:|--:|\n";
    for (size_t i = 0; i < r.largest_deltas.size() && i < shown; i++) {
      const ScoreDelta& d = r.largest_deltas[i];
      out << "| " << code(d.peer) << " | " << d.seq << " | " << d.field << " | " << num_text(d.a) << " | "
          << num_text(d.b) << " | " << num_text(d.delta) << " | " << d.ulp << " |\n";
    }
    out << "\n";
  }
  if (r.divergent_ranges_total) {
    out << "**Divergent seqs:**";
    for (size_t i = 0; i < r.divergent_ranges.size() && i < 10; i++)
      out << (i ? ", " : " ") << range_text(r.divergent_ranges[i]);
    if (r.divergent_ranges_total > 10) out << ", ... (" << r.divergent_ranges_total << " ranges)";
    out << "\n\n";
  }
}

// The listed items as a collapsed ```diff block.
void write_items(const DiffReport& r, const TimeStyle& time, std::ostream& out) {
  if (r.items.empty()) return;
  out << "<details><summary>" << r.items.size() << " of " << r.differences << " differences</summary>\n\n```diff\n";
  uint64_t last_seq = 0;
  for (const DiffItem& it : r.items) {
    if (it.seq != last_seq) {
      out << "@@ " << seq_head(it, time) << " @@\n";
      last_seq = it.seq;
    }
    const ItemText t = item_text(it);
    const char marker = t.marker == '~' ? '!' : t.marker == '>' ? '!' : t.marker;
    out << marker << " " << cut_text(t.line, 160) << "\n";
    for (const FieldDiff& f : it.fields) out << "      " << cut_text(field_text(f), 160) << "\n";
  }
  out << "```\n\n</details>\n";
}

}  // namespace

void write_diff_markdown(const DiffReport& r, size_t top, const TimeStyle& time, std::ostream& out) {
  write_inputs(r, out);
  if (r.outputs_identical()) {
    out << "**Outputs:** identical (" << r.expects_compared << " expects compared)\n";
    return;
  }
  write_outputs(r, out);
  write_scores(r, top, out);
  write_items(r, time, out);
}

}  // namespace replay
