// json_compare: see json_compare.h for what and why.
#include "trace/json_compare.h"

#include <bit>
#include <cassert>
#include <cmath>
#include <utility>

namespace replay {

using nlohmann::json;

namespace {

// Maps doubles onto unsigned integers in the order of the real line: -NaN
// below -inf, then the negatives, -0 just below +0, the positives, +inf, +NaN.
// Adjacent doubles map to adjacent integers.
uint64_t ordered_bits(double d) {
  const uint64_t u = std::bit_cast<uint64_t>(d);
  return (u >> 63) != 0 ? ~u : (u | (uint64_t{1} << 63));
}

// A number as either representation holds it.
struct Number {
  bool is_float = false;
  bool is_unsigned = false;
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
};

Number number_of(const json& v) {
  Number n;
  n.is_float = v.is_number_float();
  n.is_unsigned = v.is_number_unsigned();
  if (n.is_unsigned) n.u = v.get<uint64_t>();
  if (!n.is_float && !n.is_unsigned) n.i = v.get<int64_t>();
  n.d = v.get<double>();
  return n;
}

Number number_of(JsonRef v) {
  Number n;
  n.is_float = v.is_number_float();
  n.is_unsigned = v.is_number_unsigned();
  if (n.is_unsigned) n.u = v.as_uint64();
  if (!n.is_float && !n.is_unsigned) n.i = v.as_int64();
  n.d = v.as_double();
  return n;
}

bool numbers_equal(const Number& a, const Number& b, uint64_t ulp_tolerance) {
  if (!a.is_float && !b.is_float) {
    if (a.is_unsigned && b.is_unsigned) return a.u == b.u;
    if (!a.is_unsigned && !b.is_unsigned) return a.i == b.i;
    // Mixed: a negative integer never equals an unsigned one.
    const Number& u = a.is_unsigned ? a : b;
    const Number& s = a.is_unsigned ? b : a;
    return s.i >= 0 && static_cast<uint64_t>(s.i) == u.u;
  }
  if (std::bit_cast<uint64_t>(a.d) == std::bit_cast<uint64_t>(b.d)) return true;
  if (ulp_tolerance == 0) return false;
  const uint64_t d = ulp_distance(a.d, b.d);
  return d != kUlpNotComparable && d <= ulp_tolerance;
}

json::value_t value_type(JsonRef v) {
  switch (v.type()) {
    case JsonRef::Type::kNull: return json::value_t::null;
    case JsonRef::Type::kBool: return json::value_t::boolean;
    case JsonRef::Type::kInteger: return json::value_t::number_integer;
    case JsonRef::Type::kUnsigned: return json::value_t::number_unsigned;
    case JsonRef::Type::kFloat: return json::value_t::number_float;
    case JsonRef::Type::kString: return json::value_t::string;
    case JsonRef::Type::kArray: return json::value_t::array;
    case JsonRef::Type::kObject: return json::value_t::object;
  }
  return json::value_t::discarded;
}

std::string join_path(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

// The walk of json_field_diffs: the options and where the differences go.
class FieldDiffer {
 public:
  FieldDiffer(const CompareOptions& opts, std::vector<FieldDiff>* out, size_t* omitted)
      : opts_(opts), out_(out), omitted_(omitted) {}

  void walk(const json& a, const json& b, const std::string& path) {
    if (json_equal_exact(a, b, opts_.ulp)) return;
    if (a.is_object() && b.is_object()) return walk_objects(a, b, path);
    if (a.is_array() && b.is_array() && (a.size() == b.size() || opts_.arrays_by_element)) {
      if (a.size() != b.size()) leaf(json(a.size()), json(b.size()), false, false, path + ".length");
      for (size_t i = 0; i < a.size() && i < b.size(); i++) walk(a[i], b[i], path + "[" + std::to_string(i) + "]");
      return;
    }
    leaf(a, b, false, false, path);
  }

 private:
  void walk_objects(const json& a, const json& b, const std::string& path) {
    // nlohmann objects are sorted maps: a merge walk visits the union of keys in order.
    auto ia = a.begin(), ib = b.begin();
    while (ia != a.end() || ib != b.end()) {
      if (ib == b.end() || (ia != a.end() && ia.key() < ib.key())) {
        leaf(*ia, json(), false, true, join_path(path, ia.key()));
        ++ia;
      } else if (ia == a.end() || ib.key() < ia.key()) {
        leaf(json(), *ib, true, false, join_path(path, ib.key()));
        ++ib;
      } else {
        walk(*ia, *ib, join_path(path, ia.key()));
        ++ia;
        ++ib;
      }
    }
  }

  void leaf(const json& a, const json& b, bool a_missing, bool b_missing, const std::string& path) {
    if (out_->size() >= opts_.cap) {
      if (omitted_ != nullptr) ++*omitted_;
      return;
    }
    FieldDiff f;
    f.path = path;
    f.a_missing = a_missing;
    f.b_missing = b_missing;
    if (!a_missing) f.a = a;
    if (!b_missing) f.b = b;
    if (!a_missing && !b_missing && a.is_number() && b.is_number()) {
      const double da = a.get<double>(), db = b.get<double>();
      f.has_delta = true;
      f.delta = db - da;
      if (opts_.ulp_members || a.is_number_float() || b.is_number_float()) {
        f.has_ulp = true;
        f.ulp = ulp_distance(da, db);
      }
    }
    out_->push_back(std::move(f));
  }

  const CompareOptions& opts_;
  std::vector<FieldDiff>* out_;
  size_t* omitted_;
};

}  // namespace

uint64_t ulp_distance(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) {
    return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b) ? 0 : kUlpNotComparable;
  }
  const uint64_t oa = ordered_bits(a), ob = ordered_bits(b);
  // -inf to +inf is 2^64 - 2^53 + 1 steps: below kUlpNotComparable.
  return oa > ob ? oa - ob : ob - oa;
}

