// The schema of the optional `metrics` record (traces/FORMAT.md §8): its
// members, each series' metric name (from the engine's table,
// peers/metrics.h), labels and value shape. The reader calls it after
// parsing a line; it never throws.
#ifndef PEER_REPLAY_TRACE_METRICS_SCHEMA_H_
#define PEER_REPLAY_TRACE_METRICS_SCHEMA_H_

#include <cstdint>
#include <optional>
#include <string>

#include "peers/status.h"
#include "trace/json_tape.h"
#include "trace/trace_schema.h"

namespace replay {

peers::Status check_metrics(const JsonRef j, const SchemaContext& ctx, uint64_t* seq);

// A series' `value` or `sum` (FORMAT.md §8.1): a finite JSON number, or the
// Prometheus spelling of a value JSON cannot carry ("+Inf", "-Inf", "NaN").
// nullopt for anything else.
std::optional<double> metric_number(JsonRef v);
// How a writer spells a value that is not finite: "+Inf", "-Inf" or "NaN".
std::string metric_number_text(double v);

}  // namespace replay

#endif  // PEER_REPLAY_TRACE_METRICS_SCHEMA_H_
