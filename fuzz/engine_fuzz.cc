// libFuzzer target for the engine: the input bytes are the choices of the
// shared simulator (sim/simulator.h), which turns them into a valid event
// stream for a PeerManager set up from the same bytes, and checks every
// invariant after every event (sim/invariants.h); at the end a fresh engine
// fed the accepted events must make the same actions and reach the same state
// digest. The fuzz preset keeps asserts on, so PeerManager::check_invariants
// also runs after every step. A broken invariant aborts with its message.
//
//   bash fuzz/run.sh 600      # runs every fuzzer, this one included
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "sim/choices.h"
#include "sim/simulator.h"

namespace {

constexpr int kPeerPool = 10;   // a small pool, so events meet the same peers
constexpr int kMaxInputs = 64;  // per fuzzer input: keeps an input fast

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sim::ByteChoices choices(data, size);
  sim::SimOptions options;
  options.peers = kPeerPool;
  options.vary_setup = true;
  options.keep_events = true;
  sim::Simulator simulator(options, &choices);
  bool ok = simulator.start();
  for (int n = 0; ok && n < kMaxInputs && !choices.exhausted(); n++) ok = simulator.step_input();
  ok = ok && simulator.finish();
  const sim::SimReport r = simulator.report();
  if (std::getenv("ENGINE_FUZZ_VERBOSE") != nullptr) {  // triage: how deep did this input get?
    std::fprintf(stderr, "engine_fuzz: %llu inputs, %llu events stepped, %llu actions\n",
                 static_cast<unsigned long long>(r.inputs), static_cast<unsigned long long>(r.counts.events_stepped),
                 static_cast<unsigned long long>(r.counts.actions));
  }
  if (!ok) {
    std::fprintf(stderr, "engine_fuzz: invariant broken at event %llu: %s\n",
                 static_cast<unsigned long long>(r.violation_event), r.violation.c_str());
    std::abort();
  }
  return 0;
}
