// The Scheduler service over an in-memory store with a real outbox whose destination records the
// calls: CRUD answers, fires on nimbus's clock, no fire repeated or lost across a restart, one
// catch-up fire for what fell due while down, ActionAfterCompletion DELETE, group deletion.

#include "services/scheduler/scheduler_service.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "core/aws_error.h"
#include "storage/memory_store.h"

namespace nimbus::scheduler {
namespace {

class SchedulerTest : public ::testing::Test {
 protected:
  SchedulerTest() { boot(); }
  ~SchedulerTest() override { shutdown(); }

  void boot() {
    io_ = std::make_unique<boost::asio::io_context>();
    work_.emplace(io_->get_executor());
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_->run(); });
    outbox_ = std::make_unique<delivery::Outbox>(
        store_, clock_, [this](const delivery::Target& target, RequestContext&) -> boost::asio::awaitable<Json> {
          std::lock_guard lock(mutex_);
          calls_.push_back(target);
          co_return Json::object();
        });
    service_ = make_scheduler_service({store_, clock_, *outbox_});
    service_->start(io_->get_executor());
    outbox_->start(io_->get_executor());
  }

  void shutdown() {
    if (!service_) return;
    outbox_->stop();
    service_->stop();
    work_.reset();
    io_->stop();
    for (auto& thread : threads_) thread.join();
    threads_.clear();
    service_.reset();
    outbox_.reset();
  }

  static boost::asio::awaitable<Json> run(Service* service, std::string operation, Json input) {
    RequestContext context;
    co_return co_await service->invoke(operation, context, std::move(input));
  }

  Json call(const std::string& operation, Json input) {
    return boost::asio::co_spawn(*io_, run(service_.get(), operation, std::move(input)), boost::asio::use_future).get();
  }

  AwsError error_of(const std::string& operation, Json input) {
    try {
      call(operation, std::move(input));
    } catch (const AwsError& error) {
      return error;
    }
    ADD_FAILURE() << operation << " succeeded";
    return AwsError(0, "", "");
  }

  // Waits until the destination has seen `count` calls (or `wait`), then a little longer for extras.
  size_t delivered(size_t count, std::chrono::milliseconds wait = std::chrono::milliseconds(5000)) {
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(mutex_);
        if (calls_.size() >= count) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::lock_guard lock(mutex_);
    return calls_.size();
  }

  static Json schedule(const std::string& name, const std::string& expression, Json extra = Json::object()) {
    Json in = {{"Name", name},
               {"ScheduleExpression", expression},
               {"FlexibleTimeWindow", {{"Mode", "OFF"}}},
               {"Target",
                {{"Arn", "arn:aws:sqs:us-east-1:000000000000:q"},
                 {"RoleArn", "arn:aws:iam::000000000000:role/r"},
                 {"Input", "hello " + name}}}};
    in.update(extra);
    return in;
  }

  std::string at_in(int64_t seconds_from_now) const {
    std::time_t t = static_cast<std::time_t>(clock_.now_ms() / 1000 + seconds_from_now);
    char text[32];
    std::strftime(text, sizeof text, "at(%Y-%m-%dT%H:%M:%S)", std::gmtime(&t));
    return text;
  }

  storage::MemoryStore store_;
  Clock clock_;
  std::unique_ptr<boost::asio::io_context> io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  std::unique_ptr<delivery::Outbox> outbox_;
  std::unique_ptr<SchedulerService> service_;
  std::mutex mutex_;
  std::vector<delivery::Target> calls_;
};

TEST_F(SchedulerTest, CrudAndErrors) {
  auto created = call("CreateSchedule", schedule("a", "rate(1 hour)"));
  EXPECT_EQ(created["ScheduleArn"], "arn:aws:scheduler:us-east-1:000000000000:schedule/default/a");
  auto conflict = error_of("CreateSchedule", schedule("a", "rate(1 hour)"));
  EXPECT_EQ(conflict.code, "ConflictException");
  EXPECT_EQ(conflict.http_status, 409);
  EXPECT_EQ(conflict.message, "Schedule a already exists.");
  auto got = call("GetSchedule", {{"Name", "a"}});
  EXPECT_EQ(got["ScheduleExpression"], "rate(1 hour)");
  EXPECT_EQ(got["State"], "ENABLED");
  EXPECT_FALSE(got.contains("_next_ms"));
  auto missing = error_of("GetSchedule", {{"Name", "nope"}});
  EXPECT_EQ(missing.http_status, 404);
  EXPECT_EQ(missing.message, "Schedule nope does not exist.");
  auto no_group = error_of("CreateSchedule", schedule("b", "rate(1 hour)", {{"GroupName", "g"}}));
  EXPECT_EQ(no_group.message, "Schedule group g does not exist.");
  call("UpdateSchedule", schedule("a", "rate(2 hours)", {{"State", "DISABLED"}}));
  got = call("GetSchedule", {{"Name", "a"}});
  EXPECT_EQ(got["State"], "DISABLED");
  EXPECT_EQ(got["ScheduleExpression"], "rate(2 hours)");
  auto listed = call("ListSchedules", {{"State", "DISABLED"}});
  ASSERT_EQ(listed["Schedules"].size(), 1u);
  EXPECT_EQ(listed["Schedules"][0]["Target"]["Arn"], "arn:aws:sqs:us-east-1:000000000000:q");
  call("DeleteSchedule", {{"Name", "a"}});
  EXPECT_EQ(error_of("DeleteSchedule", {{"Name", "a"}}).code, "ResourceNotFoundException");
}

