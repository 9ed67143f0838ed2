#include "peers/goodbye.h"

#include <catch2/catch.hpp>
#include <string>

namespace peers {
namespace {

TEST_CASE("GoodByeReasonCode values are Lodestar's", "[goodbye]") {
  CHECK(static_cast<int64_t>(GoodByeReasonCode::INBOUND_DISCONNECT) == -1);
  CHECK(static_cast<int64_t>(GoodByeReasonCode::CLIENT_SHUTDOWN) == 1);
  CHECK(static_cast<int64_t>(GoodByeReasonCode::IRRELEVANT_NETWORK) == 2);
  CHECK(static_cast<int64_t>(GoodByeReasonCode::ERROR) == 3);
  CHECK(static_cast<int64_t>(GoodByeReasonCode::TOO_MANY_PEERS) == 129);
  CHECK(static_cast<int64_t>(GoodByeReasonCode::SCORE_TOO_LOW) == 250);
  CHECK(static_cast<int64_t>(GoodByeReasonCode::BANNED) == 251);
}

TEST_CASE("GOODBYE_KNOWN_CODES lookups as TS does them", "[goodbye]") {
  CHECK(goodbye_known_code_name("-1") == "InboundDisconnect");
  CHECK(goodbye_known_code_name("0") == "Unknown");
  CHECK(goodbye_known_code_name("128") == "Unable to verify network");
  CHECK(goodbye_known_code_name("251") == "Peer banned this node");
  CHECK(goodbye_known_code_name("252") == "");
  CHECK(goodbye_known_code_name("18446744073709551615") == "");
  for (const GoodbyeKnownCode& known : kGoodbyeKnownCodes) {
    const auto code = static_cast<GoodByeReasonCode>(std::stoll(std::string(known.code)));
    CHECK(goodbye_known_code_name(code) == known.name);
  }
  CHECK(goodbye_known_code_name(static_cast<GoodByeReasonCode>(7)) == "");
  CHECK(goodbye_reason_code_member(GoodByeReasonCode::TOO_MANY_PEERS) == "TOO_MANY_PEERS");
  CHECK_FALSE(goodbye_reason_code_member(static_cast<GoodByeReasonCode>(0)).has_value());
}

}  // namespace
}  // namespace peers
