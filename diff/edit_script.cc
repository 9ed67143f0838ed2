// edit_script: see edit_script.h.
#include "diff/edit_script.h"

#include <algorithm>

namespace replay {

namespace {

// Myers' greedy forward pass over the middle (a[pre, pre+big_n) against
// b[pre, pre+big_m), both non-empty), then the backtrack through the saved
// rounds into *middle. False when more than max_d edits are needed.
bool myers_middle(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b, size_t pre, int64_t big_n,
                  int64_t big_m, size_t max_d, std::vector<Edit>* middle_out) {
  std::vector<Edit>& middle = *middle_out;  // in reverse order while backtracking
  const int64_t d_max = std::min<int64_t>(big_n + big_m, static_cast<int64_t>(max_d));
  const int64_t offset = d_max + 1;
  std::vector<int64_t> v(static_cast<size_t>(2 * d_max + 3), 0);
  std::vector<std::vector<int64_t>> trace;  // v before each round d: O(D^2) ints, D <= max_d
  auto at = [&](std::vector<int64_t>& vec, int64_t k) -> int64_t& { return vec[static_cast<size_t>(k + offset)]; };
  int64_t found_d = -1;
  for (int64_t d = 0; d <= d_max && found_d < 0; d++) {
    trace.push_back(v);
    for (int64_t k = -d; k <= d; k += 2) {
      int64_t x = (k == -d || (k != d && at(v, k - 1) < at(v, k + 1))) ? at(v, k + 1) : at(v, k - 1) + 1;
      int64_t y = x - k;
      while (x < big_n && y < big_m && a[pre + static_cast<size_t>(x)] == b[pre + static_cast<size_t>(y)]) {
        x++;
        y++;
      }
      at(v, k) = x;
      if (x >= big_n && y >= big_m) {
        found_d = d;
        break;
      }
    }
  }
  if (found_d >= 0) {
    int64_t x = big_n, y = big_m;
    for (int64_t d = found_d; d >= 0; d--) {
      std::vector<int64_t>& vd = trace[static_cast<size_t>(d)];
      const int64_t k = x - y;
      const int64_t prev_k = (k == -d || (k != d && at(vd, k - 1) < at(vd, k + 1))) ? k + 1 : k - 1;
      const int64_t prev_x = at(vd, prev_k), prev_y = prev_x - prev_k;
      while (x > prev_x && y > prev_y) {
        x--;
        y--;
        middle.push_back({EditOp::kKeep, pre + static_cast<size_t>(x), pre + static_cast<size_t>(y)});
      }
      if (d > 0) {
        if (x == prev_x) {
          middle.push_back({EditOp::kInsert, 0, pre + static_cast<size_t>(prev_y)});
        } else {
          middle.push_back({EditOp::kDelete, pre + static_cast<size_t>(prev_x), 0});
        }
      }
      x = prev_x;
      y = prev_y;
    }
    std::reverse(middle.begin(), middle.end());
  }
  return found_d >= 0;
}

}  // namespace

std::vector<Edit> align_keys(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b, size_t max_d) {
  const size_t n = a.size(), m = b.size();
  std::vector<Edit> edits;
  edits.reserve(n + m);
  size_t pre = 0;
  while (pre < n && pre < m && a[pre] == b[pre]) pre++;
  size_t suf = 0;
  while (suf < n - pre && suf < m - pre && a[n - 1 - suf] == b[m - 1 - suf]) suf++;
  for (size_t i = 0; i < pre; i++) edits.push_back({EditOp::kKeep, i, i});

  const int64_t big_n = static_cast<int64_t>(n - pre - suf), big_m = static_cast<int64_t>(m - pre - suf);
  std::vector<Edit> middle;
  const bool solved = big_n > 0 && big_m > 0 && myers_middle(a, b, pre, big_n, big_m, max_d, &middle);
  if (!solved) {  // one side empty, or beyond max_d: replace the middle whole
    middle.clear();
    for (int64_t i = 0; i < big_n; i++) middle.push_back({EditOp::kDelete, pre + static_cast<size_t>(i), 0});
    for (int64_t j = 0; j < big_m; j++) middle.push_back({EditOp::kInsert, 0, pre + static_cast<size_t>(j)});
  }
  edits.insert(edits.end(), middle.begin(), middle.end());
  for (size_t i = 0; i < suf; i++) edits.push_back({EditOp::kKeep, n - suf + i, m - suf + i});
  return edits;
}

}  // namespace replay
