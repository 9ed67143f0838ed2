// The member-level schema of trace format v1 (traces/FORMAT.md §2-§3): which
// members each record, event kind and action kind has, and their JSON types.
// The reader calls these after parsing a line; they never throw.
#ifndef PEER_REPLAY_TRACE_TRACE_SCHEMA_H_
#define PEER_REPLAY_TRACE_TRACE_SCHEMA_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trace/json_tape.h"

#include "peers/status.h"

namespace replay {

struct SchemaContext {
  const std::string& path;
  uint64_t line = 0;
  bool strict = false;
  const std::function<void(const std::string&)>& on_warning;
  // "<file>:<line>: ", built only when a message is: most records have none.
  std::string at() const { return path + ":" + std::to_string(line) + ": "; }
};

// The vocabulary, in FORMAT.md order. Tools that count coverage iterate these.
const std::vector<std::string_view>& event_kinds();
const std::vector<std::string_view>& action_kinds();
const std::vector<std::string_view>& timer_kinds();

peers::Status check_header(const JsonRef j, const SchemaContext& ctx);
peers::Status check_event(const JsonRef j, const SchemaContext& ctx, uint64_t* seq, int64_t* t_ms,
                          std::string* kind);
peers::Status check_expect(const JsonRef j, const SchemaContext& ctx, uint64_t* seq);
peers::Status check_end(const JsonRef j, const SchemaContext& ctx, uint64_t* events);

// A double where a trace may carry one JSON cannot (FORMAT.md §4: a gossip
// score, a score entry's numbers, a metrics value or sum): a finite JSON
// number, or the spelling "+Inf", "-Inf" or "NaN". nullopt for anything else.
std::optional<double> spelled_number(JsonRef v);
// How a writer spells a double that is not finite: "+Inf", "-Inf" or "NaN".
std::string spelled_number_text(double v);

}  // namespace replay

#endif  // PEER_REPLAY_TRACE_TRACE_SCHEMA_H_
