// Shadow mode's engine side: the replayer of `peer-replay check`
// (replay::LineReplayer) fed the capture's lines one at a time, so that per
// record only the line the hook already wrote crosses into C++ and only a
// verdict comes back. shadow.js owns the log line, the counter and the repro.
//
//   new native.ShadowReplayer(headerLine, perturbWhat, perturbN, eventsOnly)
//       perturbWhat "" | "action" | "score" (test only, shadow.js parsePerturbation);
//       eventsOnly: fed events alone, each answer()ed (shadow-serve.js)
//   .feed(line)     -> undefined, or {seq, event, member, expected, actual, headline}
//                      when the record closes an event that diverged
//                      (replay::LineDivergence; expected and actual as JSON text)
//   .answer()       -> the engine's expect record for the last event (JSON
//                      text, as `peer-replay serve` answers), or null
//   .compared       -> expect records compared so far
//   .stopped        -> null, or why nothing after a refused event is compared
//
// feed() throws (changing nothing further) on a line that is no record of the
// trace; the replayer compares nothing after it.
#include <napi.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lodestar_api.h"
#include "replay/replayer.h"

namespace peer_replay_node {

namespace {

constexpr size_t kMaxLineBytes = 8u << 20;  // FORMAT.md §1: a record is one line of at most 8 MiB
constexpr size_t kFirstBufferBytes = 64u << 10;  // most records are far shorter

class ShadowReplayer : public Napi::ObjectWrap<ShadowReplayer> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "ShadowReplayer",
                       {InstanceMethod<&ShadowReplayer::feed>("feed"), InstanceMethod<&ShadowReplayer::answer>("answer"),
                        InstanceAccessor<&ShadowReplayer::compared>("compared"),
                        InstanceAccessor<&ShadowReplayer::stopped>("stopped")});
  }

  explicit ShadowReplayer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ShadowReplayer>(info) {
    const Napi::Env env = info.Env();
    if (info.Length() < 4 || !info[0].IsString() || !info[1].IsString() || !info[2].IsNumber() || !info[3].IsBoolean()) {
      throw Napi::TypeError::New(
          env, "ShadowReplayer(headerLine, perturbWhat, perturbN, eventsOnly): expected a string, a string, a number and a boolean");
    }
    replay::ReplayOptions options;
    options.context = 0;        // no report is written: a divergence is one line
    options.score_history = 0;
    // As the addon's PeerManager: a live node may run another Lodestar than the
    // engine ports; its divergences then say so event by event.
    options.any_lodestar_version = true;
    options.events_only = info[3].As<Napi::Boolean>().Value();
    const std::string what = info[1].As<Napi::String>().Utf8Value();
    const double n = info[2].As<Napi::Number>().DoubleValue();
    if (what == "action" || what == "score") {
      if (!(n >= 1 && n <= 1e9)) throw Napi::RangeError::New(env, "ShadowReplayer: perturbN: expected 1 to 1e9");
      options.perturb.what = what == "action" ? replay::Perturbation::What::kAction : replay::Perturbation::What::kScore;
      options.perturb.n = static_cast<uint64_t>(n);
    } else if (!what.empty()) {
      throw Napi::TypeError::New(env, "ShadowReplayer: perturbWhat: expected \"\", \"action\" or \"score\"");
    }
    read_line(info[0], "headerLine");
    auto created = replay::LineReplayer::create(line_, std::move(options));
    if (!created.is_ok()) throw Napi::Error::New(env, created.status().message());
    replayer_ = std::move(created).value();
  }

 private:
  // The string's UTF-8 into buf_ (reused from line to line), viewed by
  // line_: one copy for a line that fits the buffer, a length query and a
  // second copy for a longer one.
  void read_line(const Napi::Value& value, const char* what) {
    const napi_env env = value.Env();
    if (buf_.size() < kFirstBufferBytes) buf_.resize(kFirstBufferBytes);
    size_t n = 0;
    if (napi_get_value_string_utf8(env, value, buf_.data(), buf_.size(), &n) != napi_ok) {
      throw Napi::TypeError::New(env, std::string(what) + ": expected a string (one record's JSON line)");
    }
    if (n + 1 >= buf_.size()) {  // it may have been cut: ask its length
      napi_get_value_string_utf8(env, value, nullptr, 0, &n);
      if (n > kMaxLineBytes) {
        throw Napi::RangeError::New(env, std::string(what) + ": longer than the record limit of " +
                                             std::to_string(kMaxLineBytes) + " bytes");
      }
      buf_.resize(n + 1);
      napi_get_value_string_utf8(env, value, buf_.data(), buf_.size(), &n);
    }
    line_ = std::string_view(buf_.data(), n);
  }

  Napi::Value feed(const Napi::CallbackInfo& info) {
    const Napi::Env env = info.Env();
    if (info.Length() < 1) throw Napi::TypeError::New(env, "feed(line): expected a string");
    read_line(info[0], "line");
    std::optional<replay::LineDivergence> d;
    const peers::Status s = replayer_->feed(line_, &d);
    if (!s.is_ok()) throw Napi::Error::New(env, s.message());
    if (!d.has_value()) return env.Undefined();
    Napi::Object out = Napi::Object::New(env);
    out.Set("seq", static_cast<double>(d->seq));
    out.Set("member", d->member);
    out.Set("expected", d->expected);
    out.Set("actual", d->actual);
    out.Set("headline", d->headline);
    out.Set("event", d->event);
    return out;
  }

  Napi::Value answer(const Napi::CallbackInfo& info) {
    const std::string text = replayer_->answer();
    if (text.empty()) return info.Env().Null();
    return Napi::String::New(info.Env(), text);
  }

  Napi::Value compared(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(replayer_->expects_compared()));
  }

  Napi::Value stopped(const Napi::CallbackInfo& info) {
    if (!replayer_->stopped()) return info.Env().Null();
    return Napi::String::New(info.Env(), replayer_->why_stopped());
  }

  std::unique_ptr<replay::LineReplayer> replayer_;
  std::vector<char> buf_;
  std::string_view line_;  // the last line read, in buf_
};

}  // namespace

void register_shadow_replayer(Napi::Env env, Napi::Object exports) {
  exports.Set("ShadowReplayer", ShadowReplayer::define(env));
}

}  // namespace peer_replay_node
