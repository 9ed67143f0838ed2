// markdown_report: one pair's DiffReport as a short Markdown summary to paste
// into a pull request (`peer-replay diff --format markdown`).
#ifndef PEER_REPLAY_DIFF_MARKDOWN_REPORT_H_
#define PEER_REPLAY_DIFF_MARKDOWN_REPORT_H_

#include <cstddef>
#include <iosfwd>

#include "diff/diff_report.h"
#include "trace/display_text.h"

namespace replay {

// At most min(top, 5) largest score deltas are listed.
void write_diff_markdown(const DiffReport& report, size_t top, const TimeStyle& time, std::ostream& out);

}  // namespace replay

#endif  // PEER_REPLAY_DIFF_MARKDOWN_REPORT_H_
