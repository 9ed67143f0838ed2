// JavaScript's Array.prototype.sort(comparefn) as V8 11.3 (Node 20) runs it:
// a port of V8's third_party/v8/builtins/array-sort.tq, a TimSort after
// CPython's listobject.c.
//
// Why a port and not std::stable_sort: for a consistent comparator every
// stable sort has one result, but a comparator that is no order (one that
// returns NaN, which counts as 0, for some pairs while other pairs compare
// unequal; or any comparator that is not a strict weak order) has as many
// results as there are sort algorithms. Lodestar's comparators are such when a
// score is NaN, and the port must then order exactly as V8 does: the same
// comparator calls, with the same (x, y) arguments, in the same sequence.
//
// Each function below is one Torque macro or builtin, in snake_case, with the
// same variable names and statements, to read side by side with array-sort.tq.
// What V8 does around the algorithm and a C++ range does not need is left out:
// the copy of the receiver into a work array and back (the range is sorted in
// place, which is the same), holes and `undefined` (moved to the end without
// comparison; a range here holds none), the accessor checks and bailouts (the
// comparator cannot change the range).
//
// Comparator: compare(x, y) returns a double with comparefn's meaning: < 0
// puts x before y; NaN counts as 0 (SortCompareUserFn). It must not modify the
// range. No allocation per comparison: one temporary array per sort, grown as
// GetTempArray grows it.
#ifndef PEER_REPLAY_ENGINE_UTILS_JS_SORT_H_
#define PEER_REPLAY_ENGINE_UTILS_JS_SORT_H_

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <utility>
#include <vector>

namespace peers {
namespace js_sort_internal {

// array-sort.tq's constants.
inline constexpr int64_t kMaxMergePending = 85;  // the pending-runs stack's capacity
inline constexpr int64_t kMinGallopWins = 7;     // the initial min_gallop
inline constexpr int64_t kSortStateTempSize = 32;  // the temporary array's least size

// The longest range sorted: V8's sort length is a Smi (31 bits on x64 without
// pointer compression, as Node ships).
inline constexpr int64_t kMaxSortLength = (int64_t{1} << 31) - 1;

// Sorts [work, work + length) in place, as ArrayTimSort sorts its work array.
template <typename RandomIt, typename Compare>
class SortState {
 public:
  using T = typename std::iterator_traits<RandomIt>::value_type;

  SortState(RandomIt work_array, int64_t length, const Compare& compare)
      : work_array_(work_array), length_(length), compare_(compare) {
    assert(length >= 0 && length <= kMaxSortLength);
  }

  // ArrayTimSort. V8 11.3 sorts every length with ArrayTimSortImpl: the
  // shortcut of later versions (below kMinTimSortLen = 10 elements, binary
  // insertion sort alone, whose comparator calls differ) is not in it, as the
  // fixture recorded from Node 20 shows.
  void array_tim_sort() { array_tim_sort_impl(length_); }

 private:
  struct Run {
    int64_t base;
    int64_t length;
  };

  // SortState.Compare and SortCompareUserFn: the comparator's result, NaN
  // counting as 0. Only its sign is read.
  double compare(const T& x, const T& y) const {
    const double v = static_cast<double>(compare_(x, y));
    if (std::isnan(v)) return 0;
    return v;
  }

  // GetTempArray: the temporary array, at least requested_size long.
  T* get_temp_array(int64_t requested_size) {
    const int64_t min_size = std::max(kSortStateTempSize, requested_size);
    if (static_cast<int64_t>(temp_array_.size()) < min_size) temp_array_.resize(static_cast<size_t>(min_size));
    return temp_array_.data();
  }

  // PushRun.
  void push_run(int64_t base, int64_t length) {
    assert(pending_runs_size_ < kMaxMergePending);
    pending_runs_[static_cast<size_t>(pending_runs_size_)] = Run{base, length};
    pending_runs_size_ += 1;
  }

  int64_t get_pending_run_length(int64_t run) const {
    assert(run >= 0 && run < pending_runs_size_);
    return pending_runs_[static_cast<size_t>(run)].length;
  }

