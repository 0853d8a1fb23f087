// The clock keeper stores the clock with the state, so a restarted nimbus continues its time.

#include "storage/clock_keeper.h"

#include <gtest/gtest.h>

#include "storage/memory_store.h"
#include "test_support.h"

namespace nimbus::storage {
namespace {

TEST(ClockKeeper, ARestartContinuesAnAdvancedClock) {
  MemoryStore store;
  {
    Clock before;
    ClockKeeper keeper(store, before);
    before.advance(3'600'000);
    storage::testing::run(keeper.save());
  }
  Clock after;
  ClockKeeper keeper(store, after);
  keeper.restore();
  EXPECT_NEAR(static_cast<double>(after.offset_ms()), 3'600'000, 100);
}

TEST(ClockKeeper, ARestartNeverGoesBehindTheLatestTimeSaved) {
  MemoryStore store;
  auto future = Clock::wall_ms() + 600'000;
  storage::testing::put(store, "nimbus", "clock", R"({"offset_ms":0,"latest_ms":)" + std::to_string(future) + "}");
  Clock clock;
  ClockKeeper keeper(store, clock);
  keeper.restore();
  EXPECT_GE(clock.now_ms(), future);
}

TEST(ClockKeeper, NothingStoredLeavesWallTime) {
  MemoryStore store;
  Clock clock;
  ClockKeeper keeper(store, clock);
  keeper.restore();
  EXPECT_NEAR(static_cast<double>(clock.offset_ms()), 0, 50);
}

}  // namespace
}  // namespace nimbus::storage
