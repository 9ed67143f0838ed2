// junit: see junit.h.
#include "cli/junit.h"

#include <cstdint>
#include <sstream>

namespace replay {

std::string_view outcome_status_name(OutcomeStatus status) {
  switch (status) {
    case OutcomeStatus::kPass: return "PASS";
    case OutcomeStatus::kFail: return "FAIL";
    case OutcomeStatus::kError: return "ERROR";
    case OutcomeStatus::kKnownFail: return "KNOWN-FAIL";
    case OutcomeStatus::kFixed: return "FIXED";
    case OutcomeStatus::kTruncated: return "TRUNCATED";
  }
  return "?";
}

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not one.
size_t utf8_sequence_length(const std::string& s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; k++) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

std::string xml_escape(const std::string& raw) {
  // Error messages may quote bytes of a trace that are not UTF-8; the XML
  // must stay well-formed, so such bytes become '?'.
  std::string s;
  s.reserve(raw.size());
  for (size_t i = 0; i < raw.size();) {
    const size_t n = utf8_sequence_length(raw, i);
    if (n == 0) {
      s += '?';
      i++;
    } else {
      s.append(raw, i, n);
      i += n;
    }
  }
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default:
        // XML 1.0 forbids most control characters even escaped.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
          o += '?';
        } else {
          o += c;
        }
    }
  }
  return o;
}

}  // namespace

std::string junit_xml(const std::vector<TraceOutcome>& outcomes) {
  size_t failures = 0, errors = 0, skipped = 0;
  for (const TraceOutcome& o : outcomes) {
    failures += o.status == OutcomeStatus::kFail || o.status == OutcomeStatus::kFixed ||
        o.status == OutcomeStatus::kTruncated ? 1 : 0;
    errors += o.status == OutcomeStatus::kError ? 1 : 0;
    skipped += o.status == OutcomeStatus::kKnownFail ? 1 : 0;
  }
  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"peer-replay check\" tests=\""
    << outcomes.size() << "\" failures=\"" << failures << "\" errors=\"" << errors << "\" skipped=\"" << skipped
    << "\">\n";
  for (const TraceOutcome& o : outcomes) {
    x << "  <testcase classname=\"conformance\" name=\"" << xml_escape(o.name) << "\" file=\"" << xml_escape(o.path)
      << "\" time=\"" << o.seconds << "\">";
    if (o.status == OutcomeStatus::kFail || o.status == OutcomeStatus::kFixed ||
        o.status == OutcomeStatus::kTruncated) {
      x << "<failure message=\"" << xml_escape(o.message) << "\">" << xml_escape(o.report) << "</failure>";
    } else if (o.status == OutcomeStatus::kError) {
      x << "<error message=\"" << xml_escape(o.message) << "\"/>";
    } else if (o.status == OutcomeStatus::kKnownFail) {
      x << "<skipped message=\"known failure: " << xml_escape(o.message) << "\"/>";
    }
    x << "</testcase>\n";
  }
  x << "</testsuite>\n";
  return x.str();
}

}  // namespace replay
