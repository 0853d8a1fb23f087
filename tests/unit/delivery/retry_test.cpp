// The retry schedule and which destination errors are worth another attempt.

#include "delivery/retry.h"

#include <gtest/gtest.h>

namespace nimbus::delivery {
namespace {

TEST(RetryDelay, DoublesFromTheFirstDelayUpToTheCap) {
  RetryPolicy policy;
  policy.first_delay_ms = 100;
  policy.max_delay_ms = 1000;
  EXPECT_EQ(retry_delay_ms(policy, 1, 0.999999), 99);
  EXPECT_EQ(retry_delay_ms(policy, 2, 0.999999), 199);
  EXPECT_EQ(retry_delay_ms(policy, 3, 0.999999), 399);
  EXPECT_EQ(retry_delay_ms(policy, 5, 0.999999), 999);
  EXPECT_EQ(retry_delay_ms(policy, 60, 0.999999), 999);
}

TEST(RetryDelay, JitterKeepsTheDelayBetweenHalfAndWhole) {
  RetryPolicy policy;
  policy.first_delay_ms = 1000;
  EXPECT_EQ(retry_delay_ms(policy, 1, 0.0), 500);
  EXPECT_EQ(retry_delay_ms(policy, 1, 0.5), 750);
}

TEST(WorthRetrying, MissingDestinationsThrottlingAndServerFaultsAreRetried) {
  EXPECT_TRUE(worth_retrying(AwsError(400, "QueueDoesNotExist", "", "AWS.SimpleQueueService.NonExistentQueue")));
  EXPECT_TRUE(worth_retrying(AwsError(404, "ResourceNotFoundException", "")));
  EXPECT_TRUE(worth_retrying(AwsError(400, "ThrottlingException", "")));
  EXPECT_TRUE(worth_retrying(AwsError(403, "AccessDenied", "")));
  EXPECT_TRUE(worth_retrying(AwsError::internal()));
}

TEST(WorthRetrying, MalformedInputAndUnservedServicesAreNot) {
  EXPECT_FALSE(worth_retrying(AwsError(400, "InvalidParameterValue", "")));
  EXPECT_FALSE(worth_retrying(AwsError(400, "InvalidMessageContents", "")));
  EXPECT_FALSE(worth_retrying(AwsError(501, "NotImplemented", "")));
}

TEST(RetryTest, MissingDestinationsAndPermissionsAreGivenUpAtOnceWhenThePolicySaysSo) {
  EXPECT_FALSE(worth_retrying(AwsError(400, "QueueDoesNotExist", "", "AWS.SimpleQueueService.NonExistentQueue"), false));
  EXPECT_FALSE(worth_retrying(AwsError(403, "AccessDeniedException", ""), false));
  EXPECT_TRUE(worth_retrying(AwsError(400, "ThrottlingException", ""), false));
  EXPECT_TRUE(worth_retrying(AwsError::internal(), false));
}

}  // namespace
}  // namespace nimbus::delivery
