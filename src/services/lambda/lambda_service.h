#pragma once
// AWS Lambda: the management API (rest-json, model-driven) over durable function records, and
// invocation through warm execution environments (environment.h) that speak the Runtime API on
// their own loopback endpoints. Asynchronous invokes are deliveries of the core's outbox to this
// service's internal `_InvokeAsync` operation (retries, maximum event age, destinations).

#include <boost/asio/thread_pool.hpp>
#include <filesystem>
#include <memory>
#include <unordered_map>

#include "core/clock.h"
#include "core/local_endpoint.h"
#include "delivery/outbox.h"
#include "services/lambda/environment_pool.h"
#include "services/lambda/function_table.h"
#include "services/service.h"
#include "storage/store.h"

namespace nimbus::auth {
class Credentials;
}

namespace nimbus::lambda {

using boost::asio::awaitable;

struct LambdaDependencies {
  storage::Store& store;
  Clock& clock;
  std::filesystem::path files_dir;  // <data>/lambda
  delivery::Outbox& outbox;
  delivery::Outbox::Invoke call_service;
  LocalEndpoints* endpoints = nullptr;  // null: functions cannot run (unit tests)
  const auth::Credentials* credentials = nullptr;
};

class LambdaService final : public Service {
 public:
  explicit LambdaService(LambdaDependencies deps);
  ~LambdaService() override;

  std::string_view name() const override { return "lambda"; }
  const model::ServiceModel& model() const override;
  awaitable<Json> invoke(std::string_view operation, RequestContext& context, Json input) override;
  bool implements(std::string_view operation) const override;
  void start(boost::asio::any_io_executor executor) override;
  void stop() override;
  awaitable<void> reset() override;
  Json health() const override;

  // The function's record and the configuration a qualifier names (version or alias); throws
  // ResourceNotFoundException. Exposed for the operation files.
  struct Resolved {
    std::string key;  // scoped_key of the function
    Json record;
    Json config;            // the version's FunctionConfiguration
    std::string version;    // "$LATEST", "3"
    std::string alias;      // when the qualifier was an alias
    std::string invoked_arn;
  };
  Resolved resolve(const RequestContext& context, std::string_view function_name, std::string_view qualifier) const;

 private:
  using Handler = awaitable<Json> (LambdaService::*)(RequestContext&, Json&);
  static const std::unordered_map<std::string_view, Handler>& handlers();

  // function_ops.cpp
  awaitable<Json> create_function(RequestContext& context, Json& input);
  awaitable<Json> get_function(RequestContext& context, Json& input);
  awaitable<Json> get_function_configuration(RequestContext& context, Json& input);
  awaitable<Json> update_function_code(RequestContext& context, Json& input);
  awaitable<Json> update_function_configuration(RequestContext& context, Json& input);
  awaitable<Json> delete_function(RequestContext& context, Json& input);
  awaitable<Json> list_functions(RequestContext& context, Json& input);
  awaitable<Json> get_account_settings(RequestContext& context, Json& input);
  // Code from ZipFile bytes or S3Bucket/S3Key (read through S3's GetObject); unpacked off the I/O threads.
  awaitable<Json> store_code(RequestContext& context, const Json& code);
  void apply_configuration(const RequestContext& context, const Json& input, Json& config, bool creating) const;

  // invoke_ops.cpp
  awaitable<Json> invoke_function(RequestContext& context, Json& input);
  awaitable<Json> invoke_async_delivery(RequestContext& context, Json& input);
  struct RunOutcome {
    std::string payload;
    std::string function_error;
    std::string log_tail;
    std::string executed_version;
  };
  awaitable<RunOutcome> run(const RequestContext& context, const Resolved& target, std::string payload,
                            std::string client_context);
  std::shared_ptr<Environment> start_environment(const RequestContext& context, const Resolved& target);
  awaitable<void> ship_logs(std::string account, std::string region, std::string group, std::string stream,
                            std::vector<LogEvent> events);

  storage::Store& store_;
  Clock& clock_;
  std::filesystem::path files_dir_;
  delivery::Outbox& outbox_;
  delivery::Outbox::Invoke call_service_;
  LocalEndpoints* endpoints_;
  const auth::Credentials* credentials_;
  RecordTable functions_;
  EnvironmentPool pool_;
  boost::asio::thread_pool blocking_{2};
  boost::asio::any_io_executor executor_;
  std::shared_ptr<std::atomic<bool>> stopping_ = std::make_shared<std::atomic<bool>>(false);
  std::set<std::string> log_streams_made_;  // "<account>/<region>/<group>/<stream>" (guarded by logs_mutex_)
  std::mutex logs_mutex_;
};

std::unique_ptr<LambdaService> make_lambda_service(LambdaDependencies deps);

// The embedded runtime clients (runtimes/nodejs/bootstrap.mjs, runtimes/python/bootstrap.py).
extern const std::string_view kNodeRuntimeClient;
extern const std::string_view kPythonRuntimeClient;

}  // namespace nimbus::lambda