TEST_F(SchedulerTest, ListPagesAndGroupsDeleteTheirSchedules) {
  call("CreateScheduleGroup", {{"Name", "g"}, {"Tags", {{{"Key", "k"}, {"Value", "v"}}}}});
  for (int i = 0; i < 5; ++i) call("CreateSchedule", schedule("s" + std::to_string(i), "rate(1 day)", {{"GroupName", "g"}}));
  call("CreateSchedule", schedule("other", "rate(1 day)"));
  std::vector<std::string> names;
  Json page = call("ListSchedules", {{"GroupName", "g"}, {"MaxResults", 2}});
  for (;;) {
    for (const auto& s : page["Schedules"]) names.push_back(s["Name"]);
    if (!page.contains("NextToken")) break;
    page = call("ListSchedules", {{"GroupName", "g"}, {"MaxResults", 2}, {"NextToken", page["NextToken"]}});
  }
  EXPECT_EQ(names, (std::vector<std::string>{"s0", "s1", "s2", "s3", "s4"}));
  auto groups = call("ListScheduleGroups", Json::object());
  ASSERT_EQ(groups["ScheduleGroups"].size(), 2u);
  EXPECT_EQ(groups["ScheduleGroups"][0]["Name"], "default");
  auto tags = call("ListTagsForResource", {{"ResourceArn", "arn:aws:scheduler:us-east-1:000000000000:schedule-group/g"}});
  EXPECT_EQ(tags["Tags"][0]["Key"], "k");
  EXPECT_EQ(error_of("DeleteScheduleGroup", {{"Name", "default"}}).code, "ValidationException");
  call("DeleteScheduleGroup", {{"Name", "g"}});
  EXPECT_EQ(call("ListSchedules", Json::object())["Schedules"].size(), 1u);
  EXPECT_EQ(error_of("GetScheduleGroup", {{"Name", "g"}}).code, "ResourceNotFoundException");
}

TEST_F(SchedulerTest, AtFiresOnceOnTheClockAndDeletesWhenAsked) {
  call("CreateSchedule", schedule("once", at_in(120), {{"ActionAfterCompletion", "DELETE"}}));
  EXPECT_EQ(delivered(0), 0u);
  clock_.advance(121'000);
  ASSERT_EQ(delivered(1), 1u);
  EXPECT_EQ(calls_[0].input["MessageBody"], "hello once");
  EXPECT_EQ(error_of("GetSchedule", {{"Name", "once"}}).code, "ResourceNotFoundException");
  EXPECT_EQ(service_->health()["deleted_after_completion"], 1);
}

TEST_F(SchedulerTest, RateFiresEveryPeriodAndNotAgainAfterRestart) {
  call("CreateSchedule", schedule("tick", "rate(1 minute)"));
  ASSERT_EQ(delivered(1), 1u);  // fires when created
  clock_.advance(180'000);
  ASSERT_EQ(delivered(4), 4u);  // each of the three minutes that passed
  shutdown();
  boot();
  EXPECT_EQ(delivered(5, std::chrono::milliseconds(500)), 4u);  // nothing fires twice
  clock_.advance(60'000);
  EXPECT_EQ(delivered(5), 5u);
}

TEST_F(SchedulerTest, WhatFellDueWhileDownFiresOnce) {
  call("CreateSchedule", schedule("tick", "rate(1 minute)"));
  ASSERT_EQ(delivered(1), 1u);
  shutdown();
  clock_.advance(10 * 60'000);  // ten periods pass while nimbus is down
  boot();
  EXPECT_EQ(delivered(2), 2u);
  clock_.advance(60'000);
  EXPECT_EQ(delivered(3), 3u);
}

TEST_F(SchedulerTest, DisabledSchedulesDoNotFire) {
  call("CreateSchedule", schedule("off", "rate(1 minute)", {{"State", "DISABLED"}}));
  clock_.advance(300'000);
  EXPECT_EQ(delivered(1, std::chrono::milliseconds(500)), 0u);
}

}  // namespace
}  // namespace nimbus::scheduler
