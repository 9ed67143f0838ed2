#include "replay/score_delta.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace {

peers::PeerScoreStatEntry entry(const std::string& peer, double score) {
  peers::PeerScoreStatEntry e;
  e.peer_id = peer;
  e.stat.lodestar_score = score;
  e.stat.score = score;
  return e;
}

// "+peer" for a new entry, "~peer" for a changed one, "-peer" for a removed one.
std::string delta_of(const peers::PeerScoreStats& before, const peers::PeerScoreStats& after) {
  std::string out;
  replay::score_delta(
      before, after,
      [&out](const peers::PeerScoreStatEntry& e, const peers::PeerScoreStat* old) {
        out += (old == nullptr ? "+" : "~") + e.peer_id + " ";
      },
      [&out](const peers::PeerScoreStatEntry& e) { out += "-" + e.peer_id + " "; });
  return out;
}

}  // namespace

TEST_CASE("score_delta: the unchanged prefix, changes and appended peers", "[score_delta]") {
  const peers::PeerScoreStats before = {entry("a", 1), entry("b", 2)};
  CHECK(delta_of(before, before).empty());
  CHECK(delta_of(before, {entry("a", 1), entry("b", 3), entry("c", 0)}) == "~b +c ");
  CHECK(delta_of({}, before) == "+a +b ");
  CHECK(delta_of(before, {}) == "-a -b ");
}

TEST_CASE("score_delta: a deletion before the end matches the rest by peer", "[score_delta]") {
  const peers::PeerScoreStats before = {entry("a", 1), entry("b", 2), entry("c", 3), entry("d", 4)};
  // b deleted (update() prunes), d changed, e new: in after's order, then removals in before's.
  CHECK(delta_of(before, {entry("a", 1), entry("c", 3), entry("d", 5), entry("e", 0)}) == "~d +e -b ");
}

TEST_CASE("score_delta: doubles compare as the recorder's Object.is", "[score_delta]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(delta_of({entry("a", 0.0)}, {entry("a", -0.0)}) == "~a ");  // Object.is(0, -0) is false
  CHECK(delta_of({entry("a", nan)}, {entry("a", nan)}).empty());     // Object.is(NaN, NaN) is true
  CHECK(delta_of({entry("a", 1.0)}, {entry("a", std::nextafter(1.0, 2.0))}) == "~a ");
  peers::PeerScoreStatEntry flagged = entry("a", 1.0);
  flagged.stat.ignore_negative_gossip_score = true;
  CHECK(delta_of({entry("a", 1.0)}, {flagged}) == "~a ");
}
