// report_text: how a first-divergence report writes values, shared by the
// engine's replayer (replayer.cc) and the external implementation's
// (impl_replayer.cc), so both reports read the same.
#ifndef PEER_REPLAY_REPLAY_REPORT_TEXT_H_
#define PEER_REPLAY_REPLAY_REPORT_TEXT_H_

#include <cstddef>
#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "trace/json_compare.h"

namespace replay {

inline constexpr size_t kReportValueCut = 500;  // characters of a value shown in a report

// `s` cut at `max` characters, with its full length said.
std::string cut_value(const std::string& s, size_t max = kReportValueCut);
// A JSON value for a report: a double as its JS text, -0 said, and its bits.
std::string show_value(const nlohmann::json& v);
// "  path:\n    expected X\n    actual   Y\n", a goodbye reason code with its
// Lodestar name, and the ULP distance when a double is involved (the same
// number `peer-replay diff` prints).
void write_field_diff(const FieldDiff& d, std::ostream& out);
// The whole expected and actual arrays, as context below their differing
// members, only when both are short: a long one would print again what the
// member differences above already show.
void write_whole_arrays(const std::string& what, const std::string& expected, const std::string& actual,
                        std::ostream& out);

}  // namespace replay

#endif  // PEER_REPLAY_REPLAY_REPORT_TEXT_H_
