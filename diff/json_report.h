// json_report: one pair's DiffReport as the versioned JSON document of
// docs/DIFF_FORMAT.md (`peer-replay diff --format json`).
#ifndef PEER_REPLAY_DIFF_JSON_REPORT_H_
#define PEER_REPLAY_DIFF_JSON_REPORT_H_

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "diff/diff_report.h"

namespace replay {

// At most `top` largest score deltas are listed.
nlohmann::json diff_report_json(const DiffReport& report, size_t top);

// An item's "type" in the JSON output ("action_added", ...).
std::string_view diff_item_type_name(DiffItemType type);

}  // namespace replay

#endif  // PEER_REPLAY_DIFF_JSON_REPORT_H_
