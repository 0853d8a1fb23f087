#include "services/lambda/lambda_service.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fstream>
#include <random>

#include "services/lambda/esm_poller.h"
#include "services/lambda/esm_stream_poller.h"
#include "services/lambda/lambda_errors.h"
#include "services/lambda/lambda_names.h"

namespace nimbus::lambda {
namespace asio = boost::asio;
namespace fs = std::filesystem;

std::unique_ptr<LambdaService> make_lambda_service(LambdaDependencies deps) {
  return std::make_unique<LambdaService>(std::move(deps));
}

const std::unordered_map<std::string_view, LambdaService::Handler>& LambdaService::handlers() {
  static const std::unordered_map<std::string_view, Handler> table = {
      {"CreateFunction", &LambdaService::create_function},
      {"GetFunction", &LambdaService::get_function},
      {"GetFunctionConfiguration", &LambdaService::get_function_configuration},
      {"UpdateFunctionCode", &LambdaService::update_function_code},
      {"UpdateFunctionConfiguration", &LambdaService::update_function_configuration},
      {"DeleteFunction", &LambdaService::delete_function},
      {"ListFunctions", &LambdaService::list_functions},
      {"GetAccountSettings", &LambdaService::get_account_settings},
      {"Invoke", &LambdaService::invoke_function},
      {"InvokeWithResponseStream", &LambdaService::invoke_with_response_stream},
      {"CreateEventSourceMapping", &LambdaService::create_event_source_mapping},
      {"GetEventSourceMapping", &LambdaService::get_event_source_mapping},
      {"UpdateEventSourceMapping", &LambdaService::update_event_source_mapping},
      {"DeleteEventSourceMapping", &LambdaService::delete_event_source_mapping},
      {"ListEventSourceMappings", &LambdaService::list_event_source_mappings},
      {"PublishVersion", &LambdaService::publish_version},
      {"ListVersionsByFunction", &LambdaService::list_versions_by_function},
      {"CreateAlias", &LambdaService::create_alias},
      {"GetAlias", &LambdaService::get_alias},
      {"UpdateAlias", &LambdaService::update_alias},
      {"DeleteAlias", &LambdaService::delete_alias},
      {"ListAliases", &LambdaService::list_aliases},
      {"AddPermission", &LambdaService::add_permission},
      {"RemovePermission", &LambdaService::remove_permission},
      {"GetPolicy", &LambdaService::get_policy},
      {"PutFunctionConcurrency", &LambdaService::put_function_concurrency},
      {"GetFunctionConcurrency", &LambdaService::get_function_concurrency},
      {"DeleteFunctionConcurrency", &LambdaService::delete_function_concurrency},
      {"PutFunctionEventInvokeConfig", &LambdaService::put_function_event_invoke_config},
      {"UpdateFunctionEventInvokeConfig", &LambdaService::update_function_event_invoke_config},
      {"GetFunctionEventInvokeConfig", &LambdaService::get_function_event_invoke_config},
      {"DeleteFunctionEventInvokeConfig", &LambdaService::delete_function_event_invoke_config},
      {"ListFunctionEventInvokeConfigs", &LambdaService::list_function_event_invoke_configs},
      {"TagResource", &LambdaService::tag_resource},
      {"UntagResource", &LambdaService::untag_resource},
      {"ListTags", &LambdaService::list_tags},
      {"PublishLayerVersion", &LambdaService::publish_layer_version},
      {"GetLayerVersion", &LambdaService::get_layer_version},
      {"GetLayerVersionByArn", &LambdaService::get_layer_version_by_arn},
      {"ListLayerVersions", &LambdaService::list_layer_versions},
      {"ListLayers", &LambdaService::list_layers},
      {"DeleteLayerVersion", &LambdaService::delete_layer_version},
      {"AddLayerVersionPermission", &LambdaService::add_layer_version_permission},
      {"RemoveLayerVersionPermission", &LambdaService::remove_layer_version_permission},
      {"GetLayerVersionPolicy", &LambdaService::get_layer_version_policy},
      {"CreateFunctionUrlConfig", &LambdaService::create_function_url_config},
      {"GetFunctionUrlConfig", &LambdaService::get_function_url_config},
      {"UpdateFunctionUrlConfig", &LambdaService::update_function_url_config},
      {"DeleteFunctionUrlConfig", &LambdaService::delete_function_url_config},
      {"ListFunctionUrlConfigs", &LambdaService::list_function_url_configs},
      // Not in the model: the outbox's delivery of an asynchronous invocation (InvocationType Event).
      {"_InvokeAsync", &LambdaService::invoke_async_delivery},
  };
  return table;
}

LambdaService::LambdaService(LambdaDependencies deps)
    : store_(deps.store),
      clock_(deps.clock),
      files_dir_(std::move(deps.files_dir)),
      outbox_(deps.outbox),
      call_service_(std::move(deps.call_service)),
      endpoints_(deps.endpoints),
      credentials_(deps.credentials),
      functions_(deps.store, std::string(kLambdaSpace), "fn"),
      mappings_(deps.store, std::string(kLambdaSpace), "esm"),
      poller_(std::make_unique<EsmPoller>(*this, mappings_)),
      stream_poller_(std::make_unique<EsmStreamPoller>(*this, mappings_)),
      layers_(deps.store, std::string(kLambdaSpace), "layer"),
      pool_(EnvironmentPool::Limits{}) {}

LambdaService::~LambdaService() {
  pool_.shut_down_all();
  blocking_.join();
}

const model::ServiceModel& LambdaService::model() const { return model::lambda_model(); }

bool LambdaService::implements(std::string_view operation) const { return handlers().count(operation) > 0; }

awaitable<Json> LambdaService::invoke(std::string_view operation, RequestContext& context, Json input) {
  auto it = handlers().find(operation);
  if (it == handlers().end()) {
    throw AwsError(501, "NotImplemented", "nimbus does not implement Lambda " + std::string(operation) + " yet", {},
                   false);
  }
  if (!input.is_object()) input = Json::object();
  co_return co_await (this->*(it->second))(context, input);
}

void LambdaService::start(asio::any_io_executor executor) {
  executor_ = executor;
  stopping_->store(false);
  functions_.load();
  outbox_.on_exhausted("lambda", [this](const delivery::Delivery& given_up, const delivery::Failure& failure) {
    return on_async_exhausted(given_up, failure);
  });
  mappings_.load();
  layers_.load();
  // The runtime clients the sandboxes run, from the binary (always the version that serves them).
  fs::path runtime_dir = files_dir_ / "runtime";
  fs::create_directories(runtime_dir);
  for (auto [file, text] : {std::pair{"bootstrap.mjs", kNodeRuntimeClient}, std::pair{"bootstrap.py", kPythonRuntimeClient}}) {
    std::ofstream out(runtime_dir / file, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
  }
  asio::co_spawn(executor, flush_logs_forever(stopping_), asio::detached);
  // Reaps idle environments.
  asio::co_spawn(executor, [this, stopping = stopping_]() -> awaitable<void> {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    while (!stopping->load()) {
      timer.expires_after(std::chrono::seconds(5));
      co_await timer.async_wait(asio::use_awaitable);
      if (stopping->load()) break;
      pool_.reap(clock_.now_ms());
    }
  }, asio::detached);
  poller_->start(executor);
  stream_poller_->start(executor);
}

void LambdaService::stop() {
  stopping_->store(true);
  poller_->stop();
  stream_poller_->stop();
  pool_.shut_down_all();
}

awaitable<void> LambdaService::reset() {
  poller_->stop();
  stream_poller_->stop();
  pool_.shut_down_all();
  functions_.clear();
  mappings_.clear();
  layers_.clear();
  co_await store_.wipe(kLambdaSpace);
  poller_->start(executor_);
  stream_poller_->start(executor_);
}

Json LambdaService::health() const {
  auto counts = pool_.counts();
  return {{"state", "running"}, {"environments_idle", counts.idle}, {"environments_busy", counts.busy},
          {"event_source_mappings", poller_->health()}, {"stream_event_source_mappings", stream_poller_->health()}};
}

LambdaService::Resolved LambdaService::resolve(const RequestContext& context, std::string_view function_name,
                                               std::string_view qualifier, bool by_weight) const {
  auto ref = parse_function_ref(function_name);
  std::string account = ref.account.empty() ? context.account_id : ref.account;
  std::string region = ref.region.empty() ? context.region : ref.region;
  std::string wanted = std::string(qualifier);
  if (!ref.qualifier.empty()) {
    if (!wanted.empty() && wanted != ref.qualifier) {
      throw AwsError(400, "InvalidParameterValueException",
                     "The derived qualifier from the function name does not match the specified qualifier.");
    }
    wanted = ref.qualifier;
  }
  Resolved resolved;
  resolved.key = scoped_key(account, region, ref.name);
  std::string arn = function_arn(region, account, ref.name);
  auto record = functions_.get(resolved.key);
  if (!record) throw errors::function_not_found(wanted.empty() ? arn : arn + ":" + wanted);
  resolved.record = std::move(*record);
  resolved.invoked_arn = wanted.empty() ? arn : arn + ":" + wanted;
  if (wanted.empty() || wanted == "$LATEST") {
    resolved.version = "$LATEST";
    resolved.config = resolved.record["latest"];
    return resolved;
  }
  std::string version = wanted;
  if (auto alias = resolved.record["aliases"].find(wanted); alias != resolved.record["aliases"].end()) {
    resolved.alias = wanted;
    version = (*alias)["FunctionVersion"].get<std::string>();
    // RoutingConfig: the additional version takes its weight of the invocations.
    const Json weights = alias->value("RoutingConfig", Json::object()).value("AdditionalVersionWeights", Json::object());
    if (by_weight && !weights.empty()) {
      thread_local std::mt19937_64 random{std::random_device{}()};
      double draw = std::uniform_real_distribution<double>(0.0, 1.0)(random);
      for (auto weight = weights.begin(); weight != weights.end(); ++weight) {
        if (draw < weight.value().get<double>()) {
          version = weight.key();
          break;
        }
        draw -= weight.value().get<double>();
      }
    }
  }
  if (version == "$LATEST") {
    resolved.version = version;
    resolved.config = resolved.record["latest"];
    return resolved;
  }
  auto found = resolved.record["versions"].find(version);
  if (found == resolved.record["versions"].end()) throw errors::function_not_found(arn + ":" + wanted);
  resolved.version = version;
  resolved.config = *found;
  return resolved;
}

}  // namespace nimbus::lambda
