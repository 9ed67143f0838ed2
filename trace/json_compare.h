// json_compare: the one comparison of two JSON values the harness has. Both
// `peer-replay check` (replay/replayer.cc: a trace's expect against what the
// engine did) and `peer-replay diff` (diff/: one trace's outputs against
// another's) use it, so "equal", "N ULP" and a member's path mean the same in
// both reports.
//
// Owner: the trace library. Equality is exact: objects by member (order
// ignored), arrays by element, integers by value, and as soon as one side is a
// double, by the doubles' bits (so -0 and +0 differ, and 1 equals 1.0). A
// tolerance of N ULP (`check --ulp N`) relaxes only the doubles.
//
// ULP distance (traces/FORMAT.md §4): the number of steps between two doubles
// along the real line, each step one representable double, with -0 and +0 two
// neighbouring points. 0 means identical bits; the distance is symmetric; it
// crosses zero (-denorm_min to +denorm_min is 3: via -0 and +0); +inf is one
// step past DBL_MAX and -inf one step past -DBL_MAX. NaN has no place on the
// line: its distance to anything but the same NaN bits is kUlpNotComparable,
// which no tolerance accepts.
#ifndef PEER_REPLAY_TRACE_JSON_COMPARE_H_
#define PEER_REPLAY_TRACE_JSON_COMPARE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "trace/json_tape.h"

namespace replay {

inline constexpr uint64_t kUlpNotComparable = UINT64_MAX;

// See the top of this file. Symmetric; 0 only for identical bits.
uint64_t ulp_distance(double a, double b);

// One member that differs, at a JSON path such as "reason", "status.headSlot"
// or "scores[0].score" (the prefix given to json_field_diffs; "" for the value
// itself). A side where the member is absent has *_missing.
struct FieldDiff {
  std::string path;
  nlohmann::json a, b;
  bool a_missing = false;
  bool b_missing = false;
  bool has_delta = false;  // both are numbers: delta = b - a
  double delta = 0;
  bool has_ulp = false;  // a double on either side (or ulp_members): ulp_distance(a, b)
  uint64_t ulp = 0;
};

struct CompareOptions {
  // Doubles within this many ULP are equal; 0 is bit-exact.
  uint64_t ulp = 0;
  // Give two integers a ULP distance too (JS prints 0.0 as 0, so a score
  // member may be an integer on one side and a double on the other).
  bool ulp_members = false;
  // Arrays of different lengths: false reports the whole array as one
  // difference (the diff); true reports "<path>.length" and then compares the
  // common prefix element by element (the replayer's report).
  bool arrays_by_element = false;
  // Differences kept; the rest are counted in *omitted.
  size_t cap = 16;
};

// Equality as described at the top (with `ulp_tolerance` for doubles).
bool json_equal_exact(const nlohmann::json& a, const nlohmann::json& b, uint64_t ulp_tolerance = 0);
// The same on a trace's tape against a DOM, without materializing the tape:
// the replayer's per-expect fast path.
bool json_equal_exact(JsonRef a, const nlohmann::json& b, uint64_t ulp_tolerance = 0);

// The member differences between a and b, depth first, objects in key order;
// paths start with `path`. Appends while *out holds fewer than opts.cap and
// counts the rest in *omitted (may be null).
void json_field_diffs(const nlohmann::json& a, const nlohmann::json& b, const std::string& path,
                      const CompareOptions& opts, std::vector<FieldDiff>* out, size_t* omitted);

}  // namespace replay

#endif  // PEER_REPLAY_TRACE_JSON_COMPARE_H_
