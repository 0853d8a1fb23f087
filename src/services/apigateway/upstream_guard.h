#pragma once
// Resilience for API Gateway's HTTP integrations (REST HTTP / HTTP_PROXY, HTTP APIs' HTTP_PROXY):
// a circuit breaker per upstream (scheme://host:port) and retries with exponential backoff for
// idempotent methods, within the integration's own timeout. AWS has neither; nimbus adds them so
// a dead upstream costs a fast 503 instead of a timeout per request (see the README's
// "Resilient HTTP integrations" for the rules and defaults).
//
// UpstreamGuard is the state machine alone (thread-safe, time passed in, so tests need no
// sleeping); guarded_fetch() is the call through it. One guard per process (shared()): an
// upstream's health is a property of the network, so REST and HTTP APIs share its breaker.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "outbound/http_client.h"

namespace nimbus::apigateway {

using Json = nlohmann::json;

struct UpstreamSettings {
  bool enabled = true;             // false: one attempt, no breaker (AWS's behaviour)
  int failure_threshold = 5;       // consecutive failed attempts that open an upstream's circuit
  int64_t open_ms = 30000;         // how long an open circuit fails fast before a half-open probe
  int max_retries = 2;             // extra attempts for idempotent methods
  int64_t base_backoff_ms = 100;   // the first retry's delay; doubled for each further retry
  int64_t max_backoff_ms = 2000;   // the cap on one delay
  // Bound on one attempt (0: all that is left of the integration's timeout, so a timed-out
  // attempt leaves no time to retry).
  int64_t attempt_timeout_ms = 0;

  Json to_json() const;
  // These settings with `changes` applied (keys as to_json names them); throws
  // std::invalid_argument naming a bad key or value.
  UpstreamSettings with(const Json& changes) const;
};

// Which service made a call, for the per-service counters health() shows.
enum class UpstreamCaller { RestApi, HttpApi };

// What one attempt came to, for the breaker.
enum class AttemptOutcome {
  Success,  // a response that says the upstream is alive (any status but 502, 503, 504)
  Failure,  // no response (connect, resolve, TLS, protocol, timeout) or a 502 / 503 / 504
  Neutral,  // says nothing of the upstream (a bad URL, an abandoned call)
};

class UpstreamGuard {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  enum class State { Closed, Open, HalfOpen };

  struct Admission {
    bool allowed = false;
    bool probe = false;  // the half-open probe: its outcome closes or re-opens the circuit
  };

  // The process's guard, used by both API Gateway services.
  static UpstreamGuard& shared();

  UpstreamSettings settings() const;
  void configure(const UpstreamSettings& settings);
  // Defaults, and every upstream forgotten.
  void reset();

  // May a call to `upstream` go now? Closed: yes. Open: no (counted as a fast failure) until
  // open_ms have passed since it opened, then the first caller becomes the half-open probe.
  // Half-open: no while the probe is out. Always yes when disabled.
  Admission admit(const std::string& upstream, UpstreamCaller caller, TimePoint now);
  // The outcome of an admitted attempt. Failures count consecutively; reaching the threshold
  // opens a closed circuit, and a failed probe re-opens it. Any success closes it.
  void record(const std::string& upstream, UpstreamCaller caller, const Admission& admission,
              AttemptOutcome outcome, const std::string& error, TimePoint now);
  // A retry is about to be made (counted per upstream and caller).
  void count_retry(const std::string& upstream, UpstreamCaller caller);

  State state(const std::string& upstream, TimePoint now) const;
  // GET /_nimbus/upstreams: settings, each upstream's state and counters, totals per service.
  Json report(TimePoint now) const;
  // The counters a service's health() shows.
  Json summary(UpstreamCaller caller) const;

  // The most upstreams remembered; past it, closed ones idle the longest are forgotten.
  static constexpr size_t kMaxUpstreams = 1024;

 private:
  struct Upstream {
    State state = State::Closed;
    int consecutive_failures = 0;
    bool probe_out = false;
    TimePoint opened_at{};
    TimePoint last_used{};
    uint64_t calls = 0, failures = 0, retries = 0, fast_failures = 0, opens = 0;
    std::string last_error;
    std::optional<TimePoint> last_error_at;
  };
  struct Totals {
    uint64_t calls = 0, failures = 0, retries = 0, fast_failures = 0;
  };

  Upstream& entry(const std::string& upstream, TimePoint now);  // under mutex_
  Totals& totals(UpstreamCaller caller) { return totals_[caller == UpstreamCaller::RestApi ? 0 : 1]; }

  mutable std::mutex mutex_;
  UpstreamSettings settings_;
  std::unordered_map<std::string, Upstream> upstreams_;
  Totals totals_[2];
};

std::string_view to_string(UpstreamGuard::State state);

// GET, HEAD, OPTIONS, PUT and DELETE (case-insensitive): the methods retried.
bool is_idempotent(std::string_view method);
// "scheme://host:port" of a URL (IPv6 hosts bracketed); nullopt for a URL fetch refuses.
std::optional<std::string> upstream_of(std::string_view url);
// The delay before retry `retry` (1 for the first): base * 2^(retry-1), capped at max_backoff_ms,
// with equal jitter: half of it fixed, the other half scaled by `unit_random` in [0, 1).
std::chrono::milliseconds backoff_delay(const UpstreamSettings& settings, int retry, double unit_random);

// What a guarded call came to.
struct GuardedResponse {
  std::optional<outbound::HttpResponse> response;         // an answer (any status) ...
  std::optional<outbound::HttpError::Kind> failure;       // ... or how the last attempt failed
  bool circuit_open = false;  // refused by an open circuit: no call was made
  int attempts = 0;
};

// outbound::fetch through `guard`: `request.timeout` bounds the whole call, backoff delays
// included; idempotent methods are retried after a failure while time and retries are left and
// the circuit admits them. Never throws an HttpError.
boost::asio::awaitable<GuardedResponse> guarded_fetch(UpstreamGuard& guard, UpstreamCaller caller,
                                                      outbound::HttpRequest request);

// The admin control "upstreams" (GET|POST /_nimbus/upstreams, through the registry): the report of
// the shared guard after applying `settings` when given ({"reset": true} first restores the
// defaults and forgets every upstream). Throws std::invalid_argument for bad settings.
Json upstreams_control(const Json* settings);

}  // namespace nimbus::apigateway