  // Copy: length elements from source[src_pos] to target[dst_pos]; from the
  // back when src_pos < dst_pos so that overlapping ranges are not
  // overwritten.
  template <typename Source, typename Target>
  static void copy(Source source, int64_t src_pos, Target target, int64_t dst_pos, int64_t length) {
    assert(src_pos >= 0 && dst_pos >= 0 && length >= 0);
    if (src_pos < dst_pos) {
      int64_t src_idx = src_pos + length - 1;
      int64_t dst_idx = dst_pos + length - 1;
      while (src_idx >= src_pos) target[dst_idx--] = source[src_idx--];
    } else {
      int64_t src_idx = src_pos;
      int64_t dst_idx = dst_pos;
      const int64_t to = src_pos + length;
      while (src_idx < to) target[dst_idx++] = source[src_idx++];
    }
  }

  // BinaryInsertionSort: [low, high) sorted by binary insertion, given that
  // [low, start_arg) is sorted. Stable.
  void binary_insertion_sort(int64_t low, int64_t start_arg, int64_t high) {
    assert(low <= start_arg && start_arg <= high);
    RandomIt work_array = work_array_;

    int64_t start = low == start_arg ? (start_arg + 1) : start_arg;

    for (; start < high; ++start) {
      // Set left to where a[start] belongs.
      int64_t left = low;
      int64_t right = start;

      const T pivot = work_array[right];

      // Invariants:
      //   pivot >= all in [low, left).
      //   pivot  < all in [right, start).
      assert(left < right);

      // Find pivot insertion point.
      while (left < right) {
        const int64_t mid = left + ((right - left) >> 1);
        const double order = compare(pivot, work_array[mid]);

        if (order < 0) {
          right = mid;
        } else {
          left = mid + 1;
        }
      }
      assert(left == right);

      // pivot belongs at left; slide over to make room.
      for (int64_t p = start; p > left; --p) work_array[p] = work_array[p - 1];
      work_array[left] = pivot;
    }
  }

  // CountAndMakeRun: the length of the run at low in [low, high): the longest
  // ascending (a[low] <= a[low + 1] <= ...) or strictly descending
  // (a[low] > a[low + 1] > ...) sequence; a descending run is reversed.
  int64_t count_and_make_run(int64_t low_arg, int64_t high) {
    assert(low_arg < high);
    RandomIt work_array = work_array_;

    const int64_t low = low_arg + 1;
    if (low == high) return 1;

    int64_t run_length = 2;

    const T& element_low = work_array[low];
    const T& element_low_pred = work_array[low - 1];
    double order = compare(element_low, element_low_pred);

    const bool is_descending = order < 0;

    int64_t previous = low;  // previousElement is work_array[previous]
    for (int64_t idx = low + 1; idx < high; ++idx) {
      const T& current_element = work_array[idx];
      order = compare(current_element, work_array[previous]);

      if (is_descending) {
        if (order >= 0) break;
      } else {
        if (order < 0) break;
      }

      previous = idx;
      ++run_length;
    }

    if (is_descending) reverse_range(low_arg, low_arg + run_length);

    return run_length;
  }

  // ReverseRange: [from, to) reversed.
  void reverse_range(int64_t from, int64_t to) {
    int64_t low = from;
    int64_t high = to - 1;
    while (low < high) {
      using std::swap;
      swap(work_array_[low++], work_array_[high--]);
    }
  }

