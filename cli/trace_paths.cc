// trace_paths: see trace_paths.h.
#include "cli/trace_paths.h"

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <utility>

namespace replay {

namespace fs = std::filesystem;

bool is_trace_file_name(const std::string& name) {
  auto ends_with = [&](const char* suffix) {
    const std::string s(suffix);
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return ends_with(".jsonl") || ends_with(".jsonl.zst");
}

bool expand_trace_paths(const std::vector<std::string>& inputs, std::vector<std::string>* out, std::string* error) {
  for (const std::string& input : inputs) {
    if (input == "-") {  // standard input: one trace (TraceReader::open)
      out->push_back(input);
      continue;
    }
    std::error_code ec;
    const fs::file_status st = fs::status(input, ec);
    if (ec || !fs::exists(st)) {
      *error = input + ": no such file or directory";
      return false;
    }
    if (!fs::is_directory(st)) {
      out->push_back(input);
      continue;
    }
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(input, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec) && is_trace_file_name(it->path().filename().string())) {
        found.push_back(it->path().string());
      }
    }
    if (ec) {
      *error = input + ": cannot list directory: " + ec.message();
      return false;
    }
    if (found.empty()) {
      *error = no_trace_error(input);
      return false;
    }
    std::sort(found.begin(), found.end());
    out->insert(out->end(), found.begin(), found.end());
  }
  return true;
}

uint64_t trace_file_bytes(const std::string& path) {
  std::error_code ec;
  const uintmax_t n = path == "-" ? 0 : fs::file_size(path, ec);
  return ec ? 0 : static_cast<uint64_t>(n);
}

std::string no_trace_error(const std::string& dir) {
  return dir + ": no trace (*.jsonl, *.jsonl.zst) in this directory";
}

bool list_traces_by_relative_path(const std::string& dir, std::map<std::string, std::string>* out,
                                  std::string* error) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && is_trace_file_name(it->path().filename().string())) {
      (*out)[fs::relative(it->path(), dir, ec).generic_string()] = it->path().string();
    }
  }
  if (ec) {
    *error = dir + ": cannot list directory: " + ec.message();
    return false;
  }
  return true;
}

std::unique_ptr<TraceReader> open_trace_for_command(const std::string& path, ReaderOptions options, std::ostream& err,
                                                    bool quiet) {
  if (!quiet) options.on_warning = [&err](const std::string& m) { err << m << "\n"; };
  auto opened = TraceReader::open(path, std::move(options));
  if (!opened.is_ok()) {
    err << opened.status().message() << "\n";
    return nullptr;
  }
  return std::move(opened.value());
}

}  // namespace replay
