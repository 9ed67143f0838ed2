// Every enum <-> name table of the trace boundary, as one JSON object
// ({"event_kinds": ["init", ...], ...}): what `peer-replay-vocabulary`
// prints, and what tools/recorder/test/vocabulary.test.mjs holds the JS
// validator, bindings/node/index.d.ts and fuzz/trace.dict to. The tables
// themselves live beside their enums (engine/include/peers/enum_names.h); this file only
// gathers them.
#ifndef PEER_REPLAY_REPLAY_VOCABULARY_H_
#define PEER_REPLAY_REPLAY_VOCABULARY_H_

#include <nlohmann/json.hpp>

namespace replay {

nlohmann::json vocabulary();

}  // namespace replay

#endif  // PEER_REPLAY_REPLAY_VOCABULARY_H_
