// report_format: how the diff's writers render values, actions, member
// differences and items as text (text_report.cc, markdown_report.cc, and the
// directory listing of cli/cmd_diff.cc), and member_text, the one way a
// member becomes a string (keys, reasons, peers).
#ifndef PEER_REPLAY_DIFF_REPORT_FORMAT_H_
#define PEER_REPLAY_DIFF_REPORT_FORMAT_H_

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "diff/diff_report.h"
#include "trace/display_text.h"
#include "trace/json_tape.h"

namespace replay {

// Member `name` of an object as text: a string's value, anything else's JSON
// ("" when absent).
std::string member_text(const nlohmann::json& j, const char* name);
std::string member_text(JsonRef j, const char* name);

// s cut to max characters, "..." marking the cut.
std::string cut_text(std::string s, size_t max);
// A double as JavaScript prints it (shortest round trip, no ".0" on integral
// values), except that -0 keeps its sign: it is a difference here.
std::string num_text(double d);
// "code (Lodestar's name)" for a known goodbye code (trace/display_text.h).
inline std::string reason_text(const std::string& code) { return goodbye_reason_text(code); }
// "path: a -> b (delta d, N ulp)".
std::string field_text(const FieldDiff& f);
// "2 added, 1 moved".
std::string counts_text(const KindCounts& c);
// "name version mode, @lodestar/beacon-node x".
std::string producer_text(const TraceSummary& t);

// The item's marker and one-line text; field lines are written by the caller.
struct ItemText {
  char marker;  // '+', '-', '~', '>'
  std::string line;
};
ItemText item_text(const DiffItem& it);

// "seq N (+1m02.500s, kind peer, a:L b:L)": the heading of an event's items
// (time: trace/display_text.h).
std::string seq_head(const DiffItem& it, const TimeStyle& time);
// "N" or "first..last".
std::string range_text(const SeqRange& r);
// "identical", "outputs differ", ...
std::string result_text(const DiffReport& r);

// ANSI colours by item marker, when on.
struct Colors {
  bool on;
  std::string wrap(char marker, const std::string& s) const {
    if (!on) return s;
    const char* c = marker == '+' ? "\x1b[32m" : marker == '-' ? "\x1b[31m" : marker == '~' ? "\x1b[33m" : "\x1b[36m";
    return c + s + "\x1b[0m";
  }
  std::string bold(const std::string& s) const { return on ? "\x1b[1m" + s + "\x1b[0m" : s; }
};

}  // namespace replay

#endif  // PEER_REPLAY_DIFF_REPORT_FORMAT_H_
