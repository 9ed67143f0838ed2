// lodestar_version: see lodestar_version.h.
#include "replay/lodestar_version.h"

#ifndef PEER_REPLAY_LODESTAR_VERSION
#error "PEER_REPLAY_LODESTAR_VERSION must be defined by the build (replay/CMakeLists.txt)"
#endif

namespace replay {

const char* ported_lodestar_version() { return PEER_REPLAY_LODESTAR_VERSION; }

std::string recorded_lodestar_version(JsonRef header) {
  JsonRef producer = header.find("producer");
  if (!producer.is_object()) return "";
  JsonRef packages = producer.find("packages");
  if (!packages.is_object()) {
    JsonRef source = producer.find("source");
    if (source.is_object()) packages = source.find("packages");
  }
  if (!packages.is_object()) return "";
  JsonRef v = packages.find("@lodestar/beacon-node");
  return v.is_string() ? std::string(v.str()) : "";
}

std::string lodestar_version_mismatch(JsonRef header) {
  const std::string recorded = recorded_lodestar_version(header);
  if (recorded.empty() || recorded == ported_lodestar_version()) return "";
  return std::string("recorded from @lodestar/beacon-node ") + recorded + ", the engine ports " +
         ported_lodestar_version();
}

}  // namespace replay
