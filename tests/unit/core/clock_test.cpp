// The clock: advances move it forward, it never runs backwards, and resume continues an earlier
// run's time.

#include "core/clock.h"

#include <gtest/gtest.h>

namespace nimbus {
namespace {

TEST(Clock, StartsAtWallTime) {
  Clock clock;
  EXPECT_NEAR(static_cast<double>(clock.now_ms()), static_cast<double>(Clock::wall_ms()), 50);
  EXPECT_NEAR(static_cast<double>(clock.offset_ms()), 0, 50);
}

TEST(Clock, AdvanceMovesItAheadOfWallTimeAndTellsListeners) {
  Clock clock;
  int told = 0;
  clock.on_advance([&] { ++told; });
  auto before = clock.now_ms();
  clock.advance(3'600'000);
  EXPECT_GE(clock.now_ms(), before + 3'600'000);
  EXPECT_NEAR(static_cast<double>(clock.offset_ms()), 3'600'000, 50);
  EXPECT_EQ(told, 1);
  clock.advance(-5);
  EXPECT_EQ(told, 1) << "a negative advance is ignored";
}

TEST(Clock, NeverRunsBackwards) {
  Clock clock;
  auto last = clock.now_ms();
  for (int i = 0; i < 100'000; ++i) {
    auto now = clock.now_ms();
    ASSERT_GE(now, last);
    last = now;
  }
}

TEST(Clock, ResumeContinuesTheOffsetOfAnEarlierRun) {
  Clock clock;
  clock.resume(7'200'000, 0);
  EXPECT_NEAR(static_cast<double>(clock.offset_ms()), 7'200'000, 50);
}

TEST(Clock, ResumeNeverGoesBehindTheLatestTimeHandedOut) {
  Clock clock;
  // The earlier run handed out a time an hour ahead of today's wall clock (the wall clock was
  // stepped back while nimbus was down): time continues from there.
  auto latest = Clock::wall_ms() + 3'600'000;
  clock.resume(0, latest);
  EXPECT_GE(clock.now_ms(), latest);
  EXPECT_LT(clock.now_ms(), latest + 1000);
}

TEST(Clock, RewindReturnsToWallTime) {
  Clock clock;
  clock.advance(86'400'000);
  clock.rewind();
  EXPECT_NEAR(static_cast<double>(clock.offset_ms()), 0, 50);
}

}  // namespace
}  // namespace nimbus
