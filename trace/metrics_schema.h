// The schema of the optional `metrics` record (traces/FORMAT.md §8): its
// members, each series' metric name (from the engine's table,
// peers/metrics.h), labels and value shape. The reader calls it after
// parsing a line; it never throws.
#ifndef PEER_REPLAY_TRACE_METRICS_SCHEMA_H_
#define PEER_REPLAY_TRACE_METRICS_SCHEMA_H_

#include <cstdint>

#include "peers/status.h"
#include "trace/json_tape.h"
#include "trace/trace_schema.h"

namespace replay {

peers::Status check_metrics(const JsonRef j, const SchemaContext& ctx, uint64_t* seq);


}  // namespace replay

#endif  // PEER_REPLAY_TRACE_METRICS_SCHEMA_H_
