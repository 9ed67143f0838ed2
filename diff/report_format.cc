// report_format: see report_format.h.
#include "diff/report_format.h"

#include "peers/goodbye.h"

namespace replay {

using nlohmann::json;

namespace {

constexpr size_t kValueChars = 80;   // a value shown in text is cut here
constexpr size_t kMemberChars = 40;  // a member shown inline in an action line

}  // namespace

std::string member_text(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string member_text(JsonRef j, const char* name) {
  const JsonRef v = j.find(name);
  if (!v) return "";
  return v.is_string() ? std::string(v.str()) : v.dump();
}

std::string cut_text(std::string s, size_t max) {
  if (s.size() <= max) return s;
  s.resize(max - 3);
  return s + "...";
}

std::string num_text(double d) {
  std::string s = json(d).dump();
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

namespace {

std::string value_text(const json& v, bool missing) {
  if (missing) return "(absent)";
  if (v.is_number_float()) return num_text(v.get<double>());
  return cut_text(v.dump(), kValueChars);
}

// "send_goodbye 16Uiu2... req=7 reason=\"3\"": kind, peer, then the other members.
std::string action_text(const json& act) {
  std::string s = member_text(act, "kind");
  if (act.contains("peer")) s += " " + member_text(act, "peer");
  for (auto it = act.begin(); it != act.end(); ++it) {
    if (it.key() == "kind" || it.key() == "peer") continue;
    s += " " + it.key() + "=" + cut_text(it->dump(), kMemberChars);
  }
  return s;
}

}  // namespace

std::string reason_text(const std::string& code) {
  const std::string_view name = peers::goodbye_known_code_name(code);
  return name.empty() ? code : code + " (" + std::string(name) + ")";
}

std::string field_text(const FieldDiff& f) {
  std::string s = (f.path.empty() ? std::string("value") : f.path) + ": " + value_text(f.a, f.a_missing) + " -> " +
                  value_text(f.b, f.b_missing);
  if (f.has_delta && f.has_ulp) {
    s += " (delta " + num_text(f.delta) + ", " + std::to_string(f.ulp) + " ulp)";
  } else if (f.has_delta) {
    s += " (delta " + num_text(f.delta) + ")";
  }
  return s;
}

std::string counts_text(const KindCounts& c) {
  std::vector<std::string> parts;
  if (c.added) parts.push_back(std::to_string(c.added) + " added");
  if (c.removed) parts.push_back(std::to_string(c.removed) + " removed");
  if (c.changed) parts.push_back(std::to_string(c.changed) + " changed");
  if (c.moved) parts.push_back(std::to_string(c.moved) + " moved");
  std::string s;
  for (size_t i = 0; i < parts.size(); i++) s += (i ? ", " : "") + parts[i];
  return s;
}

std::string producer_text(const TraceSummary& t) {
  const json& p = t.producer;
  std::string s = member_text(p, "name") + " " + member_text(p, "version") + " " + member_text(p, "mode");
  if (auto it = p.find("packages"); it != p.end() && it->is_object() && it->contains("@lodestar/beacon-node")) {
    s += ", @lodestar/beacon-node " + member_text(*it, "@lodestar/beacon-node");
  }
  return s;
}


ItemText item_text(const DiffItem& it) {
  const std::string ai = "a#" + std::to_string(it.a_index), bi = "b#" + std::to_string(it.b_index);
  auto score_value = [](const json& e) { return e.contains("score") ? e["score"].dump() : std::string("?"); };
  switch (it.type) {
    case DiffItemType::kActionAdded:
      return {'+', bi + " " + action_text(it.b)};
    case DiffItemType::kActionRemoved:
      return {'-', ai + " " + action_text(it.a)};
    case DiffItemType::kActionChanged:
      return {'~', ai + " " + bi + " " + it.kind + (it.peer.empty() ? "" : " " + it.peer)};
    case DiffItemType::kActionMoved:
      return {'>', ai + " " + bi + " " + it.kind + (it.peer.empty() ? "" : " " + it.peer) + " moved"};
    case DiffItemType::kScoreAdded:
      return {'+', "score " + it.peer + " score=" + score_value(it.b)};
    case DiffItemType::kScoreRemoved:
      return {'-', "score " + it.peer + " score=" + score_value(it.a)};
    case DiffItemType::kScoreChanged:
      return {'~', "score " + it.peer};
    case DiffItemType::kScoresOrder:
      return {'~', "scores order differs from " + it.peer + " (" + ai + " " + bi + ")"};
    case DiffItemType::kScoresFull:
      return {'~', "scores"};
    case DiffItemType::kScoreDeletionAdded:
      return {'+', "score deleted " + it.peer};
    case DiffItemType::kScoreDeletionRemoved:
      return {'-', "score deleted " + it.peer};
    case DiffItemType::kExpectOnlyInA:
      return {'-', "expect only in a (" + it.a["actions"].dump() + " actions, " + it.a["scores"].dump() + " scores)"};
    case DiffItemType::kExpectOnlyInB:
      return {'+', "expect only in b (" + it.b["actions"].dump() + " actions, " + it.b["scores"].dump() + " scores)"};
  }
  return {'?', ""};
}

std::string seq_head(const DiffItem& it) {
  std::string s = "seq " + std::to_string(it.seq) + " (t_ms " + std::to_string(it.t_ms) + ", " + it.event_kind;
  if (!it.event_peer.empty()) s += " " + it.event_peer;
  s += ", a:" + (it.a_line ? std::to_string(it.a_line) : std::string("-")) +
       " b:" + (it.b_line ? std::to_string(it.b_line) : std::string("-")) + ")";
  return s;
}

std::string range_text(const SeqRange& r) {
  return r.first == r.last ? std::to_string(r.first) : std::to_string(r.first) + ".." + std::to_string(r.last);
}

std::string result_text(const DiffReport& r) {
  if (r.identical()) return "identical";
  if (r.inputs_identical()) return "outputs differ";
  if (r.outputs_identical()) return "inputs differ, outputs identical on the common events";
  return "inputs and outputs differ";
}

}  // namespace replay
