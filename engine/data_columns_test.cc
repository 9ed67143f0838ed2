// Tests of get_custody_groups / compute_columns_for_custody_group / get_data_columns.
//
// Expected values come from the REAL Lodestar (the version tools/recorder/package.json pins) getCustodyGroups and
// computeColumnsForCustodyGroup, in engine/testdata/custody_groups_cases.json,
// made by engine/testdata/gen_relevance_custody.mjs (encoding documented there).
#include "engine/data_columns.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace peers {
namespace {

using nlohmann::json;

NodeId node_id_from_hex(const std::string& hex) {
  REQUIRE(hex.size() == 64);
  NodeId out{};
  for (size_t i = 0; i < 32; i++) out[i] = static_cast<uint8_t>(std::stoul(hex.substr(2 * i, 2), nullptr, 16));
  return out;
}

TEST_CASE("custody groups and columns match the pinned Lodestar", "[data_columns][fixture]") {
  std::ifstream in(std::string(PEER_REPLAY_SOURCE_DIR) + "/engine/testdata/custody_groups_cases.json");
  REQUIRE(in.good());
  const json fixture = json::parse(in);
  size_t group_cases = 0;
  size_t throwing_cases = 0;
  size_t column_cases = 0;
  for (const json& c : fixture["cases"]) {
    ChainConfig config;
    config.number_of_custody_groups = c["numberOfCustodyGroups"].get<int64_t>();
    if (c.contains("nodeId")) {
      const uint64_t count = c["count"].get<uint64_t>();
      INFO("nodeId " << c["nodeId"].get<std::string>() << " N " << config.number_of_custody_groups << " count "
                     << count);
      group_cases++;
      if (c["groups"].is_null()) {  // TS throws "Invalid custody group count"
        CHECK_FALSE(is_valid_custody_group_count(config, count));
        throwing_cases++;
        continue;
      }
      REQUIRE(is_valid_custody_group_count(config, count));
      const NodeId node_id = node_id_from_hex(c["nodeId"].get<std::string>());
      CHECK(get_custody_groups(config, node_id, count) == c["groups"].get<std::vector<CustodyIndex>>());
    } else {
      const auto group = c["group"].get<CustodyIndex>();
      CHECK(compute_columns_for_custody_group(config, group) == c["columns"].get<std::vector<ColumnIndex>>());
      column_cases++;
    }
  }
  CHECK(group_cases >= 300);
  CHECK(throwing_cases >= 40);
  CHECK(column_cases >= 10);
}

TEST_CASE("get_custody_groups: all groups without hashing, sorted and unique otherwise", "[data_columns]") {
  ChainConfig config;  // mainnet: 128 groups, 128 columns
  NodeId node_id{};
  node_id[0] = 0x42;
  const std::vector<CustodyIndex> all = get_custody_groups(config, node_id, 128);
  REQUIRE(all.size() == 128);
  for (size_t i = 0; i < all.size(); i++) CHECK(all[i] == i);
  for (uint64_t count : {0, 1, 4, 8, 64, 127}) {
    const std::vector<CustodyIndex> groups = get_custody_groups(config, node_id, count);
    CHECK(groups.size() == count);
    CHECK(std::is_sorted(groups.begin(), groups.end()));
    CHECK(std::adjacent_find(groups.begin(), groups.end()) == groups.end());
  }
  // A larger count is a superset of a smaller one (same hash sequence).
  const std::vector<CustodyIndex> four = get_custody_groups(config, node_id, 4);
  const std::vector<CustodyIndex> eight = get_custody_groups(config, node_id, 8);
  CHECK(std::includes(eight.begin(), eight.end(), four.begin(), four.end()));
  CHECK(get_data_columns(config, node_id, 4) == four);  // 1 column per group when N == NUMBER_OF_COLUMNS
  CHECK_FALSE(is_valid_custody_group_count(config, 129));
}

TEST_CASE("compute_columns_for_custody_group with fewer groups than columns", "[data_columns]") {
  ChainConfig config;
  config.number_of_custody_groups = 64;
  CHECK(compute_columns_for_custody_group(config, 5) == std::vector<ColumnIndex>{5, 69});
  NodeId node_id{};
  const std::vector<ColumnIndex> columns = get_data_columns(config, node_id, 2);
  CHECK(columns.size() == 4);
  CHECK(std::is_sorted(columns.begin(), columns.end()));
}

}  // namespace
}  // namespace peers
