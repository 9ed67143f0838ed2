#include "engine/utils/subnet_map.h"

#include <catch2/catch.hpp>

namespace peers {
namespace {

TEST_CASE("SubnetMap requests extend toSlot and keep insertion order", "[subnet_map]") {
  SubnetMap map;
  map.request({.subnet = 5, .to_slot = 10});
  map.request({.subnet = 2, .to_slot = 30});
  map.request({.subnet = 5, .to_slot = 8});  // Math.max keeps 10, and the position
  map.request({.subnet = 9, .to_slot = 20});
  CHECK(map.size() == 3);
  CHECK(map.get_to_slot(5) == 10);
  CHECK_FALSE(map.get_to_slot(6).has_value());
  CHECK(map.get_all() == std::vector<SubnetId>{5, 2, 9});
  CHECK(map.is_active_at_slot(5, 10));
  CHECK_FALSE(map.is_active_at_slot(5, 11));
  CHECK(map.get_active(15) == std::vector<SubnetId>{2, 9});
  CHECK(map.get_active_ttl(15) ==
        std::vector<RequestedSubnet>{{.subnet = 2, .to_slot = 30}, {.subnet = 9, .to_slot = 20}});
  CHECK(map.get_expired(25) == std::vector<SubnetId>{5, 9});
  CHECK(map.get_all() == std::vector<SubnetId>{2});
  map.erase(2);
  CHECK(map.size() == 0);
}

}  // namespace
}  // namespace peers
