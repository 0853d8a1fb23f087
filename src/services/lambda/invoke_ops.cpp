// Invoke (RequestResponse, Event, DryRun) and the delivery of asynchronous invocations: retries,
// maximum event age, dead-letter queue and destinations.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdlib>
#include <random>

#include "core/crypto.h"
#include "core/ids.h"
#include "core/log.h"
#include "services/lambda/async_destinations.h"
#include "services/lambda/code_package.h"
#include "services/lambda/control_common.h"
#include "services/lambda/lambda_errors.h"
#include "services/lambda/lambda_names.h"
#include "services/lambda/lambda_service.h"
#include "services/lambda/permission_check.h"

namespace nimbus::lambda {
namespace asio = boost::asio;

namespace {

constexpr size_t kSyncPayloadLimit = 6 * 1024 * 1024;
constexpr size_t kAsyncPayloadLimit = 1024 * 1024;
constexpr size_t kLogTailBytes = 4096;

std::string trace_id() {
  // Root=1-<8 hex epoch seconds>-<24 hex>;Parent=<16 hex>: unique, not secret (a fast generator).
  thread_local std::mt19937_64 random{std::random_device{}()};
  char out[96];
  std::snprintf(out, sizeof out, "Root=1-%08lx-%08x%016lx;Parent=%016lx;Sampled=0",
                static_cast<unsigned long>(std::time(nullptr)), static_cast<unsigned>(random()),
                static_cast<unsigned long>(random()), static_cast<unsigned long>(random()));
  return out;
}

}  // namespace

awaitable<Json> LambdaService::invoke_function(RequestContext& context, Json& input) {
  std::string type = input.value("InvocationType", "RequestResponse");
  std::string payload = input.value("Payload", "");
  if (payload.empty()) payload = "{}";
  auto resolved = resolve(context, input["FunctionName"].get<std::string>(), input.value("Qualifier", ""), true);
  // Another service (or account) invokes only when the function's resource policy allows it.
  const auto& caller = context.invoked_by;
  if (!caller.principal.empty() && caller.principal != "lambda.amazonaws.com" &&
      (caller.principal.find('.') != std::string::npos || caller.source_account != resolved.key.substr(0, 12)) &&
      !function_policy_allows(resolved.record, resolved.alias.empty() ? resolved.version : resolved.alias, caller)) {
    throw AwsError(403, "AccessDeniedException",
                   "User: " + caller.principal + " is not authorized to perform: lambda:InvokeFunction on resource: " +
                       resolved.invoked_arn + " because no resource-based policy allows the lambda:InvokeFunction action");
  }
  if (type == "Event") {
    if (payload.size() > kAsyncPayloadLimit) {
      throw errors::request_too_large("Request must be smaller than " + std::to_string(kAsyncPayloadLimit) +
                                      " bytes for the InvokeAsync operation");
    }
  } else if (payload.size() > kSyncPayloadLimit) {
    throw errors::request_too_large("Request must be smaller than 6291456 bytes for the InvokeFunction operation");
  }
  if (!Json::accept(payload)) {
    throw AwsError(400, "InvalidRequestContentException", "Could not parse request body into json: Could not parse "
                   "payload into json: Unexpected character: was expecting a JSON value");
  }
  if (type == "DryRun") co_return Json{{"StatusCode", 204}};
  if (type == "Event") {
    auto config = resolved.record["invoke_configs"].value(resolved.alias.empty() ? resolved.version : resolved.alias,
                                                           Json::object());
    delivery::Delivery delivery;
    delivery.source = "lambda";
    delivery.source_arn = resolved.invoked_arn;
    delivery.source_account = context.account_id;
    delivery.lane = resolved.invoked_arn;
    std::string request_id = context.request_id.empty() ? ids::uuid4() : context.request_id;
    delivery.target = {"lambda", "_InvokeAsync", context.account_id, context.region,
                       {{"FunctionName", resolved.config["FunctionArn"]},
                        {"Qualifier", resolved.alias.empty() ? resolved.version : resolved.alias},
                        {"Payload", payload},
                        {"RequestId", request_id},
                        {"EnqueuedMs", clock_.wall_ms()}}};
    delivery.retry.max_attempts = config.value("MaximumRetryAttempts", 2) + 1;
    delivery.retry.max_age_ms = config.value("MaximumEventAgeInSeconds", 21600) * 1000LL;
    // AWS waits about a minute before the first retry and two before the second.
    delivery.retry.first_delay_ms = 60'000;
    delivery.retry.max_delay_ms = 120'000;
    storage::WriteBatch batch;
    auto staged = outbox_.stage(batch, {std::move(delivery)});
    co_await store_.commit(std::move(batch));
    staged.release();
    co_return Json{{"StatusCode", 202}};
  }
  if (type != "RequestResponse") {
    throw errors::validation("1 validation error detected: Value '" + type +
                             "' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: "
                             "[Event, RequestResponse, DryRun]");
  }
  std::string client_context;
  if (input.contains("ClientContext")) {
    auto decoded = crypto::base64_decode(input["ClientContext"].get<std::string>());
    if (!decoded || !Json::accept(*decoded)) {
      throw errors::invalid_parameter("Client context must be a valid Base64-encoded JSON object.");
    }
    client_context = *decoded;
  }
  auto outcome = co_await run(context, resolved, std::move(payload), std::move(client_context));
  Json out = {{"StatusCode", 200}, {"Payload", outcome.payload}, {"ExecutedVersion", outcome.executed_version}};
  if (!outcome.function_error.empty()) out["FunctionError"] = outcome.function_error;
  if (input.value("LogType", "None") == "Tail") {
    std::string_view tail = outcome.log_tail;
    if (tail.size() > kLogTailBytes) tail = tail.substr(tail.size() - kLogTailBytes);
    out["LogResult"] = crypto::base64_encode(tail);
  }
  co_return out;
}

awaitable<Json> LambdaService::invoke_with_response_stream(RequestContext& context, Json& input) {
  std::string type = input.value("InvocationType", "RequestResponse");
  if (type != "RequestResponse" && type != "DryRun") {
    throw errors::validation("1 validation error detected: Value '" + type +
                             "' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: "
                             "[RequestResponse, DryRun]");
  }
  std::string payload = input.value("Payload", "");
  if (payload.empty()) payload = "{}";
  if (payload.size() > kSyncPayloadLimit) {
    throw errors::request_too_large("Request must be smaller than 6291456 bytes for the InvokeFunction operation");
  }
  if (!Json::accept(payload)) {
    throw AwsError(400, "InvalidRequestContentException", "Could not parse request body into json: Could not parse "
                   "payload into json: Unexpected character: was expecting a JSON value");
  }
  auto resolved = resolve(context, input["FunctionName"].get<std::string>(), input.value("Qualifier", ""));
  if (type == "DryRun") co_return Json{{"StatusCode", 204}};
  auto outcome = co_await run(context, resolved, std::move(payload), "");
  Json events = Json::array();
  Json complete = Json::object();
  if (outcome.function_error.empty()) {
    if (!outcome.payload.empty()) events.push_back({{"PayloadChunk", {{"Payload", outcome.payload}}}});
  } else {
    // What the function streamed before failing, then the error in InvokeComplete.
    auto document = Json::parse(outcome.payload, nullptr, false);
    if (document.is_object() && document.contains("streamed")) {
      std::string streamed = document.value("streamed", "");
      if (!streamed.empty()) events.push_back({{"PayloadChunk", {{"Payload", streamed}}}});
      document.erase("streamed");
    }
    complete["ErrorCode"] = document.is_object() ? document.value("errorType", "Unhandled") : "Unhandled";
    complete["ErrorDetails"] = document.is_object() ? document.value("errorMessage", outcome.payload) : outcome.payload;
  }
  if (input.value("LogType", "None") == "Tail") {
    std::string_view tail = outcome.log_tail;
    if (tail.size() > kLogTailBytes) tail = tail.substr(tail.size() - kLogTailBytes);
    complete["LogResult"] = crypto::base64_encode(tail);
  }
  events.push_back({{"InvokeComplete", complete}});
  co_return Json{{"StatusCode", 200}, {"ExecutedVersion", outcome.executed_version}, {"EventStream", events}};
}

awaitable<LambdaService::RunOutcome> LambdaService::run(const RequestContext& context, const Resolved& target,
                                                        std::string payload, std::string client_context) {
  if (!endpoints_) throw errors::service_error("nimbus cannot run functions in this process");
  std::string arn = target.config["FunctionArn"].get<std::string>();
  std::string function = control::unqualified(arn);
  std::string key = arn + "@" + target.version + "#" + target.config.value("RevisionId", "");
  int reserved = target.record.contains("concurrency") && target.record["concurrency"].is_number()
                     ? target.record["concurrency"].get<int>()
                     : -1;
  auto start = [&] { return start_environment(context, target); };
  EnvironmentPool::Lease lease;
  // A quick function waits a moment for a warm environment before starting one more (see should_wait).
  // Bounded: after kQuickWait without one, it starts its own as AWS would.
  constexpr auto kQuickWait = std::chrono::milliseconds(100);
  auto waited_since = std::chrono::steady_clock::now();
  for (;;) {
    bool may_start = std::chrono::steady_clock::now() - waited_since >= kQuickWait || !pool_.should_wait(function, key);
    lease = pool_.acquire(function, key, reserved, start, may_start);
    if (lease.environment || lease.refusal != EnvironmentPool::Refusal::None) break;
    auto idle = pool_.idle_waiter(function, key);
    co_await idle->wait(std::chrono::milliseconds(10));
  }
  if (lease.refusal == EnvironmentPool::Refusal::Function) {
    throw errors::too_many_requests("ReservedFunctionConcurrentInvocationLimitExceeded");
  }
  if (lease.refusal == EnvironmentPool::Refusal::Account) {
    throw errors::too_many_requests("ConcurrentInvocationLimitExceeded");
  }
  Invocation invocation;
  invocation.request_id = context.request_id.empty() ? ids::uuid4() : context.request_id;
  invocation.payload = std::move(payload);
  invocation.invoked_arn = target.invoked_arn;
  invocation.trace_id = trace_id();
  invocation.client_context = std::move(client_context);
  InvocationResult result;
  try {
    result = co_await lease.environment->invoke(std::move(invocation));
  } catch (...) {
    pool_.release(function, key, lease.environment);
    throw;
  }
  pool_.release(function, key, lease.environment, result.duration_ms);
  co_return RunOutcome{std::move(result.payload), std::move(result.function_error), std::move(result.log_tail),
                       target.version};
}

std::shared_ptr<Environment> LambdaService::start_environment(const RequestContext& context, const Resolved& target) {
  const Json& config = target.config;
  EnvironmentSpec spec;
  spec.function_name = config["FunctionName"].get<std::string>();
  spec.function_arn = control::unqualified(config["FunctionArn"].get<std::string>());
  spec.version = target.version;
  spec.runtime = config.value("Runtime", "");
  spec.handler = config.value("Handler", "");
  spec.timeout_seconds = config.value("Timeout", 3);
  spec.memory_mb = config.value("MemorySize", 128);
  spec.log_group = config.value("LoggingConfig", Json::object()).value("LogGroup", "/aws/lambda/" + spec.function_name);
  spec.log_format = config.value("LoggingConfig", Json::object()).value("LogFormat", "Text");
  if (config.value("PackageType", "Zip") == "Image") {
    throw AwsError(502, "InvalidRuntimeException",
                   "nimbus: PackageType Image needs a container engine (Podman or Docker) and none is running on "
                   "this machine");
  }
  auto choice = choose_runtime(spec.runtime);
  if (!choice) {
    throw AwsError(502, "InvalidRuntimeException",
                   "The runtime parameter of " + spec.runtime +
                       " cannot run here: nimbus found no installed interpreter for it on this machine");
  }
  spec.choice = *choice;
  std::string sha = target.record["code"].value(target.version, "");
  spec.paths.code = ensure_unpacked(files_dir_ / "code", sha);
  spec.paths.runtime = files_dir_ / "runtime";
  spec.paths.opt = merged_layers(config);  // the function's layers, in order, as /opt
  if (choice->family == RuntimeChoice::Family::Provided && !std::filesystem::exists(spec.paths.code / "bootstrap") &&
      (spec.paths.opt.empty() || !std::filesystem::exists(spec.paths.opt / "bootstrap"))) {
    throw AwsError(502, "InvalidRuntimeException",
                   "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]");
  }
  Json variables = config.value("Environment", Json::object()).value("Variables", Json::object());
  for (auto it = variables.begin(); it != variables.end(); ++it) {
    spec.variables.emplace_back(it.key(), it.value().get<std::string>());
  }
  std::string account = context.account_id;
  spec.aws_variables = {{"AWS_REGION", context.region},
                        {"AWS_DEFAULT_REGION", context.region},
                        // The account id as access key acts for that account (see auth::resolve_account).
                        {"AWS_ACCESS_KEY_ID", account},
                        {"AWS_SECRET_ACCESS_KEY", "nimbus"},
                        {"AWS_ENDPOINT_URL", endpoints_->nimbus_url()},
                        {"AWS_XRAY_CONTEXT_MISSING", "LOG_ERROR"}};
  std::string region = context.region;
  LogSink sink = [this, account, region](const std::string& group, const std::string& stream,
                                         std::vector<LogEvent> events) {
    queue_logs(account, region, group, stream, std::move(events));
  };
  auto environment = std::make_shared<Environment>(executor_, clock_, *endpoints_, std::move(spec), std::move(sink));
  environment->start();
  return environment;
}

void LambdaService::queue_logs(const std::string& account, const std::string& region, const std::string& group,
                               const std::string& stream, std::vector<LogEvent> events) {
  std::lock_guard lock(logs_mutex_);
  auto& queued = log_queue_[account + "\n" + region + "\n" + group + "\n" + stream];
  if (queued.empty()) {
    queued = std::move(events);
  } else {
    queued.insert(queued.end(), std::make_move_iterator(events.begin()), std::make_move_iterator(events.end()));
  }
}

awaitable<void> LambdaService::flush_logs_forever(std::shared_ptr<std::atomic<bool>> stopping) {
  constexpr auto kLogFlush = std::chrono::milliseconds(100);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!stopping->load()) {
    timer.expires_after(kLogFlush);
    co_await timer.async_wait(asio::use_awaitable);
    std::map<std::string, std::vector<LogEvent>> batch;
    {
      std::lock_guard lock(logs_mutex_);
      batch.swap(log_queue_);
    }
    for (auto it = batch.begin(); it != batch.end(); ++it) {
      std::vector<std::string> parts;
      size_t start = 0;
      for (int i = 0; i < 3; ++i) {
        auto newline = it->first.find('\n', start);
        parts.push_back(it->first.substr(start, newline - start));
        start = newline + 1;
      }
      std::string stream = it->first.substr(start);
      co_await ship_logs(parts[0], parts[1], parts[2], std::move(stream), std::move(it->second));
    }
  }
}

