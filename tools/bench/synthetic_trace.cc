#include "tools/bench/synthetic_trace.h"

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "engine/testing/split_mix64.h"
#include "trace/trace_writer.h"

namespace bench {

namespace {

using peers::testing::SplitMix64;

const char* kStatus =
    R"({"forkDigest":"aabbccdd","finalizedRoot":"0101010101010101010101010101010101010101010101010101010101010101",)"
    R"("finalizedEpoch":30,"headRoot":"0202020202020202020202020202020202020202020202020202020202020202","headSlot":1000,)"
    R"("earliestAvailableSlot":0})";

std::string header(uint64_t seed) {
  return std::string(R"({"type":"header","format":"peer-replay-trace","format_version":1,)") +
         R"("producer":{"name":"peer-replay-synthetic","version":"0.1.0","mode":"scripted"},)" +
         R"("scenario":"synthetic-bench","seed":")" + std::to_string(seed) + R"(",)" +
         R"("config":{"targetPeers":200,"maxPeers":210,"targetGroupPeers":6,"gossipDecayIntervalMs":12000,)" +
         R"("disablePeerScoring":false,"genesisTime":1600000000,"discovery":true,)" +
         R"("chain":{"SLOTS_PER_EPOCH":32,"SLOT_DURATION_MS":12000,"CUSTODY_REQUIREMENT":4,"SAMPLES_PER_SLOT":8,)" +
         R"("NUMBER_OF_CUSTODY_GROUPS":128,"NUMBER_OF_COLUMNS":128,"DATA_COLUMN_SIDECAR_SUBNET_COUNT":128,)" +
         R"("ALTAIR_FORK_EPOCH":0,"BELLATRIX_FORK_EPOCH":0,"CAPELLA_FORK_EPOCH":0,"DENEB_FORK_EPOCH":0,)" +
         R"("ELECTRA_FORK_EPOCH":0,"FULU_FORK_EPOCH":0,"GLOAS_FORK_EPOCH":null}},)" +
         R"("local":{"nodeId":"00000000000000000000000000000000000000000000000000000000000000aa",)" +
         R"("custodyGroupCount":4,"sampleGroups":[3,17,40,77,90,101,110,127],"sampledSubnets":[3,17,40,77,90,101,110,127],)" +
         R"("status":)" + kStatus + "}}\n";
}

std::string peer_id(uint64_t i) {
  // libp2p secp256k1 ids are 53 characters starting with 16Uiu2HAm.
  static const char* kAlphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  std::string s = "16Uiu2HAm";
  uint64_t x = i * 0x9E3779B97F4A7C15ull + 12345;
  while (s.size() < 53) {
    s.push_back(kAlphabet[x % 58]);
    x = x * 6364136223846793005ull + 1442695040888963407ull;
  }
  return s;
}

std::string num(double d) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", d);
  return buf;
}

std::string score_entry(const std::string& peer, double lodestar, double gossip, int64_t t_ms) {
  return R"({"peer":")" + peer + R"(","lodestar":)" + num(lodestar) + R"(,"gossip":)" + num(gossip) +
         R"(,"ignore_negative":false,"score":)" + num(lodestar + gossip * 0.0011875) + R"(,"last_update_ms":)" +
         std::to_string(t_ms) + "}";
}

}  // namespace

