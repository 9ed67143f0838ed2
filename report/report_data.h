// report_data: what the HTML report draws, read from a trace in one streaming
// pass (bounded memory) and returned as the JSON document the page's script
// renders (assets/report.js reads exactly these members).
//
// Owner: the report library. It reads traces only through
// trace/trace_reader.h; the engine's view (prune reasons, the divergence) is
// given to it by the caller (html_report.h replays the trace first).
//
// Every series is downsampled (downsample.h), so the document's size is
// bounded by the limits below whatever the trace's length: connected peers
// and per-heartbeat counts at most 2 * kChartBuckets points, scores at most
// 2 * kScoreBuckets points for each of at most kPeersListed peers.
#ifndef PEER_REPLAY_REPORT_REPORT_DATA_H_
#define PEER_REPLAY_REPORT_REPORT_DATA_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "peers/status.h"

namespace report {

inline constexpr size_t kChartBuckets = 1500;      // per chart (connected peers, per heartbeat)
inline constexpr size_t kScoreBuckets = 120;       // per peer's score series
inline constexpr size_t kPeersListed = 200;        // score series in the page: the worst peers
inline constexpr size_t kMaxPeersTracked = 200000; // peers whose score is followed; more are counted only
inline constexpr size_t kMaxMarks = 50;            // divergences marked on the charts

struct ExtractOptions {
  bool strict = false;
  // Seqs to mark on every chart (the first is "the" divergence: its event
  // and expect record are copied into the document). At most kMaxMarks.
  std::vector<uint64_t> mark_seqs;
  // Peers to highlight (listed in the picker whatever their score).
  std::vector<std::string> involved_peers;
};

// Reads `path` and fills *data. Errors: the reader's "<file>:<line>: ...".
peers::Status extract_report_data(const std::string& path, const ExtractOptions& options, nlohmann::json* data);

}  // namespace report

#endif  // PEER_REPLAY_REPORT_REPORT_DATA_H_
