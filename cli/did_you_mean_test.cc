#include "cli/did_you_mean.h"

#include <catch2/catch.hpp>

namespace replay {

TEST_CASE("did you mean: the subcommand a typo was meant to be") {
  const std::vector<std::string> names = {"check", "run", "stats", "cat", "diff"};
  CHECK(edit_distance("chek", "check") == 1);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(closest_name("chek", names) == "check");
  CHECK(closest_name("stat", names) == "stats");
  CHECK(closest_name("dif", names) == "diff");
  CHECK(closest_name("replay", names).empty());
  CHECK(closest_name("x", names).empty());
}

}  // namespace replay