bool write_synthetic_trace(const std::string& path, const SyntheticOptions& opts, SyntheticResult* result,
                           std::string* error) {
  // TraceWriter (replay/trace_writer.h) writes through an AtomicFile and picks
  // zstd by the name, so the name must agree with opts.zstd.
  const bool zst_name = path.size() >= 4 && path.compare(path.size() - 4, 4, ".zst") == 0;
  if (zst_name != opts.zstd) {
    *error = path + ": the name must end in .zst exactly when the trace is compressed";
    return false;
  }
  auto created = replay::TraceWriter::create(path, opts.zstd_level);
  if (!created.is_ok()) {
    *error = created.status().message();
    return false;
  }
  replay::TraceWriter& writer = *created.value();
  // The generator builds records with their "\n"; the writer adds its own.
  peers::Status status;
  auto write = [&writer, &status](const std::string& line) {
    if (status.is_ok()) status = writer.write_line(std::string_view(line).substr(0, line.size() - 1));
    return status.is_ok();
  };
  SplitMix64 rng{opts.seed};
  std::vector<std::string> peers;
  for (int i = 0; i < opts.peers; i++) peers.push_back(peer_id(static_cast<uint64_t>(i)));
  int64_t t_ms = 1600012000500;
  uint64_t seq = 0, req = 0;
  bool ok = write(header(opts.seed));
  std::string ev, ex;
  while (ok && writer.text_bytes() < opts.target_jsonl_bytes) {
    seq++;
    t_ms += static_cast<int64_t>(rng.below(40));
    const std::string& peer = peers[rng.below(peers.size())];
    const std::string head = R"({"type":"event","seq":)" + std::to_string(seq) + R"(,"t_ms":)" + std::to_string(t_ms);
    const std::string ex_head = R"({"type":"expect","seq":)" + std::to_string(seq) + R"(,"actions":[)";
    const uint64_t pick = rng.below(1000);
    if (pick < 5) {  // heartbeat: full score dump, rand draws
      ev = head + R"(,"kind":"timer","timer":"heartbeat","active_attnets":[{"subnet":5,"toSlot":1100}],"active_syncnets":[],"rand":[)";
      for (int i = 0; i < 20; i++) ev += (i ? "," : "") + num(rng.unit());
      ev += "]}\n";
      ex = ex_head + R"({"kind":"discover_peers","peers_to_connect":3,"custody_group_queries":[[4,2]],"subnet_queries":[]}],"scores":[)";
      for (size_t i = 0; i < peers.size(); i++) {
        ex += (i ? "," : "") + score_entry(peers[i], -rng.unit() * 30, rng.unit() * 10 - 5, t_ms);
      }
      ex += R"(],"scores_full":true})" "\n";
    } else if (pick < 250) {
      ev = head + R"(,"kind":"response","req":)" + std::to_string(req > 0 ? req - rng.below(req < 5 ? req : 5) : 1) +
           R"(,"ok":)" + kStatus + "}\n";
      ex = ex_head + R"({"kind":"peer_connected","peer":")" + peer +
           R"(","client":"Lighthouse","custody_columns":[3,17,40,77],"status":)" + kStatus + "}]}\n";
    } else if (pick < 450) {
      ev = head + R"(,"kind":"request","peer":")" + peer + R"(","method":"ping","body":")" +
           std::to_string(rng.below(10)) + "\"}\n";
      ex = ex_head + R"({"kind":"send_metadata","peer":")" + peer + R"(","req":)" + std::to_string(++req) + "}]}\n";
    } else if (pick < 650) {
      ev = head + R"(,"kind":"timer","timer":"ping_status"})" "\n";
      ex = ex_head + R"({"kind":"send_ping","peer":")" + peer + R"(","req":)" + std::to_string(++req) + "}]}\n";
    } else if (pick < 800) {
      ev = head + R"(,"kind":"connection_open","peer":")" + peer + R"(","conn":"c)" + std::to_string(seq) +
           R"(","direction":"outbound","node_id":"9a0c00000000000000000000000000000000000000000000000000000000ff01"})" "\n";
      const uint64_t ping_req = ++req;
      const uint64_t status_req = ++req;
      ex = ex_head + R"({"kind":"send_ping","peer":")" + peer + R"(","req":)" + std::to_string(ping_req) +
           R"(},{"kind":"send_status","peer":")" + peer + R"(","req":)" + std::to_string(status_req) + R"(,"status":)" +
           kStatus + "}]}\n";
    } else if (pick < 900) {
      ev = head + R"(,"kind":"timer","timer":"gossip_scores","gossip_scores":[)";
      for (size_t i = 0; i < 20; i++) ev += (i ? "," : "") + std::string("[\"") + peers[i] + "\"," + num(rng.unit() * 4 - 2) + "]";
      ev += "]}\n";
      ex = ex_head + R"(],"scores":[)" + score_entry(peer, -3.5, 1.25, t_ms) + "]}\n";
    } else {
      ev = head + R"(,"kind":"report_peer","peer":")" + peer +
           R"(","action":"LowToleranceError","action_name":"bench"})" "\n";
      ex = ex_head + R"(],"scores":[)" + score_entry(peer, -10 * rng.unit(), 0, t_ms) + "]}\n";
    }
    ok = write(ev) && write(ex);
  }
  ok = ok && write(R"({"type":"end","events":)" + std::to_string(seq) + "}\n");
  if (ok) status = writer.commit();
  if (!status.is_ok()) {
    *error = path + ": " + status.message();
    return false;
  }
  result->events = seq;
  result->jsonl_bytes = writer.text_bytes();
  result->file_bytes = std::filesystem::file_size(path);
  return true;
}

}  // namespace bench
