#include "peers/peer_id_str.h"

#include <catch2/catch.hpp>
#include <set>
#include <sstream>
#include <string>

#include "engine/ordered_map.h"

namespace peers {
namespace {

const char* const kPeerA = "16Uiu2HAmA1111111111111111111111111111111111111111111";
const char* const kPeerB = "16Uiu2HAmB2222222222222222222222222222222222222222222";

TEST_CASE("PeerIdStr compares by text, not by identity", "[peer_id_str]") {
  const PeerIdStr a1(kPeerA);
  const PeerIdStr a2(std::string{kPeerA});  // made separately: another shared text
  const PeerIdStr b(kPeerB);
  CHECK(a1 == a2);
  CHECK(a1.hash() == a2.hash());
  CHECK_FALSE(a1 == b);
  CHECK(a1 == std::string(kPeerA));
  CHECK(a1 == kPeerA);
  CHECK(a1 == std::string_view(kPeerA));
  CHECK(a1 < b);  // the order of the text, as std::set<std::string> had it
  CHECK(std::set<PeerIdStr>{b, a1, a2}.size() == 2);
  CHECK(a1.str() == kPeerA);
  CHECK(a1.size() == std::string(kPeerA).size());
}

TEST_CASE("PeerIdStr copies share the text and stay valid alone", "[peer_id_str]") {
  PeerIdStr copy;
  {
    const PeerIdStr original(kPeerA);
    copy = original;
    CHECK(copy.data() == original.data());  // shared, not copied
  }
  CHECK(copy == kPeerA);  // outlives the original
}

TEST_CASE("PeerIdStr: the empty id, concatenation and streaming", "[peer_id_str]") {
  const PeerIdStr empty;
  CHECK(empty.empty());
  CHECK(empty == PeerIdStr(""));
  CHECK(empty == std::string());
  CHECK(empty.hash() == ordered_map_hash_bytes(""));  // the constant agrees with the function
  const PeerIdStr a(kPeerA);
  CHECK_FALSE(a.empty());
  CHECK("peer " + a + " left" == std::string("peer ") + kPeerA + " left");
  CHECK(std::string("x") + a == std::string("x") + kPeerA);
  std::ostringstream out;
  out << a;
  CHECK(out.str() == kPeerA);
}

TEST_CASE("PeerIdStr keys an OrderedMap through its cached hash", "[peer_id_str]") {
  OrderedMap<PeerIdStr, int> map;
  map.set(PeerIdStr(kPeerA), 1);
  map.set(PeerIdStr(kPeerB), 2);
  CHECK(map.find(PeerIdStr(std::string(kPeerA))) != nullptr);
  CHECK(*map.find(PeerIdStr(kPeerB)) == 2);
  CHECK(OrderedMapHash<PeerIdStr>{}(PeerIdStr(kPeerA)) == ordered_map_hash_bytes(kPeerA));
  CHECK(map.erase(PeerIdStr(kPeerA)));
  CHECK(map.find(PeerIdStr(kPeerA)) == nullptr);
}

TEST_CASE("PeerIdTable shares one id per text and forgets when full", "[peer_id_str]") {
  PeerIdTable table;
  const PeerIdStr a1 = table.get(std::string(kPeerA));
  const PeerIdStr a2 = table.get(std::string_view(kPeerA));
  const PeerIdStr b = table.get(kPeerB);
  CHECK(a1 == PeerIdStr(kPeerA));
  CHECK(a1.data() == a2.data());  // one Rep: the same text storage
  CHECK(a1.data() != b.data());
  CHECK(table.size() == 2);
  CHECK(table.get("").empty());
  CHECK(table.size() == 2);

  // Filling it up drops every entry once; ids already handed out stay valid.
  for (size_t i = table.size(); i < PeerIdTable::kMaxIds; i++) (void)table.get("filler-" + std::to_string(i));
  CHECK(table.size() == PeerIdTable::kMaxIds);
  const PeerIdStr a3 = table.get(kPeerA);  // still there: a hit does not grow it
  CHECK(a3.data() == a1.data());
  const PeerIdStr c = table.get("one-more");
  CHECK(table.size() == 1);
  CHECK(c == PeerIdStr("one-more"));
  const PeerIdStr a4 = table.get(kPeerA);  // forgotten: a new Rep, an equal id
  CHECK(a4 == a1);
  CHECK(a4.data() != a1.data());
  CHECK(a1.str() == kPeerA);
}

}  // namespace
}  // namespace peers
