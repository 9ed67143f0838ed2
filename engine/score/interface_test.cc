// Tests of the score enums (interface.cc) and the PeerAction deltas (store.cc).
#include "peers/score_interface.h"

#include <catch2/catch.hpp>

#include "engine/score/store.h"

namespace peers {
namespace {

TEST_CASE("PeerAction names, values and deltas", "[score]") {
  CHECK(parse_peer_action("Fatal") == PeerAction::Fatal);
  CHECK(parse_peer_action("LowToleranceError") == PeerAction::LowToleranceError);
  CHECK(parse_peer_action("PeerAction.MidToleranceError") == PeerAction::MidToleranceError);
  CHECK(parse_peer_action("3") == PeerAction::HighToleranceError);
  CHECK(parse_peer_action("0") == PeerAction::Fatal);
  CHECK_FALSE(parse_peer_action("fatal").has_value());
  CHECK_FALSE(parse_peer_action("PeerAction.3").has_value());
  CHECK_FALSE(parse_peer_action("4").has_value());
  CHECK_FALSE(parse_peer_action("").has_value());
  for (int i = 0; i < kPeerActionCount; i++) {
    const auto action = static_cast<PeerAction>(i);
    CHECK(parse_peer_action(peer_action_name(action)) == action);
  }
  CHECK(peer_action_score(PeerAction::Fatal) == -200);
  CHECK(peer_action_score(PeerAction::LowToleranceError) == -10);
  CHECK(peer_action_score(PeerAction::MidToleranceError) == -5);
  CHECK(peer_action_score(PeerAction::HighToleranceError) == -1);
}

}  // namespace
}  // namespace peers