  // MergeAt: merges the runs at stack indices i and i + 1.
  void merge_at(int64_t i) {
    const int64_t stack_size = pending_runs_size_;

    // Only the two top-most runs, or the two below the top-most one.
    assert(stack_size >= 2);
    assert(i >= 0);
    assert(i == stack_size - 2 || i == stack_size - 3);

    RandomIt work_array = work_array_;

    int64_t base_a = pending_runs_[static_cast<size_t>(i)].base;
    int64_t length_a = pending_runs_[static_cast<size_t>(i)].length;
    const int64_t base_b = pending_runs_[static_cast<size_t>(i + 1)].base;
    int64_t length_b = pending_runs_[static_cast<size_t>(i + 1)].length;
    assert(length_a > 0 && length_b > 0);
    assert(base_a + length_a == base_b);

    // Record the length of the combined runs; if i is the 3rd-last run now,
    // also slide over the last run (which isn't involved in this merge).
    pending_runs_[static_cast<size_t>(i)].length = length_a + length_b;
    if (i == stack_size - 3) pending_runs_[static_cast<size_t>(i + 1)] = pending_runs_[static_cast<size_t>(i + 2)];
    pending_runs_size_ = stack_size - 1;

    // Where does b start in a? Elements in a before that are in place.
    const T key_right = work_array[base_b];
    const int64_t k = gallop_right(work_array, key_right, base_a, length_a, 0);
    assert(k >= 0);

    base_a = base_a + k;
    length_a = length_a - k;
    if (length_a == 0) return;
    assert(length_a > 0);

    // Where does a end in b? Elements in b after that are in place.
    const T key_left = work_array[base_a + length_a - 1];
    length_b = gallop_left(work_array, key_left, base_b, length_b, length_b - 1);
    assert(length_b >= 0);
    if (length_b == 0) return;

    // Merge what remains of the runs, using a temp array with
    // min(length_a, length_b) elements.
    if (length_a <= length_b) {
      merge_low(base_a, length_a, base_b, length_b);
    } else {
      merge_high(base_a, length_a, base_b, length_b);
    }
  }

  // GallopLeft: the offset in 0..length at which key belongs in the sorted
  // array[base, base + length), left of any equal elements:
  //   array[base + offset - 1] < key <= array[base + offset].
  // hint, 0 <= hint < length, is where the search starts.
  template <typename Array>
  int64_t gallop_left(Array array, const T& key, int64_t base, int64_t length, int64_t hint) {
    assert(length > 0 && base >= 0);
    assert(0 <= hint && hint < length);

    int64_t last_ofs = 0;
    int64_t offset = 1;

    double order = compare(array[base + hint], key);

    if (order < 0) {
      // a[base + hint] < key: gallop right, until
      // a[base + hint + last_ofs] < key <= a[base + hint + offset].

      // a[base + length - 1] is highest.
      const int64_t max_ofs = length - hint;
      while (offset < max_ofs) {
        order = compare(array[base + hint + offset], key);

        // a[base + hint + offset] >= key? Break.
        if (order >= 0) break;

        last_ofs = offset;
        offset = (offset << 1) + 1;

        // Integer overflow.
        if (offset <= 0) offset = max_ofs;
      }

      if (offset > max_ofs) offset = max_ofs;

      // Translate back to positive offsets relative to base.
      last_ofs = last_ofs + hint;
      offset = offset + hint;
    } else {
      // key <= a[base + hint]: gallop left, until
      // a[base + hint - offset] < key <= a[base + hint - last_ofs].
      assert(order >= 0);

      // a[base + hint] is lowest.
      const int64_t max_ofs = hint + 1;
      while (offset < max_ofs) {
        order = compare(array[base + hint - offset], key);

        if (order < 0) break;

        last_ofs = offset;
        offset = (offset << 1) + 1;

        // Integer overflow.
        if (offset <= 0) offset = max_ofs;
      }

      if (offset > max_ofs) offset = max_ofs;

      // Translate back to positive offsets relative to base.
      const int64_t tmp = last_ofs;
      last_ofs = hint - offset;
      offset = hint - tmp;
    }

    assert(-1 <= last_ofs && last_ofs < offset && offset <= length);

    // Now a[base + last_ofs] < key <= a[base + offset]: a binary search, with
    // invariant a[base + last_ofs - 1] < key <= a[base + offset].
    last_ofs++;
    while (last_ofs < offset) {
      const int64_t m = last_ofs + ((offset - last_ofs) >> 1);

      order = compare(array[base + m], key);

      if (order < 0) {
        last_ofs = m + 1;  // a[base + m] < key.
      } else {
        offset = m;  // key <= a[base + m].
      }
    }
    // so a[base + offset - 1] < key <= a[base + offset].
    assert(last_ofs == offset);
    assert(0 <= offset && offset <= length);
    return offset;
  }

