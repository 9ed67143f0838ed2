// shard: `check --shard I/N` and `peer-replay merge-shards`, for a corpus
// split across the jobs of a CI matrix (the CI system is the distributed
// engine; README "A corpus larger than one machine").
//
// Selection: the traces found are sorted by file name (then by path) and the
// k-th (0-based) belongs to shard k % N + 1. Stable: it depends on the names
// only, never on directory order or the machine, so N jobs that see the same
// corpus check every trace exactly once, and each shard holds within one
// trace as many as any other.
//
// Each shard writes a summary (`--shard-summary FILE`, JSON: which shard, and
// every trace's outcome); merge-shards reads the N summaries, checks that
// shards 1..N are all there once with the same N and no trace twice, and
// gives one verdict, optionally one JUnit file for the whole corpus.
#ifndef PEER_REPLAY_CLI_SHARD_H_
#define PEER_REPLAY_CLI_SHARD_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "cli/junit.h"

namespace replay {

inline constexpr size_t kMaxShards = 10000;

struct ShardSpec {
  size_t index = 1;  // 1..count
  size_t count = 1;
};

// Parses "I/N" (decimal, 1 <= I <= N <= kMaxShards). On failure *error is one
// line naming the argument and what was expected.
bool parse_shard(std::string_view text, ShardSpec* out, std::string* error);
std::string shard_name(const ShardSpec& spec);  // "I/N"

// The paths of shard `spec`, in the input order of `paths`.
std::vector<std::string> select_shard(const std::vector<std::string>& paths, const ShardSpec& spec);

// The summary a shard writes: its spec and every trace's outcome.
std::string shard_summary_json(const ShardSpec& spec, const std::vector<TraceOutcome>& outcomes);

struct ShardSummary {
  ShardSpec spec;
  std::vector<TraceOutcome> outcomes;
};
// Reads one summary; false with a one-line *error ("<file>: <what>") when it
// cannot be read or is not one.
bool read_shard_summary(const std::string& path, ShardSummary* out, std::string* error);

// The summaries of one corpus in shard order, checked complete: same N, every
// shard 1..N once, no trace name in two shards. False with a one-line *error.
bool merge_shard_summaries(std::vector<ShardSummary> summaries, std::vector<TraceOutcome>* merged,
                           std::string* error);

}  // namespace replay

#endif  // PEER_REPLAY_CLI_SHARD_H_