awaitable<void> LambdaService::ship_logs(std::string account, std::string region, std::string group,
                                         std::string stream, std::vector<LogEvent> events) {
  RequestContext context;
  context.account_id = account;
  context.region = region;
  context.clock = &clock_;
  context.invoked_by = {"lambda.amazonaws.com", "", account};
  std::string made_key = account + "/" + region + "/" + group + "/" + stream;
  bool made = false;
  {
    std::lock_guard lock(logs_mutex_);
    made = log_streams_made_.count(made_key) > 0;
  }
  try {
    if (!made) {
      const std::vector<std::pair<std::string, Json>> creations = {
          {"CreateLogGroup", Json{{"logGroupName", group}}},
          {"CreateLogStream", Json{{"logGroupName", group}, {"logStreamName", stream}}}};
      for (const auto& [operation, input] : creations) {
        try {
          delivery::Target create{"logs", operation, account, region, input};
          co_await call_service_(create, context);
        } catch (const AwsError& error) {
          if (error.code != "ResourceAlreadyExistsException") throw;
        }
      }
      std::lock_guard lock(logs_mutex_);
      log_streams_made_.insert(made_key);
    }
    Json entries = Json::array();
    for (auto& event : events) entries.push_back({{"timestamp", event.timestamp_ms}, {"message", std::move(event.message)}});
    delivery::Target put{"logs", "PutLogEvents", account, region,
                         Json{{"logGroupName", group}, {"logStreamName", stream}, {"logEvents", std::move(entries)}}};
    co_await call_service_(put, context);
  } catch (const AwsError& error) {
    if (error.code != "NotImplemented") NIMBUS_LOG(Warn, "lambda: logs not written to " + group + ": " + error.message);
  } catch (const std::exception& error) {
    NIMBUS_LOG(Warn, std::string("lambda: logs not written: ") + error.what());
  }
}

