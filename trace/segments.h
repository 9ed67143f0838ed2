// Segments: a live capture rotated into several files (FORMAT.md §1.1). The
// first file, `X.jsonl.zst`, is the trace as named everywhere (a directory
// listing, a glob); its continuations `X.jsonl.zst.000002`, `.000003`, ...
// hold the following zstd frames. Their concatenation is the trace, so a
// reader chains them behind the first file's FILE* and reads on as if it were
// one file. Owned by the trace library; the reader is its only user.
#ifndef PEER_REPLAY_TRACE_SEGMENTS_H_
#define PEER_REPLAY_TRACE_SEGMENTS_H_

#include <cstdio>
#include <string>
#include <vector>

namespace replay {

inline constexpr int kMaxSegments = 999999;  // six digits in the name

// The name of segment `index` (1-based) of the trace `path`: path itself for 1.
std::string segment_path(const std::string& path, int index);

// The continuation files of `path` that exist, in order, stopping at the first
// index missing.
std::vector<std::string> continuation_segments(const std::string& path);

// A FILE* that reads `first` (already open, positioned at its start) and then
// each of `continuations` in order; it owns and closes them all. Returns
// `first` itself when there are no continuations, nullptr (first closed, errno
// set) when one cannot be opened.
FILE* chain_segments(FILE* first, const std::vector<std::string>& continuations);

}  // namespace replay

#endif  // PEER_REPLAY_TRACE_SEGMENTS_H_
