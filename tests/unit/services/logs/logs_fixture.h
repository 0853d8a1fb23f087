#pragma once
// Test harness: a real CloudWatch Logs service over an in-memory store, driven through invoke()
// on a two-thread io_context, with a clock the tests advance; restart() keeps the store.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/aws_error.h"
#include "core/clock.h"
#include "services/logs/logs_service.h"
#include "storage/memory_store.h"

namespace nimbus::logs::testing {

class LogsTest : public ::testing::Test {
 protected:
  LogsTest() { boot(); }
  ~LogsTest() override { shutdown(); }

  void boot() {
    io_ = std::make_unique<boost::asio::io_context>();
    work_.emplace(io_->get_executor());
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_->run(); });
    service_ = make_logs_service(store_, clock_);
    service_->start(io_->get_executor());
  }

  void shutdown() {
    if (!service_) return;
    service_->stop();
    service_.reset();
    work_.reset();
    io_->stop();
    for (auto& thread : threads_) thread.join();
    threads_.clear();
  }

  void restart() {
    shutdown();
    boot();
  }

  static boost::asio::awaitable<Json> run(Service* service, std::string operation, RequestContext context,
                                          Json input) {
    co_return co_await service->invoke(operation, context, std::move(input));
  }

  RequestContext context() const {
    RequestContext context;
    context.clock = const_cast<Clock*>(&clock_);
    return context;
  }

  Json call(const std::string& operation, Json input) {
    return boost::asio::co_spawn(*io_, run(service_.get(), operation, context(), std::move(input)),
                                 boost::asio::use_future)
        .get();
  }

  // The AwsError an operation fails with (fails the test if it succeeds).
  AwsError error_of(const std::string& operation, Json input) {
    try {
      call(operation, std::move(input));
    } catch (const AwsError& error) {
      return error;
    }
    ADD_FAILURE() << operation << " succeeded";
    return AwsError(0, "", "");
  }

  int64_t sweep() {
    return boost::asio::co_spawn(*io_, service_->sweep(), boost::asio::use_future).get();
  }

  void make_stream(const std::string& group, const std::string& stream) {
    try {
      call("CreateLogGroup", {{"logGroupName", group}});
    } catch (const AwsError&) {
    }
    call("CreateLogStream", {{"logGroupName", group}, {"logStreamName", stream}});
  }

  Json put(const std::string& group, const std::string& stream, std::vector<std::pair<int64_t, std::string>> events) {
    Json list = Json::array();
    for (auto& [ts, message] : events) list.push_back({{"timestamp", ts}, {"message", message}});
    return call("PutLogEvents", {{"logGroupName", group}, {"logStreamName", stream}, {"logEvents", list}});
  }

  std::vector<std::string> messages(const Json& out) {
    std::vector<std::string> texts;
    for (const auto& event : out["events"]) texts.push_back(event["message"]);
    return texts;
  }

  int64_t now() const { return clock_.now_ms(); }

  storage::MemoryStore store_;
  Clock clock_;
  std::unique_ptr<boost::asio::io_context> io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  std::unique_ptr<LogsService> service_;
};

}  // namespace nimbus::logs::testing
