// display_text: how a command shows a trace's values to a person, the same
// way in check, diff, stats and run: a time as an offset from the trace's
// start ("+1h02m03.500s", or the raw t_ms when asked), and a goodbye code
// with its Lodestar name (the table beside the enum, engine/include/peers/goodbye.h).
// Machine-readable outputs (--format json) keep the raw values.
#ifndef PEER_REPLAY_TRACE_DISPLAY_TEXT_H_
#define PEER_REPLAY_TRACE_DISPLAY_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace replay {

// "+1h02m03.500s", "+2m05.000s", "+0.250s": t_ms - start_ms, signed.
std::string offset_time_text(int64_t t_ms, int64_t start_ms);

// How a command prints an event's time: the offset from the trace's first
// event, or "t_ms N" with --raw-times. start_ms < 0 (no event yet): raw.
struct TimeStyle {
  int64_t start_ms = -1;
  bool raw = false;
  std::string text(int64_t t_ms) const;
};

// "3 (Internal fault/error)" for a goodbye code Lodestar names
// (GOODBYE_KNOWN_CODES); the code alone otherwise (prune reasons such as
// "low_score" are already Lodestar's names).
std::string goodbye_reason_text(std::string_view code);

// A differing member's value when the member is a goodbye reason ("reason",
// "actions[0].reason"): its JSON and the name, "\"3\" (Internal fault/error)".
// "" for any other member, which the caller shows its own way.
std::string reason_member_text(std::string_view path, const nlohmann::json& value);

}  // namespace replay

#endif  // PEER_REPLAY_TRACE_DISPLAY_TEXT_H_
