// Conversions between trace records (nlohmann::json, traces/FORMAT.md) and the
// engine's plain types: the header's config and local node, events, actions
// and score dumps.
//
// Parsing never throws: every error is a Status whose message names the file
// and line ("<file>:<line>: <member>: expected ..."). The reader has already
// checked required members and their JSON types; these functions check again
// (defensively) and check what the schema cannot: hex widths, ranges, shapes.
#ifndef PEER_REPLAY_REPLAY_TRACE_EVENT_H_
#define PEER_REPLAY_REPLAY_TRACE_EVENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "peers/action.h"
#include "peers/event.h"
#include "peers/peer_id_str.h"
#include "peers/peer_manager.h"
#include "peers/score_interface.h"
#include "peers/status.h"
#include "trace/trace_reader.h"

namespace replay {

// What a trace header configures.
struct TraceSetup {
  peers::PeerManagerConfig config;
  peers::LocalNode local;
  std::string scenario;
  std::string seed;
};

// `where` is the "<file>:<line>: " prefix for messages.
peers::Result<TraceSetup> parse_header(JsonRef header, const std::string& where);
// With `ids`, the event's peer ids come from that table (shared with earlier
// events: the engine then compares them by pointer); the table must belong to
// the thread that steps the engine with these events. Without, each id is new.
peers::Result<peers::Event> parse_event(const Record& record, const std::string& where,
                                        peers::PeerIdTable* ids = nullptr);

// Engine values rendered as FORMAT.md spells them.
nlohmann::json status_to_json(const peers::ChainStatus& status);
nlohmann::json action_to_json(const peers::Action& action);
nlohmann::json actions_to_json(const std::vector<peers::Action>& actions);
nlohmann::json score_entry_to_json(const peers::PeerScoreStatEntry& entry);

// Lowercase hex without 0x.
std::string to_hex(const uint8_t* data, size_t n);

// A double as JavaScript's String(number) / JSON.stringify prints it (shortest
// round-trip), for reports and written traces.
std::string js_number(double v);

}  // namespace replay

#endif  // PEER_REPLAY_REPLAY_TRACE_EVENT_H_