awaitable<Json> LambdaService::invoke_async_delivery(RequestContext& context, Json& input) {
  auto resolved = resolve(context, input["FunctionName"].get<std::string>(), input.value("Qualifier", ""), true);
  RequestContext run_context = context;
  run_context.request_id = input.value("RequestId", ids::uuid4());
  RunOutcome outcome;
  try {
    outcome = co_await run(run_context, resolved, input.value("Payload", "{}"), "");
  } catch (const AwsError& error) {
    if (error.http_status == 429) throw;  // throttled: the outbox tries again
    throw AwsError(500, error.code, error.message, {}, false);
  }
  if (!outcome.function_error.empty()) {
    // A function error: retried by the outbox up to MaximumRetryAttempts; the message carries
    // the response for the on-failure destination.
    throw AwsError(500, "FunctionError", outcome.payload, {}, false);
  }
  std::string qualifier = input.value("Qualifier", "$LATEST");
  Json invoke_config = resolved.record["invoke_configs"].value(qualifier, Json::object());
  std::string on_success =
      invoke_config.value("DestinationConfig", Json::object()).value("OnSuccess", Json::object()).value("Destination", "");
  if (!on_success.empty()) {
    AsyncOutcome result{run_context.request_id, resolved.config["FunctionArn"].get<std::string>() +
                                                     (resolved.version == "$LATEST" ? ":$LATEST" : ""),
                        outcome.executed_version, "Success", 1, input.value("Payload", "{}"), outcome.payload, false,
                        clock_.wall_ms()};
    if (auto target = destination_target(on_success, invocation_record(result), true)) {
      delivery::Delivery delivery;
      delivery.source = "lambda";
      delivery.source_arn = resolved.invoked_arn;
      delivery.source_account = context.account_id;
      delivery.lane = on_success;
      delivery.target = std::move(*target);
      storage::WriteBatch batch;
      auto staged = outbox_.stage(batch, {std::move(delivery)});
      co_await store_.commit(std::move(batch));
      staged.release();
    }
  }
  co_return Json::object();
}

