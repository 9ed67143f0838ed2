// peer-replay-vocabulary: prints every enum <-> name table of the trace
// boundary as one JSON object (replay/vocabulary.h), for the tests that hold
// the JS and TypeScript sides to the engine's tables.
#include <iostream>

#include "replay/vocabulary.h"

int main() {
  std::cout << replay::vocabulary().dump(2) << "\n";
  return 0;
}