  // GallopRight: like gallop_left, but right of any equal elements:
  //   array[base + offset - 1] <= key < array[base + offset].
  // Note the argument order: the key is the comparator's x here.
  template <typename Array>
  int64_t gallop_right(Array array, const T& key, int64_t base, int64_t length, int64_t hint) {
    assert(length > 0 && base >= 0);
    assert(0 <= hint && hint < length);

    int64_t last_ofs = 0;
    int64_t offset = 1;

    double order = compare(key, array[base + hint]);

    if (order < 0) {
      // key < a[base + hint]: gallop left, until
      // a[base + hint - offset] <= key < a[base + hint - last_ofs].

      // a[base + hint] is lowest.
      const int64_t max_ofs = hint + 1;
      while (offset < max_ofs) {
        order = compare(key, array[base + hint - offset]);

        if (order >= 0) break;

        last_ofs = offset;
        offset = (offset << 1) + 1;

        // Integer overflow.
        if (offset <= 0) offset = max_ofs;
      }

      if (offset > max_ofs) offset = max_ofs;

      // Translate back to positive offsets relative to base.
      const int64_t tmp = last_ofs;
      last_ofs = hint - offset;
      offset = hint - tmp;
    } else {
      // a[base + hint] <= key: gallop right, until
      // a[base + hint + last_ofs] <= key < a[base + hint + offset].

      // a[base + length - 1] is highest.
      const int64_t max_ofs = length - hint;
      while (offset < max_ofs) {
        order = compare(key, array[base + hint + offset]);

        // a[base + hint + offset] <= key.
        if (order < 0) break;

        last_ofs = offset;
        offset = (offset << 1) + 1;

        // Integer overflow.
        if (offset <= 0) offset = max_ofs;
      }

      if (offset > max_ofs) offset = max_ofs;

      // Translate back to positive offsets relative to base.
      last_ofs = last_ofs + hint;
      offset = offset + hint;
    }
    assert(-1 <= last_ofs && last_ofs < offset && offset <= length);

    // Now a[base + last_ofs] <= key < a[base + offset]: a binary search, with
    // invariant a[base + last_ofs - 1] < key <= a[base + offset].
    last_ofs++;
    while (last_ofs < offset) {
      const int64_t m = last_ofs + ((offset - last_ofs) >> 1);

      order = compare(key, array[base + m]);

      if (order < 0) {
        offset = m;  // key < a[base + m].
      } else {
        last_ofs = m + 1;  // a[base + m] <= key.
      }
    }
    // so a[base + offset - 1] <= key < a[base + offset].
    assert(last_ofs == offset);
    assert(0 <= offset && offset <= length);
    return offset;
  }

