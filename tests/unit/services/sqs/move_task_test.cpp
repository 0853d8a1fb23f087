#include <gtest/gtest.h>

#include <chrono>

#include "sqs_fixture.h"

namespace nimbus::sqs::testing {
namespace {

using namespace std::chrono_literals;

class MoveTaskTest : public SqsTest {
 protected:
  // A source queue whose 5 messages all went to its dead-letter queue.
  void fill_dead_letter_queue() {
    create_queue("dlq");
    source_ = create_queue("source", {{"VisibilityTimeout", "0"},
                                      {"RedrivePolicy", R"({"deadLetterTargetArn":")" + arn("dlq") +
                                                            R"(","maxReceiveCount":1})"}});
    for (int i = 0; i < 5; ++i) send(source_, "m" + std::to_string(i));
    for (int i = 0; i < 5; ++i) receive(source_, {{"MaxNumberOfMessages", 10}});
    ASSERT_EQ(attribute(dlq_url_, "ApproximateNumberOfMessages"), "5");
  }

  Json latest_task() {
    return call("ListMessageMoveTasks", {{"SourceArn", arn("dlq")}})["Results"][0];
  }

  // Polls until the task has moved `count` messages (the worker ticks every 100 ms).
  Json wait_for_moved(int64_t count) {
    Json task;
    for (int i = 0; i < 100; ++i) {
      task = latest_task();
      if (task["ApproximateNumberOfMessagesMoved"].get<int64_t>() >= count) break;
      std::this_thread::sleep_for(20ms);
    }
    return task;
  }

  std::string source_;
  std::string dlq_url_ = "http://localhost:4566/000000000000/dlq";
};

TEST_F(MoveTaskTest, MovesMessagesBackToTheirSourceAtTheRequestedRate) {
  fill_dead_letter_queue();
  Json started = call("StartMessageMoveTask", {{"SourceArn", arn("dlq")}, {"MaxNumberOfMessagesPerSecond", 2}});
  ASSERT_TRUE(started.contains("TaskHandle"));
  Json task = wait_for_moved(2);
  EXPECT_EQ(task["ApproximateNumberOfMessagesMoved"], 2);
  EXPECT_EQ(task["Status"], "RUNNING");
  EXPECT_EQ(task["ApproximateNumberOfMessagesToMove"], 5);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(latest_task()["ApproximateNumberOfMessagesMoved"], 2) << "rate limit exceeded";
  clock_.advance(2'000);
  task = wait_for_moved(5);
  EXPECT_EQ(task["ApproximateNumberOfMessagesMoved"], 5);
  for (int i = 0; i < 50 && latest_task()["Status"] != "COMPLETED"; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(latest_task()["Status"], "COMPLETED");
  EXPECT_EQ(attribute(source_, "ApproximateNumberOfMessages"), "5");
  EXPECT_EQ(attribute(dlq_url_, "ApproximateNumberOfMessages"), "0");
}

TEST_F(MoveTaskTest, SourceThatIsNotADeadLetterQueueIsRejected) {
  create_queue("plain");
  EXPECT_EQ(error("StartMessageMoveTask", {{"SourceArn", arn("plain")}}).code, "InvalidParameterValue");
  EXPECT_EQ(error("StartMessageMoveTask", {{"SourceArn", arn("missing")}}).code, "ResourceNotFoundException");
}

TEST_F(MoveTaskTest, RunningTaskCanBeCancelledOnceAndUnknownHandleIsNotFound) {
  fill_dead_letter_queue();
  Json started = call("StartMessageMoveTask", {{"SourceArn", arn("dlq")}, {"MaxNumberOfMessagesPerSecond", 1}});
  EXPECT_EQ(error("StartMessageMoveTask", {{"SourceArn", arn("dlq")}}).code, "InvalidParameterValue");
  Json cancelled = call("CancelMessageMoveTask", {{"TaskHandle", started["TaskHandle"]}});
  EXPECT_TRUE(cancelled.contains("ApproximateNumberOfMessagesMoved"));
  // CANCELLING until the worker's next tick (100 ms) observes it; no TaskHandle once not RUNNING.
  Json task = latest_task();
  EXPECT_TRUE(task["Status"] == "CANCELLING" || task["Status"] == "CANCELLED") << task;
  EXPECT_FALSE(task.contains("TaskHandle"));
  EXPECT_FALSE(task.contains("FailureReason"));
  EXPECT_EQ(task["ApproximateNumberOfMessagesToMove"], 5);
  for (int i = 0; i < 50 && latest_task()["Status"] != "CANCELLED"; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(latest_task()["Status"], "CANCELLED");
  EXPECT_EQ(error("CancelMessageMoveTask", {{"TaskHandle", started["TaskHandle"]}}).code,
            "InvalidParameterValue");
  EXPECT_EQ(error("CancelMessageMoveTask", {{"TaskHandle", "unknown"}}).code, "ResourceNotFoundException");
  clock_.advance(10'000);
  std::this_thread::sleep_for(200ms);
  EXPECT_LE(std::stoi(attribute(source_, "ApproximateNumberOfMessages")), 1)
      << "a cancelled task stops moving";
}

TEST_F(MoveTaskTest, CancelledTaskFreesTheSourceQueueForANewTask) {
  fill_dead_letter_queue();
  Json started = call("StartMessageMoveTask", {{"SourceArn", arn("dlq")}, {"MaxNumberOfMessagesPerSecond", 1}});
  call("CancelMessageMoveTask", {{"TaskHandle", started["TaskHandle"]}});
  for (int i = 0; i < 50 && latest_task()["Status"] != "CANCELLED"; ++i) std::this_thread::sleep_for(20ms);
  Json restarted = call("StartMessageMoveTask", {{"SourceArn", arn("dlq")}, {"MaxNumberOfMessagesPerSecond", 1}});
  EXPECT_NE(restarted["TaskHandle"], started["TaskHandle"]);
  EXPECT_EQ(latest_task()["Status"], "RUNNING");
}

}  // namespace
}  // namespace nimbus::sqs::testing
