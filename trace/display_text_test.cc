#include "trace/display_text.h"

#include <catch2/catch.hpp>

namespace replay {

TEST_CASE("offset_time_text: hours, minutes, seconds and milliseconds from the start") {
  CHECK(offset_time_text(1'600'000'000'000 + 3'723'500, 1'600'000'000'000) == "+1h02m03.500s");
  CHECK(offset_time_text(125'000, 0) == "+2m05.000s");
  CHECK(offset_time_text(250, 0) == "+0.250s");
  CHECK(offset_time_text(0, 0) == "+0.000s");
  CHECK(offset_time_text(0, 1500) == "-1.500s");
  CHECK(offset_time_text(100 * 3'600'000, 0) == "+100h00m00.000s");
}

TEST_CASE("TimeStyle: raw t_ms when asked or before the first event") {
  CHECK(TimeStyle{1000, false}.text(2500) == "+1.500s");
  CHECK(TimeStyle{1000, true}.text(2500) == "t_ms 2500");
  CHECK(TimeStyle{-1, false}.text(2500) == "t_ms 2500");
}

TEST_CASE("goodbye_reason_text: Lodestar's GOODBYE_KNOWN_CODES name beside the code") {
  CHECK(goodbye_reason_text("3") == "3 (Internal fault/error)");
  CHECK(goodbye_reason_text("129") == "129 (Client has too many peers)");
  CHECK(goodbye_reason_text("7") == "7");
  CHECK(goodbye_reason_text("low_score") == "low_score");
}

TEST_CASE("reason_member_text: goodbye reason members only") {
  CHECK(reason_member_text("actions[0].reason", "250") == "\"250\" (Peer score too low)");
  CHECK(reason_member_text("reason", "7") == "\"7\"");
  CHECK(reason_member_text("actions[0].peer", "250").empty());
  CHECK(reason_member_text("prune_reason", "low_score").empty());
  CHECK(reason_member_text("reason", 3).empty());
}

}  // namespace replay
