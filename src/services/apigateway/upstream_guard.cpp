#include "services/apigateway/upstream_guard.h"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>
#include <random>
#include <stdexcept>

namespace nimbus::apigateway {
namespace {

int64_t ms_between(UpstreamGuard::TimePoint from, UpstreamGuard::TimePoint to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

double unit_random() {
  thread_local std::minstd_rand engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

bool gateway_status(int status) { return status == 502 || status == 503 || status == 504; }

// One integer setting from `changes`, checked against [low, high].
int64_t bounded(const Json& value, std::string_view key, int64_t low, int64_t high) {
  if (!value.is_number_integer()) throw std::invalid_argument(std::string(key) + " must be an integer");
  int64_t number = value.get<int64_t>();
  if (number < low || number > high) {
    throw std::invalid_argument(std::string(key) + " must be between " + std::to_string(low) + " and " +
                                std::to_string(high));
  }
  return number;
}

}  // namespace

Json UpstreamSettings::to_json() const {
  return {{"enabled", enabled},
          {"failure_threshold", failure_threshold},
          {"open_ms", open_ms},
          {"max_retries", max_retries},
          {"base_backoff_ms", base_backoff_ms},
          {"max_backoff_ms", max_backoff_ms},
          {"attempt_timeout_ms", attempt_timeout_ms}};
}

UpstreamSettings UpstreamSettings::with(const Json& changes) const {
  if (!changes.is_object()) throw std::invalid_argument("settings must be a JSON object");
  UpstreamSettings out = *this;
  for (auto it = changes.begin(); it != changes.end(); ++it) {
    const std::string& key = it.key();
    const Json& value = it.value();
    if (key == "enabled") {
      if (!value.is_boolean()) throw std::invalid_argument("enabled must be true or false");
      out.enabled = value.get<bool>();
    } else if (key == "failure_threshold") {
      out.failure_threshold = static_cast<int>(bounded(value, key, 1, 1000));
    } else if (key == "open_ms") {
      out.open_ms = bounded(value, key, 0, 3600000);
    } else if (key == "max_retries") {
      out.max_retries = static_cast<int>(bounded(value, key, 0, 10));
    } else if (key == "base_backoff_ms") {
      out.base_backoff_ms = bounded(value, key, 0, 60000);
    } else if (key == "max_backoff_ms") {
      out.max_backoff_ms = bounded(value, key, 0, 60000);
    } else if (key == "attempt_timeout_ms") {
      out.attempt_timeout_ms = bounded(value, key, 0, 3600000);
    } else {
      throw std::invalid_argument("unknown setting: " + key);
    }
  }
  return out;
}

UpstreamGuard& UpstreamGuard::shared() {
  static UpstreamGuard guard;
  return guard;
}

UpstreamSettings UpstreamGuard::settings() const {
  std::lock_guard lock(mutex_);
  return settings_;
}

void UpstreamGuard::configure(const UpstreamSettings& settings) {
  std::lock_guard lock(mutex_);
  settings_ = settings;
}

void UpstreamGuard::reset() {
  std::lock_guard lock(mutex_);
  settings_ = {};
  upstreams_.clear();
  totals_[0] = totals_[1] = {};
}

UpstreamGuard::Upstream& UpstreamGuard::entry(const std::string& upstream, TimePoint now) {
  auto found = upstreams_.find(upstream);
  if (found == upstreams_.end()) {
    if (upstreams_.size() >= kMaxUpstreams) {
      // Forget the closed upstream idle the longest (a full table of failing ones is kept).
      auto oldest = upstreams_.end();
      for (auto it = upstreams_.begin(); it != upstreams_.end(); ++it) {
        if (it->second.state != State::Closed || it->second.consecutive_failures > 0) continue;
        if (oldest == upstreams_.end() || it->second.last_used < oldest->second.last_used) oldest = it;
      }
      if (oldest != upstreams_.end()) upstreams_.erase(oldest);
    }
    found = upstreams_.emplace(upstream, Upstream{}).first;
  }
  found->second.last_used = now;
  return found->second;
}

UpstreamGuard::Admission UpstreamGuard::admit(const std::string& upstream, UpstreamCaller caller, TimePoint now) {
  std::lock_guard lock(mutex_);
  Upstream& up = entry(upstream, now);
  Totals& sums = totals(caller);
  auto refuse = [&] {
    ++up.fast_failures;
    ++sums.fast_failures;
    return Admission{false, false};
  };
  if (settings_.enabled) {
    if (up.state == State::Open) {
      if (ms_between(up.opened_at, now) < settings_.open_ms) return refuse();
      up.state = State::HalfOpen;
      up.probe_out = false;
    }
    if (up.state == State::HalfOpen) {
      if (up.probe_out) return refuse();
      up.probe_out = true;
      ++up.calls;
      ++sums.calls;
      return {true, true};
    }
  }
  ++up.calls;
  ++sums.calls;
  return {true, false};
}

void UpstreamGuard::record(const std::string& upstream, UpstreamCaller caller, const Admission& admission,
                           AttemptOutcome outcome, const std::string& error, TimePoint now) {
  std::lock_guard lock(mutex_);
  Upstream& up = entry(upstream, now);
  if (admission.probe) up.probe_out = false;
  switch (outcome) {
    case AttemptOutcome::Neutral:
      return;  // a half-open circuit lets the next caller probe
    case AttemptOutcome::Success:
      up.consecutive_failures = 0;
      up.state = State::Closed;
      return;
    case AttemptOutcome::Failure:
      break;
  }
  ++up.consecutive_failures;
  ++up.failures;
  ++totals(caller).failures;
  up.last_error = error;
  up.last_error_at = now;
  if (!settings_.enabled) return;
  bool opens = admission.probe ? up.state == State::HalfOpen
                               : up.state == State::Closed && up.consecutive_failures >= settings_.failure_threshold;
  if (opens) {
    up.state = State::Open;
    up.opened_at = now;
    ++up.opens;
  }
}

void UpstreamGuard::count_retry(const std::string& upstream, UpstreamCaller caller) {
  std::lock_guard lock(mutex_);
  auto found = upstreams_.find(upstream);
  if (found != upstreams_.end()) ++found->second.retries;
  ++totals(caller).retries;
}

UpstreamGuard::State UpstreamGuard::state(const std::string& upstream, TimePoint now) const {
  std::lock_guard lock(mutex_);
  auto found = upstreams_.find(upstream);
  if (found == upstreams_.end()) return State::Closed;
  const Upstream& up = found->second;
  // An open circuit whose cool-down has passed lets the next call probe: report it half-open.
  if (up.state == State::Open && ms_between(up.opened_at, now) >= settings_.open_ms) return State::HalfOpen;
  return up.state;
}

Json UpstreamGuard::report(TimePoint now) const {
  std::lock_guard lock(mutex_);
  Json upstreams = Json::object();
  for (const auto& [name, up] : upstreams_) {
    State shown = up.state;
    if (shown == State::Open && ms_between(up.opened_at, now) >= settings_.open_ms) shown = State::HalfOpen;
    Json row = {{"state", to_string(shown)},
                {"consecutive_failures", up.consecutive_failures},
                {"calls", up.calls},
                {"failures", up.failures},
                {"retries", up.retries},
                {"fast_failures", up.fast_failures},
                {"opens", up.opens},
                {"last_error", up.last_error.empty() ? Json(nullptr) : Json(up.last_error)},
                {"last_error_ago_ms", up.last_error_at ? Json(ms_between(*up.last_error_at, now)) : Json(nullptr)}};
    if (up.state == State::Open) {
      row["open_remaining_ms"] = std::max<int64_t>(0, settings_.open_ms - ms_between(up.opened_at, now));
    }
    upstreams[name] = std::move(row);
  }
  auto sums = [](const Totals& t) {
    return Json{{"calls", t.calls}, {"failures", t.failures}, {"retries", t.retries}, {"fast_failures", t.fast_failures}};
  };
  return {{"settings", settings_.to_json()},
          {"upstreams", std::move(upstreams)},
          {"services", {{"apigateway", sums(totals_[0])}, {"apigatewayv2", sums(totals_[1])}}}};
}

Json UpstreamGuard::summary(UpstreamCaller caller) const {
  std::lock_guard lock(mutex_);
  size_t open = 0;
  for (const auto& [name, up] : upstreams_) open += up.state != State::Closed ? 1 : 0;
  const Totals& t = totals_[caller == UpstreamCaller::RestApi ? 0 : 1];
  return {{"upstreams", upstreams_.size()}, {"open_circuits", open},   {"calls", t.calls},
          {"failures", t.failures},         {"retries", t.retries},      {"fast_failures", t.fast_failures}};
}

std::string_view to_string(UpstreamGuard::State state) {
  switch (state) {
    case UpstreamGuard::State::Closed:
      return "closed";
    case UpstreamGuard::State::Open:
      return "open";
    case UpstreamGuard::State::HalfOpen:
      return "half_open";
  }
  return "closed";
}

bool is_idempotent(std::string_view method) {
  std::string upper(method);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper == "GET" || upper == "HEAD" || upper == "OPTIONS" || upper == "PUT" || upper == "DELETE";
}

std::optional<std::string> upstream_of(std::string_view url) {
  auto parsed = outbound::parse_url(url);
  if (!parsed) return std::nullopt;
  bool v6 = parsed->host.find(':') != std::string::npos;
  return parsed->scheme + "://" + (v6 ? "[" + parsed->host + "]" : parsed->host) + ":" + parsed->port;
}

std::chrono::milliseconds backoff_delay(const UpstreamSettings& settings, int retry, double unit_random) {
  int64_t delay = settings.base_backoff_ms;
  for (int i = 1; i < retry && delay < settings.max_backoff_ms; ++i) delay *= 2;
  delay = std::min(delay, settings.max_backoff_ms);
  unit_random = std::clamp(unit_random, 0.0, 1.0);
  return std::chrono::milliseconds(delay / 2 + static_cast<int64_t>(static_cast<double>(delay - delay / 2) * unit_random));
}

boost::asio::awaitable<GuardedResponse> guarded_fetch(UpstreamGuard& guard, UpstreamCaller caller,
                                                      outbound::HttpRequest request) {
  using Clock = UpstreamGuard::Clock;
  const UpstreamSettings settings = guard.settings();
  const std::optional<std::string> upstream = upstream_of(request.url);
  const auto deadline = Clock::now() + request.timeout;
  const bool retryable = upstream && settings.enabled && is_idempotent(request.method);
  GuardedResponse result;
  for (int attempt = 0;; ++attempt) {
    auto now = Clock::now();
    UpstreamGuard::Admission admission{true, false};
    if (upstream) admission = guard.admit(*upstream, caller, now);
    if (!admission.allowed) {
      // Refused before any call: fail fast. A retry refused (this call's own failures opened
      // the circuit) keeps the last attempt's answer.
      result.circuit_open = attempt == 0;
      co_return result;
    }
    outbound::HttpRequest outgoing;
    if (retryable) {
      outgoing = request;  // kept for the next attempt
    } else {
      outgoing = std::move(request);
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    if (settings.enabled && settings.attempt_timeout_ms > 0) {
      left = std::min(left, std::chrono::milliseconds(settings.attempt_timeout_ms));
    }
    outgoing.timeout = std::max(left, std::chrono::milliseconds(1));
    ++result.attempts;
    result.response.reset();
    result.failure.reset();
    std::string error;
    try {
      auto pending = outbound::fetch(std::move(outgoing));
      result.response = co_await std::move(pending);
    } catch (const outbound::HttpError& failed) {
      result.failure = failed.kind;
      error = std::string(outbound::to_string(failed.kind)) + ": " + failed.what();
    } catch (...) {
      if (upstream) guard.record(*upstream, caller, admission, AttemptOutcome::Neutral, {}, Clock::now());
      throw;
    }
    AttemptOutcome outcome = AttemptOutcome::Success;
    if (result.failure) {
      outcome = *result.failure == outbound::HttpError::Kind::BadUrl ? AttemptOutcome::Neutral : AttemptOutcome::Failure;
    } else if (gateway_status(result.response->status)) {
      outcome = AttemptOutcome::Failure;
      error = "HTTP " + std::to_string(result.response->status);
    }
    if (upstream) guard.record(*upstream, caller, admission, outcome, error, Clock::now());
    if (outcome != AttemptOutcome::Failure || !retryable || attempt >= settings.max_retries) co_return result;
    auto delay = backoff_delay(settings, attempt + 1, unit_random());
    // A retry needs time for its attempt after the delay.
    if (Clock::now() + delay + std::chrono::milliseconds(10) >= deadline) co_return result;
    guard.count_retry(*upstream, caller);
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    timer.expires_after(delay);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

Json upstreams_control(const Json* settings) {
  UpstreamGuard& guard = UpstreamGuard::shared();
  if (settings) {
    if (!settings->is_object()) throw std::invalid_argument("settings must be a JSON object");
    Json changes = *settings;
    bool reset = false;
    if (changes.contains("reset")) {
      if (!changes["reset"].is_boolean()) throw std::invalid_argument("reset must be true or false");
      reset = changes["reset"].get<bool>();
      changes.erase("reset");
    }
    UpstreamSettings base = reset ? UpstreamSettings{} : guard.settings();
    UpstreamSettings next = base.with(changes);  // checked before anything changes
    if (reset) guard.reset();
    guard.configure(next);
  }
  return guard.report(UpstreamGuard::Clock::now());
}

}  // namespace nimbus::apigateway
