// known_failures: see known_failures.h.
#include "cli/known_failures.h"

#include <cstdint>
#include <fstream>

#include "cli/trace_paths.h"

namespace replay {

bool load_known_failures(const std::string& path, std::map<std::string, KnownFailure>* out, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = path + ": cannot open known-failures file";
    return false;
  }
  std::string line;
  for (uint64_t n = 1; std::getline(in, line); n++) {
    if (const size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    const size_t a = line.find_first_not_of(" \t\r");
    if (a == std::string::npos) continue;
    const size_t b = line.find_first_of(" \t", a);
    const std::string name = line.substr(a, b == std::string::npos ? std::string::npos : b - a);
    const size_t r = b == std::string::npos ? std::string::npos : line.find_first_not_of(" \t\r", b);
    if (r == std::string::npos) {
      *error = path + ":" + std::to_string(n) + ": expected \"<trace file name> <reason>\": \"" + name +
               "\" has no reason";
      return false;
    }
    (*out)[name] = KnownFailure{line.substr(r), false};
  }
  return true;
}

bool load_check_inputs(const std::vector<std::string>& inputs, const std::string& known_failures_path,
                       std::vector<std::string>* paths, std::map<std::string, KnownFailure>* known,
                       std::string* error) {
  if (!expand_trace_paths(inputs, paths, error)) return false;
  return known_failures_path.empty() || load_known_failures(known_failures_path, known, error);
}

}  // namespace replay
