// `peer-replay merge-shards`: the shard summaries of one corpus (cli/shard.h)
// merged into the verdict one `check` over the whole corpus would give.
#include <iomanip>
#include <ostream>

#include "cli/commands.h"
#include "cli/junit.h"
#include "cli/shard.h"
#include "trace/atomic_file.h"

namespace replay {

int cmd_merge_shards(const MergeShardsOptions& opts, std::ostream& out, std::ostream& err) {
  std::vector<ShardSummary> summaries;
  std::string error;
  for (const std::string& path : opts.summaries) {
    ShardSummary s;
    if (!read_shard_summary(path, &s, &error)) {
      err << error << "\n";
      return kExitBadInput;
    }
    summaries.push_back(std::move(s));
  }
  const size_t shards = summaries.empty() ? 0 : summaries.front().spec.count;
  std::vector<TraceOutcome> merged;
  if (!merge_shard_summaries(std::move(summaries), &merged, &error)) {
    err << error << "\n";
    return kExitBadInput;
  }
  int passed = 0, failed = 0, bad = 0, known_failed = 0, truncated = 0;
  for (const TraceOutcome& o : merged) {
    switch (o.status) {
      case OutcomeStatus::kPass: passed++; continue;
      case OutcomeStatus::kFail:
      case OutcomeStatus::kFixed: failed++; break;
      case OutcomeStatus::kError: bad++; break;
      case OutcomeStatus::kKnownFail: known_failed++; break;
      case OutcomeStatus::kTruncated: truncated++; break;
    }
    out << std::left << std::setw(11) << outcome_status_name(o.status) << o.path << ": " << o.message << "\n";
  }
  if (!opts.junit.empty()) {
    const peers::Status written = write_file_atomically(opts.junit, junit_xml(merged));
    if (!written.is_ok()) {
      err << opts.junit << ": " << written.message() << "\n";
      return kExitBadInput;
    }
  }
  out << "merge-shards: " << shards << " shards, " << merged.size() << " traces\n";
  // The lines check prints: a trace that could not be read is no result
  // (its count goes to stderr), as in cmd_check.
  out << "check: " << passed << " passed, " << failed << " failed\n";
  if (known_failed > 0) out << "known failures: " << known_failed << "\n";
  if (truncated > 0) out << "truncated: " << truncated << "\n";
  if (bad > 0) {
    err << "check: " << bad << " of " << merged.size() << " traces could not be read\n";
    return kExitBadInput;
  }
  return failed > 0 ? kExitDiverges : truncated > 0 ? kExitTruncated : kExitOk;
}

}  // namespace replay