bool json_equal_exact(const json& a, const json& b, uint64_t ulp_tolerance) {
  if (a.is_number() && b.is_number()) return numbers_equal(number_of(a), number_of(b), ulp_tolerance);
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    // Both sorted by key: equal objects have equal keys at equal positions.
    for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
      if (ia.key() != ib.key() || !json_equal_exact(*ia, *ib, ulp_tolerance)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); i++) {
      if (!json_equal_exact(a[i], b[i], ulp_tolerance)) return false;
    }
    return true;
  }
  return a == b;
}

bool json_equal_exact(JsonRef a, const json& b, uint64_t ulp_tolerance) {
  if (a.is_number() && b.is_number()) return numbers_equal(number_of(a), number_of(b), ulp_tolerance);
  if (value_type(a) != b.type()) return false;
  switch (a.type()) {
    case JsonRef::Type::kNull: return true;
    case JsonRef::Type::kBool: return b.get<bool>() == a.as_bool();
    case JsonRef::Type::kString: return b.get_ref<const std::string&>() == a.str();
    case JsonRef::Type::kObject: {
      if (a.size() != b.size()) return false;  // keys are unique on both sides (the reader checks the tape's)
      for (auto it = a.begin(); it != a.end(); ++it) {
        auto m = b.find(it.key());
        if (m == b.end() || !json_equal_exact(*it, *m, ulp_tolerance)) return false;
      }
      return true;
    }
    case JsonRef::Type::kArray: {
      if (a.size() != b.size()) return false;
      size_t i = 0;
      for (const JsonRef e : a) {
        if (!json_equal_exact(e, b[i++], ulp_tolerance)) return false;
      }
      return true;
    }
    default:
      return false;  // numbers were handled above
  }
}

void json_field_diffs(const json& a, const json& b, const std::string& path, const CompareOptions& opts,
                      std::vector<FieldDiff>* out, size_t* omitted) {
  assert(out != nullptr);
  FieldDiffer(opts, out, omitted).walk(a, b, path);
}

}  // namespace replay
