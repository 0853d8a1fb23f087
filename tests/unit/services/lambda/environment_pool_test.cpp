// The environment pool's bookkeeping, with environments that are constructed but never started
// (no process, no endpoint): reuse, concurrency refusals, retirement and reaping.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <stdexcept>

#include "services/lambda/environment_pool.h"

namespace nimbus::lambda {
namespace {

// Never asked to open anything: the environments here are not started.
class NoEndpoints : public LocalEndpoints {
 public:
  std::shared_ptr<LocalEndpoint> open(LocalHandler) override { throw std::logic_error("not in these tests"); }
  std::string nimbus_url() const override { return "http://127.0.0.1:1"; }
};

class EnvironmentPoolTest : public ::testing::Test {
 protected:
  std::shared_ptr<Environment> make() {
    ++started_;
    EnvironmentSpec spec;
    spec.function_name = "f";
    spec.version = "$LATEST";
    return std::make_shared<Environment>(io_.get_executor(), clock_, endpoints_, spec, [](auto&&...) {});
  }
  std::function<std::shared_ptr<Environment>()> starter() {
    return [this] { return make(); };
  }
  EnvironmentPool::Lease acquire(EnvironmentPool& pool, const std::string& function = "f", const std::string& key = "k",
                                 int reserved = -1) {
    return pool.acquire(function, key, reserved, starter());
  }