  // MergeLow: merges the length_a elements at base_a with the length_b
  // elements at base_b (base_a + length_a == base_b), in place, front to
  // back, run A in the temporary array. Expects length_a <= length_b.
  void merge_low(int64_t base_a, int64_t length_a_arg, int64_t base_b, int64_t length_b_arg) {
    assert(0 < length_a_arg && 0 < length_b_arg);
    assert(0 <= base_a && 0 < base_b);
    assert(base_a + length_a_arg == base_b);

    int64_t length_a = length_a_arg;
    int64_t length_b = length_b_arg;

    RandomIt work_array = work_array_;
    T* temp_array = get_temp_array(length_a);
    copy(work_array, base_a, temp_array, 0, length_a);

    int64_t dest = base_a;
    int64_t cursor_temp = 0;
    int64_t cursor_b = base_b;

    work_array[dest++] = work_array[cursor_b++];

    // The Torque's labels Succeed and CopyB, as an outcome.
    enum class Exit { kSucceed, kCopyB };
    const Exit exit = [&]() -> Exit {
      if (--length_b == 0) return Exit::kSucceed;
      if (length_a == 1) return Exit::kCopyB;

      int64_t min_gallop = min_gallop_;
      // Each pass of either inner loop moves at least one element, so the
      // loops end within length_a + length_b passes.
      while (true) {
        int64_t nof_wins_a = 0;  // # of times A won in a row.
        int64_t nof_wins_b = 0;  // # of times B won in a row.

        // Do the straightforward thing until (if ever) one run appears to
        // win consistently.
        while (true) {
          assert(length_a > 1 && length_b > 0);

          const double order = compare(work_array[cursor_b], temp_array[cursor_temp]);

          if (order < 0) {
            work_array[dest++] = work_array[cursor_b++];

            ++nof_wins_b;
            --length_b;
            nof_wins_a = 0;

            if (length_b == 0) return Exit::kSucceed;
            if (nof_wins_b >= min_gallop) break;
          } else {
            work_array[dest++] = temp_array[cursor_temp++];

            ++nof_wins_a;
            --length_a;
            nof_wins_b = 0;

            if (length_a == 1) return Exit::kCopyB;
            if (nof_wins_a >= min_gallop) break;
          }
        }

        // One run is winning so consistently that galloping may be a huge
        // win. So try that, and continue galloping until (if ever) neither
        // run appears to be winning consistently anymore.
        ++min_gallop;
        bool first_iteration = true;
        while (nof_wins_a >= kMinGallopWins || nof_wins_b >= kMinGallopWins || first_iteration) {
          first_iteration = false;
          assert(length_a > 1 && length_b > 0);

          min_gallop = std::max<int64_t>(1, min_gallop - 1);
          min_gallop_ = min_gallop;

          nof_wins_a = gallop_right(temp_array, work_array[cursor_b], cursor_temp, length_a, 0);
          assert(nof_wins_a >= 0);

          if (nof_wins_a > 0) {
            copy(temp_array, cursor_temp, work_array, dest, nof_wins_a);
            dest = dest + nof_wins_a;
            cursor_temp = cursor_temp + nof_wins_a;
            length_a = length_a - nof_wins_a;

            if (length_a == 1) return Exit::kCopyB;

            // length_a == 0 is impossible now if the comparison function is
            // consistent, but we can't assume that it is.
            if (length_a == 0) return Exit::kSucceed;
          }
          work_array[dest++] = work_array[cursor_b++];
          if (--length_b == 0) return Exit::kSucceed;

          nof_wins_b = gallop_left(work_array, temp_array[cursor_temp], cursor_b, length_b, 0);
          assert(nof_wins_b >= 0);
          if (nof_wins_b > 0) {
            copy(work_array, cursor_b, work_array, dest, nof_wins_b);

            dest = dest + nof_wins_b;
            cursor_b = cursor_b + nof_wins_b;
            length_b = length_b - nof_wins_b;

            if (length_b == 0) return Exit::kSucceed;
          }
          work_array[dest++] = temp_array[cursor_temp++];
          if (--length_a == 1) return Exit::kCopyB;
        }
        ++min_gallop;  // Penalize it for leaving galloping mode
        min_gallop_ = min_gallop;
      }
    }();

    if (exit == Exit::kSucceed) {
      if (length_a > 0) copy(temp_array, cursor_temp, work_array, dest, length_a);
    } else {
      assert(length_a == 1 && length_b > 0);
      // The last element of run A belongs at the end of the merge.
      copy(work_array, cursor_b, work_array, dest, length_b);
      work_array[dest + length_b] = temp_array[cursor_temp];
    }
  }

