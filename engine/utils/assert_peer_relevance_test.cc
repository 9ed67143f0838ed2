// Tests of assert_peer_relevance / render_irrelevant_peer_type / is_zero_root.
//
// Expected values come from the REAL Lodestar (the version tools/recorder/package.json pins) assertPeerRelevance and
// renderIrrelevantPeerType, in engine/testdata/assert_peer_relevance_cases.json,
// made by engine/testdata/gen_relevance_custody.mjs (encoding documented
// there). The cases named "lodestar: ..." are Lodestar's own
// assertPeerRelevance.test.ts.
#include "engine/utils/assert_peer_relevance.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace peers {
namespace {

using nlohmann::json;

template <size_t N>
std::array<uint8_t, N> from_hex(const std::string& hex) {
  REQUIRE(hex.size() == 2 * N);
  std::array<uint8_t, N> out{};
  for (size_t i = 0; i < N; i++) out[i] = static_cast<uint8_t>(std::stoul(hex.substr(2 * i, 2), nullptr, 16));
  return out;
}

ChainStatus status_from(const json& s) {
  ChainStatus out;
  out.fork_digest = from_hex<4>(s[0].get<std::string>());
  out.finalized_root = from_hex<32>(s[1].get<std::string>());
  out.finalized_epoch = s[2].get<int64_t>();
  out.head_root.fill(9);
  out.head_slot = s[3].get<int64_t>();
  if (!s[4].is_null()) out.earliest_available_slot = s[4].get<int64_t>();
  return out;
}

ForkSeq fork_from(const std::string& name) {
  for (int i = 0; i < kForkCount; i++) {
    if (name == fork_name(static_cast<ForkSeq>(i))) return static_cast<ForkSeq>(i);
  }
  FAIL("unknown fork " << name);
  return ForkSeq::phase0;
}

TEST_CASE("assert_peer_relevance matches the pinned Lodestar on every recorded case", "[relevance][fixture]") {
  std::ifstream in(std::string(PEER_REPLAY_SOURCE_DIR) + "/engine/testdata/assert_peer_relevance_cases.json");
  REQUIRE(in.good());
  const json fixture = json::parse(in);
  size_t lodestar_cases = 0;
  for (const json& c : fixture["cases"]) {
    const std::string name = c["name"].get<std::string>();
    if (name.rfind("lodestar: ", 0) == 0) lodestar_cases++;
    INFO("case: " << name);
    const std::optional<IrrelevantPeerType> got =
        assert_peer_relevance(fork_from(c["fork"].get<std::string>()), status_from(c["remote"]),
                              status_from(c["local"]), c["currentSlot"].get<int64_t>());
    const json& expect = c["expect"];
    REQUIRE(got.has_value() == !expect.is_null());
    if (!got.has_value()) continue;
    CHECK(irrelevant_peer_code_value(got->code) == expect["code"].get<std::string>());
    CHECK(render_irrelevant_peer_type(*got) == expect["rendered"].get<std::string>());
    if (expect.contains("slotDiff")) CHECK(got->slot_diff == expect["slotDiff"].get<int64_t>());
    if (expect.contains("ours")) CHECK(got->ours == from_hex<4>(expect["ours"].get<std::string>()));
    if (expect.contains("theirs")) CHECK(got->theirs == from_hex<4>(expect["theirs"].get<std::string>()));
    if (expect.contains("expectedRoot")) {
      CHECK(got->expected_root == from_hex<32>(expect["expectedRoot"].get<std::string>()));
      CHECK(got->remote_root == from_hex<32>(expect["remoteRoot"].get<std::string>()));
    }
  }
  CHECK(lodestar_cases == 5);
}

TEST_CASE("assert_peer_relevance checks fork, clock, finalized root, then earliestAvailableSlot", "[relevance]") {
  ChainStatus local;
  local.fork_digest = {1, 2, 3, 4};
  local.finalized_root.fill(1);
  local.finalized_epoch = 5;
  local.head_slot = 100;
  local.earliest_available_slot = 0;
  ChainStatus remote = local;
  CHECK_FALSE(assert_peer_relevance(ForkSeq::fulu, remote, local, 100).has_value());

  remote.earliest_available_slot.reset();
  CHECK(assert_peer_relevance(ForkSeq::fulu, remote, local, 100)->code ==
        IrrelevantPeerCode::NO_EARLIEST_AVAILABLE_SLOT);
  CHECK_FALSE(assert_peer_relevance(ForkSeq::electra, remote, local, 100).has_value());

  remote.finalized_root.fill(2);
  CHECK(assert_peer_relevance(ForkSeq::fulu, remote, local, 100)->code == IrrelevantPeerCode::DIFFERENT_FINALIZED);

  remote.head_slot = 102;
  const auto clocks = assert_peer_relevance(ForkSeq::fulu, remote, local, 100);
  CHECK(clocks->code == IrrelevantPeerCode::DIFFERENT_CLOCKS);
  CHECK(clocks->slot_diff == 2);
  CHECK(render_irrelevant_peer_type(*clocks) == "DIFFERENT_CLOCKS slotDiff: 2");

  remote.fork_digest = {1, 2, 3, 5};
  const auto forks = assert_peer_relevance(ForkSeq::fulu, remote, local, 100);
  CHECK(forks->code == IrrelevantPeerCode::INCOMPATIBLE_FORKS);
  CHECK(render_irrelevant_peer_type(*forks) == "INCOMPATIBLE_FORKS ours: 0x01020304 theirs: 0x01020305");
}

TEST_CASE("is_zero_root", "[relevance]") {
  Root root{};
  CHECK(is_zero_root(root));
  root[31] = 1;
  CHECK_FALSE(is_zero_root(root));
}

}  // namespace
}  // namespace peers
