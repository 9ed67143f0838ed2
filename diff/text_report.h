// text_report: one pair's DiffReport as the terminal text of
// `peer-replay diff` (the default format): inputs, outputs, the first `limit`
// differences grouped by seq, and a summary.
#ifndef PEER_REPLAY_DIFF_TEXT_REPORT_H_
#define PEER_REPLAY_DIFF_TEXT_REPORT_H_

#include <cstddef>
#include <iosfwd>

#include "diff/diff_report.h"
#include "trace/display_text.h"

namespace replay {

// ANSI colours when `color`; at most `top` largest score deltas; event times
// as `time` says.
void write_diff_text(const DiffReport& report, bool color, size_t top, const TimeStyle& time, std::ostream& out);

}  // namespace replay

#endif  // PEER_REPLAY_DIFF_TEXT_REPORT_H_
