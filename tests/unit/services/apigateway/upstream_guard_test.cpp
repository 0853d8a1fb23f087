// The upstream circuit breaker's state machine, the retry rules and backoff, and guarded calls
// against a closed port.

#include "services/apigateway/upstream_guard.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_future.hpp>

namespace nimbus::apigateway {
namespace {

using namespace std::chrono_literals;
using State = UpstreamGuard::State;

constexpr auto kRest = UpstreamCaller::RestApi;
const std::string kUp = "http://127.0.0.1:8080";

struct UpstreamGuardTest : ::testing::Test {
  UpstreamGuard guard;
  UpstreamGuard::TimePoint t0 = UpstreamGuard::Clock::now();

  UpstreamGuardTest() {
    UpstreamSettings settings;
    settings.failure_threshold = 3;
    settings.open_ms = 1000;
    guard.configure(settings);
  }

  // One admitted attempt with `outcome` at `at`; false when the guard refused it.
  bool attempt(AttemptOutcome outcome, UpstreamGuard::TimePoint at) {
    auto admission = guard.admit(kUp, kRest, at);
    if (!admission.allowed) return false;
    guard.record(kUp, kRest, admission, outcome, outcome == AttemptOutcome::Failure ? "Connect: refused" : "", at);
    return true;
  }
};

TEST_F(UpstreamGuardTest, OpensAfterTheThresholdOfConsecutiveFailures) {
  EXPECT_TRUE(attempt(AttemptOutcome::Failure, t0));
  EXPECT_TRUE(attempt(AttemptOutcome::Failure, t0));
  EXPECT_EQ(guard.state(kUp, t0), State::Closed);
  EXPECT_TRUE(attempt(AttemptOutcome::Failure, t0));
  EXPECT_EQ(guard.state(kUp, t0), State::Open);
  EXPECT_FALSE(guard.admit(kUp, kRest, t0 + 999ms).allowed);
  Json row = guard.report(t0 + 10ms)["upstreams"][kUp];
  EXPECT_EQ(row["state"], "open");
  EXPECT_EQ(row["opens"], 1);
  EXPECT_EQ(row["failures"], 3);
  EXPECT_EQ(row["fast_failures"], 1);
  EXPECT_EQ(row["last_error"], "Connect: refused");
  EXPECT_EQ(row["open_remaining_ms"], 990);
}

TEST_F(UpstreamGuardTest, ASuccessBetweenFailuresStartsTheCountAgain) {
  attempt(AttemptOutcome::Failure, t0);
  attempt(AttemptOutcome::Failure, t0);
  attempt(AttemptOutcome::Success, t0);
  attempt(AttemptOutcome::Failure, t0);
  attempt(AttemptOutcome::Failure, t0);
  EXPECT_EQ(guard.state(kUp, t0), State::Closed);
  EXPECT_EQ(guard.report(t0)["upstreams"][kUp]["consecutive_failures"], 2);
}

TEST_F(UpstreamGuardTest, NeutralOutcomesNeitherCountNorClose) {
  for (int i = 0; i < 5; ++i) attempt(AttemptOutcome::Neutral, t0);
  EXPECT_EQ(guard.state(kUp, t0), State::Closed);
  EXPECT_EQ(guard.report(t0)["upstreams"][kUp]["failures"], 0);
}

TEST_F(UpstreamGuardTest, AfterTheCoolDownOneProbeGoesAndItsSuccessCloses) {
  for (int i = 0; i < 3; ++i) attempt(AttemptOutcome::Failure, t0);
  auto later = t0 + 1000ms;
  EXPECT_EQ(guard.state(kUp, later), State::HalfOpen);
  auto probe = guard.admit(kUp, kRest, later);
  ASSERT_TRUE(probe.allowed);
  EXPECT_TRUE(probe.probe);
  EXPECT_FALSE(guard.admit(kUp, kRest, later).allowed) << "one probe at a time";
  guard.record(kUp, kRest, probe, AttemptOutcome::Success, "", later);
  EXPECT_EQ(guard.state(kUp, later), State::Closed);
  auto next = guard.admit(kUp, kRest, later);
  EXPECT_TRUE(next.allowed);
  EXPECT_FALSE(next.probe);
}

TEST_F(UpstreamGuardTest, AFailedProbeOpensTheCircuitForAnotherCoolDown) {
  for (int i = 0; i < 3; ++i) attempt(AttemptOutcome::Failure, t0);
  auto later = t0 + 1500ms;
  auto probe = guard.admit(kUp, kRest, later);
  ASSERT_TRUE(probe.probe);
  guard.record(kUp, kRest, probe, AttemptOutcome::Failure, "Timeout: x", later);
  EXPECT_EQ(guard.state(kUp, later), State::Open);
  EXPECT_FALSE(guard.admit(kUp, kRest, later + 999ms).allowed);
  EXPECT_TRUE(guard.admit(kUp, kRest, later + 1000ms).probe);
  EXPECT_EQ(guard.report(later)["upstreams"][kUp]["opens"], 2);
}

TEST_F(UpstreamGuardTest, AnAbandonedProbeLetsTheNextCallerProbe) {
  for (int i = 0; i < 3; ++i) attempt(AttemptOutcome::Failure, t0);
  auto later = t0 + 1000ms;
  auto probe = guard.admit(kUp, kRest, later);
  guard.record(kUp, kRest, probe, AttemptOutcome::Neutral, "", later);
  EXPECT_TRUE(guard.admit(kUp, kRest, later).probe);
}

TEST_F(UpstreamGuardTest, AShorterOpenDurationAppliesToCircuitsAlreadyOpen) {
  for (int i = 0; i < 3; ++i) attempt(AttemptOutcome::Failure, t0);
  guard.configure(guard.settings().with({{"open_ms", 10}}));
  EXPECT_TRUE(guard.admit(kUp, kRest, t0 + 10ms).probe);
}

TEST_F(UpstreamGuardTest, DisabledAdmitsEverythingAndNeverOpens) {
  guard.configure(guard.settings().with({{"enabled", false}}));
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(attempt(AttemptOutcome::Failure, t0));
  EXPECT_EQ(guard.state(kUp, t0), State::Closed);
}

TEST_F(UpstreamGuardTest, UpstreamsAreSeparateAndCountedPerService) {
  for (int i = 0; i < 3; ++i) attempt(AttemptOutcome::Failure, t0);
  EXPECT_TRUE(guard.admit("http://other:80", UpstreamCaller::HttpApi, t0).allowed);
  Json rest = guard.summary(kRest);
  EXPECT_EQ(rest["upstreams"], 2);
  EXPECT_EQ(rest["open_circuits"], 1);
  EXPECT_EQ(rest["calls"], 3);
  EXPECT_EQ(rest["failures"], 3);
  EXPECT_EQ(guard.summary(UpstreamCaller::HttpApi)["calls"], 1);
  guard.reset();
  EXPECT_EQ(guard.summary(kRest)["upstreams"], 0);
  EXPECT_EQ(guard.settings().failure_threshold, 5) << "reset restores the defaults";
}

TEST(UpstreamSettings, DefaultsAndChecks) {
  UpstreamSettings defaults;
  EXPECT_EQ(defaults.to_json(), Json::parse(R"({"enabled":true,"failure_threshold":5,"open_ms":30000,
      "max_retries":2,"base_backoff_ms":100,"max_backoff_ms":2000,"attempt_timeout_ms":0})"));
  EXPECT_EQ(defaults.with({{"max_retries", 4}}).max_retries, 4);
  EXPECT_THROW(defaults.with({{"failure_threshold", 0}}), std::invalid_argument);
  EXPECT_THROW(defaults.with({{"open_ms", "10"}}), std::invalid_argument);
  EXPECT_THROW(defaults.with({{"max_retries", 11}}), std::invalid_argument);
  EXPECT_THROW(defaults.with({{"colour", 1}}), std::invalid_argument);
  EXPECT_THROW(defaults.with(Json::array()), std::invalid_argument);
}

TEST(UpstreamRetryRules, IdempotentMethodsOnly) {
  for (const char* method : {"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "get"}) EXPECT_TRUE(is_idempotent(method));
  for (const char* method : {"POST", "PATCH", "CONNECT", ""}) EXPECT_FALSE(is_idempotent(method));
}

TEST(UpstreamRetryRules, BackoffDoublesWithEqualJitterUpToTheCap) {
  UpstreamSettings settings;  // base 100, cap 2000
  EXPECT_EQ(backoff_delay(settings, 1, 0.0), 50ms);
  EXPECT_EQ(backoff_delay(settings, 1, 0.999999), 99ms);
  EXPECT_EQ(backoff_delay(settings, 2, 0.0), 100ms);
  EXPECT_EQ(backoff_delay(settings, 3, 1.0), 400ms);
  EXPECT_EQ(backoff_delay(settings, 10, 1.0), 2000ms);
  EXPECT_EQ(backoff_delay(settings, 60, 0.0), 1000ms);
}

TEST(UpstreamRetryRules, UpstreamIsSchemeHostAndPort) {
  EXPECT_EQ(upstream_of("http://Example.com/a?b=1"), "http://example.com:80");
  EXPECT_EQ(upstream_of("https://example.com:8443"), "https://example.com:8443");
  EXPECT_EQ(upstream_of("http://[::1]:9000/x"), "http://[::1]:9000");
  EXPECT_EQ(upstream_of("ftp://example.com"), std::nullopt);
}

// A port nothing listens on.
unsigned short closed_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

GuardedResponse run_fetch(UpstreamGuard& guard, std::string method, const std::string& url) {
  boost::asio::io_context io;
  outbound::HttpRequest request;
  request.method = std::move(method);
  request.url = url;
  request.timeout = 5s;
  auto future = boost::asio::co_spawn(io, guarded_fetch(guard, kRest, std::move(request)), boost::asio::use_future);
  io.run();
  return future.get();
}

TEST(UpstreamGuardedFetch, RetriesIdempotentMethodsOnlyAndThenFailsFast) {
  UpstreamGuard guard;
  guard.configure(UpstreamSettings{}.with({{"base_backoff_ms", 1}, {"failure_threshold", 4}}));
  std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/x";
  GuardedResponse get = run_fetch(guard, "GET", url);
  EXPECT_EQ(get.attempts, 3);
  EXPECT_FALSE(get.response);
  EXPECT_EQ(get.failure, outbound::HttpError::Kind::Connect);
  EXPECT_FALSE(get.circuit_open);
  GuardedResponse post = run_fetch(guard, "POST", url);
  EXPECT_EQ(post.attempts, 1);
  EXPECT_FALSE(post.circuit_open);
  // Four failures: open.
  GuardedResponse refused = run_fetch(guard, "GET", url);
  EXPECT_TRUE(refused.circuit_open);
  EXPECT_EQ(refused.attempts, 0);
  Json row = guard.report(UpstreamGuard::Clock::now())["upstreams"][*upstream_of(url)];
  EXPECT_EQ(row["retries"], 2);
  EXPECT_EQ(row["fast_failures"], 1);
}

TEST(UpstreamGuardedFetch, ABadUrlIsOneAttemptAndNoFailure) {
  UpstreamGuard guard;
  GuardedResponse bad = run_fetch(guard, "GET", "not a url");
  EXPECT_EQ(bad.attempts, 1);
  EXPECT_EQ(bad.failure, outbound::HttpError::Kind::BadUrl);
  EXPECT_EQ(guard.summary(kRest)["upstreams"], 0);
}

}  // namespace
}  // namespace nimbus::apigateway