  boost::asio::io_context io_;
  Clock clock_;
  NoEndpoints endpoints_;
  int started_ = 0;
};

TEST_F(EnvironmentPoolTest, FirstAcquireStartsAFreshEnvironmentAndReleaseKeepsItIdle) {
  EnvironmentPool pool({});
  auto lease = acquire(pool);
  ASSERT_TRUE(lease.environment);
  EXPECT_TRUE(lease.fresh);
  EXPECT_EQ(lease.refusal, EnvironmentPool::Refusal::None);
  EXPECT_EQ(pool.counts().busy, 1u);
  pool.release("f", "k", lease.environment, 5);
  EXPECT_EQ(pool.counts().busy, 0u);
  EXPECT_EQ(pool.counts().idle, 1u);
  auto again = acquire(pool);
  EXPECT_EQ(again.environment, lease.environment);
  EXPECT_FALSE(again.fresh);
  EXPECT_EQ(started_, 1);
}

TEST_F(EnvironmentPoolTest, IdleEnvironmentsAreKeptPerKey) {
  EnvironmentPool pool({});
  auto a = acquire(pool, "f", "v1");
  pool.release("f", "v1", a.environment);
  auto b = acquire(pool, "f", "v2");
  EXPECT_TRUE(b.fresh);
  EXPECT_NE(b.environment, a.environment);
}

TEST_F(EnvironmentPoolTest, ReservedConcurrencyRefusesBeyondItsBusyCount) {
  EnvironmentPool pool({});
  auto first = acquire(pool, "f", "k", 1);
  ASSERT_TRUE(first.environment);
  auto second = acquire(pool, "f", "k", 1);
  EXPECT_FALSE(second.environment);
  EXPECT_EQ(second.refusal, EnvironmentPool::Refusal::Function);
  EXPECT_EQ(started_, 1);
  // Another function is not limited by f's reservation.
  EXPECT_TRUE(acquire(pool, "g", "k", 1).environment);
  pool.release("f", "k", first.environment);
  EXPECT_TRUE(acquire(pool, "f", "k", 1).environment);
}

TEST_F(EnvironmentPoolTest, ReservedZeroRefusesEveryInvocation) {
  EnvironmentPool pool({});
  auto lease = acquire(pool, "f", "k", 0);
  EXPECT_EQ(lease.refusal, EnvironmentPool::Refusal::Function);
  EXPECT_EQ(started_, 0);
}

TEST_F(EnvironmentPoolTest, AccountConcurrencyRefusesAcrossFunctions) {
  EnvironmentPool::Limits limits;
  limits.account_concurrency = 2;
  EnvironmentPool pool(limits);
  auto a = acquire(pool, "f");
  auto b = acquire(pool, "g");
  auto c = acquire(pool, "h");
  EXPECT_FALSE(c.environment);
  EXPECT_EQ(c.refusal, EnvironmentPool::Refusal::Account);
  pool.release("g", "k", b.environment);
  EXPECT_TRUE(acquire(pool, "h").environment);
}

TEST_F(EnvironmentPoolTest, WithoutMayStartAndNothingIdleTheLeaseIsEmptyAndUnrefused) {
  EnvironmentPool pool({});
  auto lease = pool.acquire("f", "k", -1, starter(), false);
  EXPECT_FALSE(lease.environment);
  EXPECT_EQ(lease.refusal, EnvironmentPool::Refusal::None);
  EXPECT_EQ(pool.counts().busy, 0u);
  EXPECT_EQ(started_, 0);
}

TEST_F(EnvironmentPoolTest, AFailedStartGivesItsSlotBack) {
  EnvironmentPool pool({});
  EXPECT_THROW(pool.acquire("f", "k", 1, [] () -> std::shared_ptr<Environment> { throw std::runtime_error("spawn"); }),
               std::runtime_error);
  EXPECT_EQ(pool.counts().busy, 0u);
  EXPECT_TRUE(acquire(pool, "f", "k", 1).environment);
}

TEST_F(EnvironmentPoolTest, DeadEnvironmentsAreNotKeptOrReused) {
  EnvironmentPool pool({});
  auto lease = acquire(pool);
  lease.environment->shut_down();
  pool.release("f", "k", lease.environment);
  EXPECT_EQ(pool.counts().idle, 0u);
  auto kept = acquire(pool);
  pool.release("f", "k", kept.environment);
  kept.environment->shut_down();  // died while idle
  auto next = acquire(pool);
  EXPECT_TRUE(next.fresh);
  EXPECT_NE(next.environment, kept.environment);
}

TEST_F(EnvironmentPoolTest, RetireShutsIdleOnesAndBusyOnesWhenTheyComeBack) {
  EnvironmentPool pool({});
  auto old_idle = acquire(pool, "f", "v1");
  auto old_busy = acquire(pool, "f", "v1");
  auto current = acquire(pool, "f", "v2");
  pool.release("f", "v1", old_idle.environment);
  pool.release("f", "v2", current.environment);
  pool.retire("f", "v2");
  EXPECT_FALSE(old_idle.environment->alive());
  EXPECT_TRUE(current.environment->alive());
  pool.release("f", "v1", old_busy.environment);
  EXPECT_FALSE(old_busy.environment->alive());
  EXPECT_EQ(pool.counts().idle, 1u);
}

TEST_F(EnvironmentPoolTest, ReapShutsEnvironmentsIdleLongerThanTheReapAge) {
  EnvironmentPool::Limits limits;
  limits.idle_reap_ms = 1000;
  EnvironmentPool pool(limits);
  auto lease = acquire(pool);
  pool.release("f", "k", lease.environment);
  // Never started, it has been idle since time 0.
  pool.reap(999);
  EXPECT_EQ(pool.counts().idle, 1u);
  pool.reap(1000);
  EXPECT_EQ(pool.counts().idle, 0u);
  EXPECT_FALSE(lease.environment->alive());
}

TEST_F(EnvironmentPoolTest, QuickFunctionsWaitOnceEnoughOfTheirEnvironmentsAreBusy) {
  EnvironmentPool::Limits limits;
  limits.quick_environments = 2;
  limits.quick_ms = 20;
  EnvironmentPool pool(limits);
  EXPECT_FALSE(pool.should_wait("f", "k"));  // never measured
  auto a = acquire(pool);
  pool.release("f", "k", a.environment, 2);  // quick
  auto b = acquire(pool);
  EXPECT_FALSE(pool.should_wait("f", "k"));  // one busy
  auto c = acquire(pool);
  EXPECT_TRUE(pool.should_wait("f", "k"));
  auto waiter = pool.idle_waiter("f", "k");
  pool.release("f", "k", b.environment, 2);
  EXPECT_TRUE(waiter->fired());
  // A slow function scales out instead.
  auto slow = acquire(pool, "s");
  pool.release("s", "k", slow.environment, 500);
  auto s1 = acquire(pool, "s");
  auto s2 = acquire(pool, "s");
  EXPECT_FALSE(pool.should_wait("s", "k"));
}

TEST_F(EnvironmentPoolTest, ShutDownAllStopsIdleOnesAndRetiresBusyOnes) {
  EnvironmentPool pool({});
  auto idle = acquire(pool);
  auto busy = acquire(pool);
  pool.release("f", "k", idle.environment);
  pool.shut_down_all();
  EXPECT_FALSE(idle.environment->alive());
  EXPECT_EQ(pool.counts().idle, 0u);
  pool.release("f", "k", busy.environment);
  EXPECT_FALSE(busy.environment->alive());
  EXPECT_EQ(pool.counts().idle, 0u);
}

}  // namespace
}  // namespace nimbus::lambda