  // MergeHigh: as merge_low, back to front, run B in the temporary array.
  // Expects length_a >= length_b.
  void merge_high(int64_t base_a, int64_t length_a_arg, int64_t base_b, int64_t length_b_arg) {
    assert(0 < length_a_arg && 0 < length_b_arg);
    assert(0 <= base_a && 0 < base_b);
    assert(base_a + length_a_arg == base_b);

    int64_t length_a = length_a_arg;
    int64_t length_b = length_b_arg;

    RandomIt work_array = work_array_;
    T* temp_array = get_temp_array(length_b);
    copy(work_array, base_b, temp_array, 0, length_b);

    // MergeHigh merges the two runs backwards.
    int64_t dest = base_b + length_b - 1;
    int64_t cursor_temp = length_b - 1;
    int64_t cursor_a = base_a + length_a - 1;

    work_array[dest--] = work_array[cursor_a--];

    // The Torque's labels Succeed and CopyA, as an outcome.
    enum class Exit { kSucceed, kCopyA };
    const Exit exit = [&]() -> Exit {
      if (--length_a == 0) return Exit::kSucceed;
      if (length_b == 1) return Exit::kCopyA;

      int64_t min_gallop = min_gallop_;
      // Each pass of either inner loop moves at least one element, so the
      // loops end within length_a + length_b passes.
      while (true) {
        int64_t nof_wins_a = 0;  // # of times A won in a row.
        int64_t nof_wins_b = 0;  // # of times B won in a row.

        // Do the straightforward thing until (if ever) one run appears to
        // win consistently.
        while (true) {
          assert(length_a > 0 && length_b > 1);

          const double order = compare(temp_array[cursor_temp], work_array[cursor_a]);

          if (order < 0) {
            work_array[dest--] = work_array[cursor_a--];

            ++nof_wins_a;
            --length_a;
            nof_wins_b = 0;

            if (length_a == 0) return Exit::kSucceed;
            if (nof_wins_a >= min_gallop) break;
          } else {
            work_array[dest--] = temp_array[cursor_temp--];

            ++nof_wins_b;
            --length_b;
            nof_wins_a = 0;

            if (length_b == 1) return Exit::kCopyA;
            if (nof_wins_b >= min_gallop) break;
          }
        }

        // One run is winning so consistently that galloping may be a huge
        // win. So try that, and continue galloping until (if ever) neither
        // run appears to be winning consistently anymore.
        ++min_gallop;
        bool first_iteration = true;
        while (nof_wins_a >= kMinGallopWins || nof_wins_b >= kMinGallopWins || first_iteration) {
          first_iteration = false;

          assert(length_a > 0 && length_b > 1);

          min_gallop = std::max<int64_t>(1, min_gallop - 1);
          min_gallop_ = min_gallop;

          int64_t k = gallop_right(work_array, temp_array[cursor_temp], base_a, length_a, length_a - 1);
          assert(k >= 0);
          nof_wins_a = length_a - k;

          if (nof_wins_a > 0) {
            dest = dest - nof_wins_a;
            cursor_a = cursor_a - nof_wins_a;
            copy(work_array, cursor_a + 1, work_array, dest + 1, nof_wins_a);

            length_a = length_a - nof_wins_a;
            if (length_a == 0) return Exit::kSucceed;
          }
          work_array[dest--] = temp_array[cursor_temp--];
          if (--length_b == 1) return Exit::kCopyA;

          k = gallop_left(temp_array, work_array[cursor_a], 0, length_b, length_b - 1);
          assert(k >= 0);
          nof_wins_b = length_b - k;

          if (nof_wins_b > 0) {
            dest = dest - nof_wins_b;
            cursor_temp = cursor_temp - nof_wins_b;
            copy(temp_array, cursor_temp + 1, work_array, dest + 1, nof_wins_b);

            length_b = length_b - nof_wins_b;
            if (length_b == 1) return Exit::kCopyA;

            // length_b == 0 is impossible now if the comparison function is
            // consistent, but we can't assume that it is.
            if (length_b == 0) return Exit::kSucceed;
          }
          work_array[dest--] = work_array[cursor_a--];
          if (--length_a == 0) return Exit::kSucceed;
        }
        ++min_gallop;
        min_gallop_ = min_gallop;
      }
    }();

    if (exit == Exit::kSucceed) {
      if (length_b > 0) {
        assert(length_a == 0);
        copy(temp_array, 0, work_array, dest - (length_b - 1), length_b);
      }
    } else {
      assert(length_b == 1 && length_a > 0);
      // The first element of run B belongs at the front of the merge.
      dest = dest - length_a;
      cursor_a = cursor_a - length_a;
      copy(work_array, cursor_a + 1, work_array, dest + 1, length_a);
      work_array[dest] = temp_array[cursor_temp];
    }
  }

 public:
  // ComputeMinRunLength: n if n < 64; else k in [32, 64] such that n / k is
  // close to, but strictly less than, a power of 2.
  static int64_t compute_min_run_length(int64_t n_arg) {
    int64_t n = n_arg;
    int64_t r = 0;  // Becomes 1 if any 1 bits are shifted off.

    assert(n >= 0);
    while (n >= 64) {
      r = r | (n & 1);
      n = n >> 1;
    }

    const int64_t min_run_length = n + r;
    assert(n_arg < 64 || (32 <= min_run_length && min_run_length <= 64));
    return min_run_length;
  }

