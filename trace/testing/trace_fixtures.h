// Test fixtures shared by the reader, diff and robustness tests: one small
// valid header (FORMAT.md §2.1), so a change to the format's header changes
// one place. Tests only.
#ifndef PEER_REPLAY_TRACE_TESTING_TRACE_FIXTURES_H_
#define PEER_REPLAY_TRACE_TESTING_TRACE_FIXTURES_H_

namespace replay::testing {

// forkDigest "aabbccdd" is unique in it: tests replace it to plant values.
inline constexpr const char* kHeader =
    R"({"type":"header","format":"peer-replay-trace","format_version":1,)"
    R"("producer":{"name":"test","version":"0","mode":"scripted"},"scenario":"t","seed":"1",)"
    R"("config":{"targetPeers":4,"maxPeers":6,"targetGroupPeers":6,"gossipDecayIntervalMs":12000,)"
    R"("disablePeerScoring":false,"genesisTime":1600000000,"discovery":true,)"
    R"("chain":{"SLOTS_PER_EPOCH":32,"SLOT_DURATION_MS":12000,"CUSTODY_REQUIREMENT":4,"SAMPLES_PER_SLOT":8,)"
    R"("NUMBER_OF_CUSTODY_GROUPS":128,"NUMBER_OF_COLUMNS":128,"DATA_COLUMN_SIDECAR_SUBNET_COUNT":128,)"
    R"("ALTAIR_FORK_EPOCH":0,"BELLATRIX_FORK_EPOCH":0,"CAPELLA_FORK_EPOCH":0,"DENEB_FORK_EPOCH":0,)"
    R"("ELECTRA_FORK_EPOCH":0,"FULU_FORK_EPOCH":0,"GLOAS_FORK_EPOCH":null}},)"
    R"("local":{"nodeId":"0000000000000000000000000000000000000000000000000000000000000000","custodyGroupCount":4,)"
    R"("sampleGroups":[1,2],"sampledSubnets":[1,2],"status":{"forkDigest":"aabbccdd",)"
    R"("finalizedRoot":"0101010101010101010101010101010101010101010101010101010101010101","finalizedEpoch":30,)"
    R"("headRoot":"0202020202020202020202020202020202020202020202020202020202020202","headSlot":1000}}})";

}  // namespace replay::testing

#endif  // PEER_REPLAY_TRACE_TESTING_TRACE_FIXTURES_H_
