#pragma once
// AWS Lambda: the management API (rest-json, model-driven) over durable function records, and
// invocation through warm execution environments (environment.h) that speak the Runtime API on
// their own loopback endpoints. Asynchronous invokes are deliveries of the core's outbox to this
// service's internal `_InvokeAsync` operation (retries, maximum event age, destinations).

#include <boost/asio/thread_pool.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
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

class EsmPoller;
class EsmStreamPoller;

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
  // `by_weight`: an alias with RoutingConfig picks its version by the weights (as Invoke does);
  // otherwise an alias names its primary version.
  // A function URL request (see function_url_service.h): the payload 2.0 event in, HTTP out.
  awaitable<Reply> serve_function_url(HttpRequest& head, BodyReader& body, RequestContext& context);
  // The function record key and qualifier whose URL config has this id.
  std::optional<std::pair<std::string, std::string>> find_function_url(std::string_view url_id) const;

  Resolved resolve(const RequestContext& context, std::string_view function_name, std::string_view qualifier,
                   bool by_weight = false) const;

 private:
  friend class EsmPoller;  // event source mappings poll through call_service_ and invoke with run()
  friend class EsmStreamPoller;
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

  // version_alias_ops.cpp
  awaitable<Json> publish_version(RequestContext& context, Json& input);
  awaitable<Json> list_versions_by_function(RequestContext& context, Json& input);
  awaitable<Json> create_alias(RequestContext& context, Json& input);
  awaitable<Json> get_alias(RequestContext& context, Json& input);
  awaitable<Json> update_alias(RequestContext& context, Json& input);
  awaitable<Json> delete_alias(RequestContext& context, Json& input);
  awaitable<Json> list_aliases(RequestContext& context, Json& input);
  // permission_ops.cpp
  awaitable<Json> add_permission(RequestContext& context, Json& input);
  awaitable<Json> remove_permission(RequestContext& context, Json& input);
  awaitable<Json> get_policy(RequestContext& context, Json& input);
  // config_ops.cpp
  awaitable<Json> put_function_concurrency(RequestContext& context, Json& input);
  awaitable<Json> get_function_concurrency(RequestContext& context, Json& input);
  awaitable<Json> delete_function_concurrency(RequestContext& context, Json& input);
  awaitable<Json> put_function_event_invoke_config(RequestContext& context, Json& input);
  awaitable<Json> update_function_event_invoke_config(RequestContext& context, Json& input);
  awaitable<Json> get_function_event_invoke_config(RequestContext& context, Json& input);
  awaitable<Json> delete_function_event_invoke_config(RequestContext& context, Json& input);
  awaitable<Json> list_function_event_invoke_configs(RequestContext& context, Json& input);
  int reserved_concurrency_sum(const std::string& account, const std::string& region,
                               const std::string& except_key = {}) const;
  // tag_ops.cpp
  awaitable<Json> tag_resource(RequestContext& context, Json& input);
  awaitable<Json> untag_resource(RequestContext& context, Json& input);
  awaitable<Json> list_tags(RequestContext& context, Json& input);
  // layer_ops.cpp
  awaitable<Json> publish_layer_version(RequestContext& context, Json& input);
  awaitable<Json> get_layer_version(RequestContext& context, Json& input);
  awaitable<Json> get_layer_version_by_arn(RequestContext& context, Json& input);
  awaitable<Json> list_layer_versions(RequestContext& context, Json& input);
  awaitable<Json> list_layers(RequestContext& context, Json& input);
  awaitable<Json> delete_layer_version(RequestContext& context, Json& input);
  awaitable<Json> add_layer_version_permission(RequestContext& context, Json& input);
  awaitable<Json> remove_layer_version_permission(RequestContext& context, Json& input);
  awaitable<Json> get_layer_version_policy(RequestContext& context, Json& input);
  // A function's Layers from the ARNs it names (each version must exist; at most 5).
  Json function_layers(const RequestContext& context, const Json& arns) const;
  // The function's layers merged in order as one folder for /opt ("" = none); built once per
  // list of layer contents. Blocking.
  std::filesystem::path merged_layers(const Json& config) const;
  // url_config_ops.cpp
  awaitable<Json> create_function_url_config(RequestContext& context, Json& input);
  awaitable<Json> get_function_url_config(RequestContext& context, Json& input);
  awaitable<Json> update_function_url_config(RequestContext& context, Json& input);
  awaitable<Json> delete_function_url_config(RequestContext& context, Json& input);
  awaitable<Json> list_function_url_configs(RequestContext& context, Json& input);

  // esm_ops.cpp: event source mappings (Amazon SQS, DynamoDB streams)
  awaitable<Json> create_event_source_mapping(RequestContext& context, Json& input);
  // esm_stream_ops.cpp: a Create with a DynamoDB stream ARN
  awaitable<Json> create_stream_event_source_mapping(RequestContext& context, Json& input);
  // Starts or stops the mapping's worker (SQS or stream) after its record changed.
  void refresh_mapping(const std::string& uuid);
  awaitable<Json> get_event_source_mapping(RequestContext& context, Json& input);
  awaitable<Json> update_event_source_mapping(RequestContext& context, Json& input);
  awaitable<Json> delete_event_source_mapping(RequestContext& context, Json& input);
  awaitable<Json> list_event_source_mappings(RequestContext& context, Json& input);

  // invoke_ops.cpp
  awaitable<Json> invoke_function(RequestContext& context, Json& input);
  // The response as an event stream: PayloadChunk events, then InvokeComplete (error, log tail).
  awaitable<Json> invoke_with_response_stream(RequestContext& context, Json& input);
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
  // The outbox gave up an asynchronous invocation: its on-failure destination or dead-letter queue.
  std::optional<delivery::Delivery> on_async_exhausted(const delivery::Delivery& given_up,
                                                       const delivery::Failure& failure);
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
  RecordTable mappings_;               // event source mappings, key = UUID (esm_ops.cpp)
  std::unique_ptr<EsmPoller> poller_;  // their workers (esm_poller.h)
  std::unique_ptr<EsmStreamPoller> stream_poller_;  // DynamoDB stream mappings' (esm_stream_poller.h)
  RecordTable layers_;  // layer_ops.cpp: one record per layer name
  EnvironmentPool pool_;
  boost::asio::thread_pool blocking_{2};
  boost::asio::any_io_executor executor_;
  std::shared_ptr<std::atomic<bool>> stopping_ = std::make_shared<std::atomic<bool>>(false);
  // Function logs wait here and go to CloudWatch Logs in one PutLogEvents per stream every
  // 100 ms (not one store commit per invocation). Keyed "<account>\n<region>\n<group>\n<stream>".
  void queue_logs(const std::string& account, const std::string& region, const std::string& group,
                  const std::string& stream, std::vector<LogEvent> events);
  awaitable<void> flush_logs_forever(std::shared_ptr<std::atomic<bool>> stopping);
  std::map<std::string, std::vector<LogEvent>> log_queue_;  // guarded by logs_mutex_
  std::set<std::string> log_streams_made_;  // "<account>/<region>/<group>/<stream>" (guarded by logs_mutex_)
  std::mutex logs_mutex_;
};

std::unique_ptr<LambdaService> make_lambda_service(LambdaDependencies deps);

// The embedded runtime clients (runtimes/nodejs/bootstrap.mjs, runtimes/python/bootstrap.py).
extern const std::string_view kNodeRuntimeClient;
extern const std::string_view kPythonRuntimeClient;

}  // namespace nimbus::lambda