std::optional<delivery::Delivery> LambdaService::on_async_exhausted(const delivery::Delivery& given_up,
                                                                   const delivery::Failure& failure) {
  if (given_up.target.operation != "_InvokeAsync") return std::nullopt;
  const Json& input = given_up.target.input;
  RequestContext context;
  context.account_id = given_up.target.account;
  context.region = given_up.target.region;
  Resolved resolved;
  try {
    resolved = resolve(context, input.value("FunctionName", ""), input.value("Qualifier", ""));
  } catch (const AwsError&) {
    return std::nullopt;  // the function is gone: nowhere to send it
  }
  std::string qualifier = input.value("Qualifier", "$LATEST");
  Json invoke_config = resolved.record["invoke_configs"].value(qualifier, Json::object());
  bool function_error = failure.code == "FunctionError";
  AsyncOutcome outcome{input.value("RequestId", ""),
                       resolved.config["FunctionArn"].get<std::string>() + (resolved.version == "$LATEST" ? ":$LATEST" : ""),
                       resolved.version,
                       failure.attempts < given_up.retry.max_attempts ? "EventAgeExceeded" : "RetriesExhausted",
                       failure.attempts,
                       input.value("Payload", "{}"),
                       function_error ? failure.message : "",
                       function_error,
                       clock_.wall_ms()};
  std::string on_failure =
      invoke_config.value("DestinationConfig", Json::object()).value("OnFailure", Json::object()).value("Destination", "");
  std::optional<delivery::Target> target;
  if (!on_failure.empty()) {
    target = destination_target(on_failure, invocation_record(outcome), false);
  } else if (auto dlq = resolved.config.value("DeadLetterConfig", Json::object()).value("TargetArn", ""); !dlq.empty()) {
    std::string message = failure.message;
    if (auto document = Json::parse(failure.message, nullptr, false); document.is_object()) {
      message = document.value("errorMessage", failure.message);
    }
    target = dead_letter_target(dlq, outcome, message);
  }
  if (!target) return std::nullopt;
  delivery::Delivery delivery;
  delivery.source = "lambda";
  delivery.source_arn = resolved.invoked_arn;
  delivery.source_account = context.account_id;
  delivery.lane = on_failure.empty() ? target->service + ":dlq" : on_failure;
  delivery.target = std::move(*target);
  return delivery;
}

}  // namespace nimbus::lambda