 private:
  // RunInvariantEstablished: run_length(n - 2) > run_length(n - 1) + run_length(n).
  bool run_invariant_established(int64_t n) const {
    if (n < 2) return true;

    const int64_t run_length_n = get_pending_run_length(n);
    const int64_t run_length_nm = get_pending_run_length(n - 1);
    const int64_t run_length_nmm = get_pending_run_length(n - 2);

    return run_length_nmm > run_length_nm + run_length_n;
  }

  // MergeCollapse: merges adjacent runs until the stack invariants hold:
  //   1. run_length(i - 3) > run_length(i - 2) + run_length(i - 1)
  //   2. run_length(i - 2) > run_length(i - 1)
  // Each merge shrinks the stack by one, so at most kMaxMergePending passes.
  void merge_collapse() {
    while (pending_runs_size_ > 1) {
      int64_t n = pending_runs_size_ - 2;

      if (!run_invariant_established(n + 1) || !run_invariant_established(n)) {
        if (get_pending_run_length(n - 1) < get_pending_run_length(n + 1)) --n;

        merge_at(n);
      } else if (get_pending_run_length(n) <= get_pending_run_length(n + 1)) {
        merge_at(n);
      } else {
        break;
      }
    }
  }

  // MergeForceCollapse: merges all runs on the stack until one remains.
  void merge_force_collapse() {
    while (pending_runs_size_ > 1) {
      int64_t n = pending_runs_size_ - 2;

      if (n > 0 && get_pending_run_length(n - 1) < get_pending_run_length(n + 1)) --n;
      merge_at(n);
    }
  }

  // ArrayTimSortImpl.
  void array_tim_sort_impl(int64_t length) {
    if (length < 2) return;
    int64_t remaining = length;

    // March over the array once, left to right, finding natural runs,
    // and extending short natural runs to min_run_length elements.
    int64_t low = 0;
    const int64_t min_run_length = compute_min_run_length(remaining);
    while (remaining != 0) {
      int64_t current_run_length = count_and_make_run(low, low + remaining);

      // If the run is short, extend it to min(min_run_length, remaining).
      if (current_run_length < min_run_length) {
        const int64_t forced_run_length = std::min(min_run_length, remaining);
        binary_insertion_sort(low, low + current_run_length, low + forced_run_length);
        current_run_length = forced_run_length;
      }

      // Push run onto pending-runs stack, and maybe merge.
      push_run(low, current_run_length);

      merge_collapse();

      // Advance to find next run.
      low = low + current_run_length;
      remaining = remaining - current_run_length;
    }

    merge_force_collapse();
    assert(pending_runs_size_ == 1);
    assert(get_pending_run_length(0) == length);
  }

  RandomIt work_array_;
  int64_t length_;
  const Compare& compare_;
  // minGallop: when merge_low and merge_high enter galloping mode; they nudge
  // it up for random data and down for structured data.
  int64_t min_gallop_ = kMinGallopWins;
  // The pending runs: run i is [base, base + length), and each run's base is
  // the previous run's end.
  std::array<Run, kMaxMergePending> pending_runs_{};
  int64_t pending_runs_size_ = 0;
  std::vector<T> temp_array_;
};

}  // namespace js_sort_internal

// Sorts [first, last) as `array.sort(compare)` sorts a JS array of the same
// elements: compare(x, y) is called with the arguments, and in the sequence,
// V8 calls comparefn with, so the result is V8's for any comparator,
// consistent or not. compare returns a number: < 0 orders x before y; NaN
// counts as 0. Stable.
template <typename RandomIt, typename Compare>
void js_array_sort(RandomIt first, RandomIt last, const Compare& compare) {
  const auto length = static_cast<int64_t>(last - first);
  assert(length >= 0 && length <= js_sort_internal::kMaxSortLength);
  // ArrayPrototypeSort: `if (len < 2) return obj;`
  if (length < 2) return;
  js_sort_internal::SortState<RandomIt, Compare> sort_state(first, length, compare);
  sort_state.array_tim_sort();
}

}  // namespace peers

#endif  // PEER_REPLAY_ENGINE_UTILS_JS_SORT_H_
