// check_pool: `check -j N`, the traces of one run replayed on N threads, each
// result handed back in input order (so output, JUnit and totals are the same
// as with -j 1, whatever finishes first).
//
// Ownership: the pool owns its threads for the duration of replay_in_order;
// each ReplayResult is moved to `done`, called on the calling thread only, in
// index order. Memory: few results wait ahead of the one `done`
// needs next (no trace starts more than 2 x jobs ahead of it).
#ifndef PEER_REPLAY_CLI_CHECK_POOL_H_
#define PEER_REPLAY_CLI_CHECK_POOL_H_

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "replay/replayer.h"

namespace replay {

// The number of threads `check` uses without -j: the machine's cores (1 when
// unknown).
size_t default_check_jobs();

// Replays paths[i] with `options` on up to `jobs` threads and calls
// done(i, result, wall seconds of that replay) for i = 0, 1, ... in order.
// With one path of 4 MiB or more and jobs > 1 the trace is read ahead on a
// second thread instead (ReplayOptions::read_ahead).
void replay_in_order(const std::vector<std::string>& paths, const ReplayOptions& options, size_t jobs,
                     const std::function<void(size_t, ReplayResult&&, double)>& done);

}  // namespace replay

#endif  // PEER_REPLAY_CLI_CHECK_POOL_H_
