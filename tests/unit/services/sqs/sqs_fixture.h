#pragma once
// Test harness: a real SQS service over an in-memory store, driven through invoke() on a
// two-thread io_context, with a clock the tests advance.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/aws_error.h"
#include "core/clock.h"
#include "services/sqs/sqs_service.h"
#include "storage/memory_store.h"

namespace nimbus::sqs::testing {

// Fixture owning store, clock, io threads and the service; restart() keeps the store.
class SqsTest : public ::testing::Test {
 protected:
  SqsTest() { boot(); }
  ~SqsTest() override { shutdown(); }

  void boot() {
    io_ = std::make_unique<boost::asio::io_context>();
    work_.emplace(io_->get_executor());
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_->run(); });
    service_ = make_sqs_service(store_, clock_, limits_);
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

  // Restarts the service (keeping the store) with other quotas.
  void restart_with(SqsLimits limits) {
    limits_ = limits;
    restart();
  }

  static boost::asio::awaitable<Json> run(Service* service, std::string operation,
                                          RequestContext context, Json input) {
    co_return co_await service->invoke(operation, context, std::move(input));
  }

  RequestContext context() const {
    RequestContext context;
    context.host = "localhost:4566";
    context.clock = const_cast<Clock*>(&clock_);
    return context;
  }

  std::future<Json> call_async(const std::string& operation, Json input) {
    return boost::asio::co_spawn(*io_, run(service_.get(), operation, context(), std::move(input)),
                                 boost::asio::use_future);
  }

  Json call(const std::string& operation, Json input) {
    return call_async(operation, std::move(input)).get();
  }

  // The AwsError an operation fails with (fails the test if it succeeds).
  AwsError error(const std::string& operation, Json input) {
    try {
      call(operation, std::move(input));
    } catch (const AwsError& e) {
      return e;
    }
    ADD_FAILURE() << operation << " succeeded unexpectedly";
    return AwsError(0, "", "");
  }

  std::string create_queue(const std::string& name, Json attributes = Json::object()) {
    Json input = {{"QueueName", name}};
    if (!attributes.empty()) input["Attributes"] = attributes;
    return call("CreateQueue", input)["QueueUrl"];
  }

  Json send(const std::string& url, const std::string& body, Json extra = Json::object()) {
    extra["QueueUrl"] = url;
    extra["MessageBody"] = body;
    return call("SendMessage", extra);
  }

  Json receive(const std::string& url, Json extra = Json::object()) {
    extra["QueueUrl"] = url;
    Json out = call("ReceiveMessage", extra);
    return out.value("Messages", Json::array());
  }

  std::string attribute(const std::string& url, const std::string& name) {
    Json out = call("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", {name}}});
    return out["Attributes"][name];
  }

  std::string arn(const std::string& name) { return "arn:aws:sqs:us-east-1:000000000000:" + name; }

  storage::MemoryStore store_;
  Clock clock_;
  SqsLimits limits_;
  std::unique_ptr<boost::asio::io_context> io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  std::unique_ptr<Service> service_;
};

}  // namespace nimbus::sqs::testing
