#include "services/lambda/environment.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "core/crypto.h"
#include "core/log.h"
#include "services/lambda/lambda_names.h"

namespace nimbus::lambda {
namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace beast = boost::beast;
using Json = nlohmann::json;

namespace {

constexpr std::string_view kApiPrefix = "/2018-06-01/runtime/";
constexpr size_t kMaxResponseBytes = 6 * 1024 * 1024;
constexpr int64_t kInitBudgetMs = 10'000;  // AWS's init phase limit, beside the function's timeout

int64_t wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

double steady_now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string date_path(int64_t ms) {  // "2024/01/31"
  std::time_t seconds = ms / 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%04d/%02d/%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return out;
}

std::string two_decimals(double value) {
  char out[32];
  std::snprintf(out, sizeof out, "%.2f", value);
  return out;
}

Reply json_reply(http::status status, const Json& body, unsigned version) {
  Reply reply;
  reply.message = HttpResponse{status, version};
  reply.message.set(http::field::content_type, "application/json");
  reply.message.body() = body.dump();
  return reply;
}

Reply runtime_error_reply(http::status status, std::string_view type, std::string_view message, unsigned version) {
  return json_reply(status, {{"errorMessage", message}, {"errorType", type}}, version);
}

std::string error_document(std::string_view type, std::string_view message) {
  return Json{{"errorType", type}, {"errorMessage", message}}.dump();
}

}  // namespace

struct Environment::Current {
  Invocation invocation;
  std::shared_ptr<Waiter> done;
  bool delivered = false;
  int64_t deadline_wall_ms = 0;
  double started_steady_ms = 0;
  std::optional<InvocationResult> result;
};

Environment::Environment(asio::any_io_executor executor, Clock& clock, LocalEndpoints& endpoints,
                         EnvironmentSpec spec, LogSink sink)
    : executor_(std::move(executor)),
      clock_(clock),
      endpoints_(endpoints),
      spec_(std::move(spec)),
      sink_(std::move(sink)) {
  log_stream_ = date_path(clock_.wall_ms()) + "/[" + spec_.version + "]" + crypto::hex(crypto::random_bytes(16));
}

Environment::~Environment() {
  if (process_) process_->kill();
  if (endpoint_) endpoint_->close();
}

void Environment::start() {
  // The endpoint's handler holds only a weak reference: a closed endpoint may outlive us.
  std::weak_ptr<Environment> weak = weak_from_this();
  endpoint_ = endpoints_.open([weak](HttpRequest& request) -> asio::awaitable<Reply> {
    auto self = weak.lock();
    if (!self) co_return runtime_error_reply(http::status::gone, "EnvironmentGone", "environment shut down", 11);
    co_return co_await self->serve_runtime_api(request);
  });
  auto layout = sandbox_layout(spec_.paths);
  std::vector<std::string> env;
  for (const auto& [name, value] : spec_.variables) env.push_back(name + "=" + value);
  auto set = [&env](const std::string& name, const std::string& value) { env.push_back(name + "=" + value); };
  for (const auto& [name, value] : spec_.aws_variables) set(name, value);
  set("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + std::to_string(endpoint_->port()));
  set("_HANDLER", spec_.handler);
  set("LAMBDA_TASK_ROOT", layout.task_root);
  set("LAMBDA_RUNTIME_DIR", layout.runtime_dir);
  set("AWS_EXECUTION_ENV", "AWS_Lambda_" + spec_.runtime);
  set("AWS_LAMBDA_FUNCTION_NAME", spec_.function_name);
  set("AWS_LAMBDA_FUNCTION_VERSION", spec_.version);
  set("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", std::to_string(spec_.memory_mb));
  set("AWS_LAMBDA_LOG_GROUP_NAME", spec_.log_group);
  set("AWS_LAMBDA_LOG_STREAM_NAME", log_stream_);
  set("AWS_LAMBDA_LOG_FORMAT", spec_.log_format);
  set("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
  set("_LAMBDA_TELEMETRY_LOG_FD", "3");
  set("TZ", ":UTC");
  set("LANG", "en_US.UTF-8");
  set("PATH", "/usr/local/bin:/usr/bin/:/bin:" + layout.opt_dir + "/bin");
  set("LD_LIBRARY_PATH", layout.task_root + "/lib:" + layout.opt_dir + "/lib");
  std::string python_version = spec_.choice.version;
  switch (spec_.choice.family) {
    case RuntimeChoice::Family::Node:
      set("NODE_PATH", layout.opt_dir + "/nodejs/node" + spec_.choice.version.substr(0, spec_.choice.version.find('.')) +
                           "/node_modules:" + layout.opt_dir + "/nodejs/node_modules:" + layout.runtime_dir +
                           "/node_modules:" + layout.task_root);
      break;
    case RuntimeChoice::Family::Python:
      set("PYTHONPATH", layout.runtime_dir + ":" + layout.task_root + ":" + layout.opt_dir + "/python/lib/python" +
                            python_version + "/site-packages:" + layout.opt_dir + "/python");
      set("PYTHONUNBUFFERED", "1");
      break;
    case RuntimeChoice::Family::Provided:
      break;
  }
  auto spawn = build_spawn(spec_.choice, spec_.paths, layout, std::move(env));
  auto on_stdout = [weak](std::string_view bytes) {
    if (auto self = weak.lock()) self->on_output(bytes, self->stdout_partial_);
  };
  auto on_stderr = [weak](std::string_view bytes) {
    if (auto self = weak.lock()) self->on_output(bytes, self->stderr_partial_);
  };
  auto on_telemetry = [weak](std::string_view bytes) {
    if (auto self = weak.lock()) self->on_telemetry(bytes);
  };
  auto on_exit = [weak](int status) {
    if (auto self = weak.lock()) self->on_exit(status);
  };
  {
    std::lock_guard lock(mutex_);
    idle_since_ms_ = clock_.now_ms();
  }
  if (!layout.sandboxed) {
    static std::once_flag warned;
    std::call_once(warned, [] {
      NIMBUS_LOG(Warn, "lambda: bubblewrap is not usable here; functions run as plain child processes");
    });
  }
  if (!spec_.choice.warning.empty()) log(spec_.choice.warning);
  log("INIT_START Runtime Version: " + spec_.runtime + "." + spec_.choice.version +
      "\tRuntime Version ARN: arn:aws:lambda:" + "local::runtime:nimbus");
  process_ = ChildProcess::spawn(executor_, spawn, on_stdout, on_stderr, on_telemetry, on_exit);
  started_steady_ms_ = steady_now_ms();
}

bool Environment::alive() const {
  std::lock_guard lock(mutex_);
  return !dead_;
}

int64_t Environment::idle_since_ms() const {
  std::lock_guard lock(mutex_);
  return current_ ? clock_.now_ms() : idle_since_ms_;
}

asio::awaitable<InvocationResult> Environment::invoke(Invocation invocation) {
  auto self = shared_from_this();
  auto done = std::make_shared<Waiter>();
  std::string request_id = invocation.request_id;
  int64_t budget_ms = spec_.timeout_seconds * 1000LL;
  {
    std::lock_guard lock(mutex_);
    if (dead_) co_return InvocationResult{error_document("Runtime.ExitError", "RequestId: " + request_id +
                                          " Error: Runtime exited with error: " + death_reason_),
                                          "Unhandled", {}, true, 0};
    current_ = std::make_unique<Current>();
    current_->invocation = std::move(invocation);
    current_->done = done;
    current_->deadline_wall_ms = wall_now_ms() + budget_ms;
    current_->started_steady_ms = steady_now_ms();
    invocation_log_.clear();
    if (!initialized_) budget_ms += kInitBudgetMs;
    if (next_waiter_) next_waiter_->fire();
  }
  log("START RequestId: " + request_id + " Version: " + spec_.version);
  watch_memory(done);
  co_await done->wait(std::chrono::milliseconds(budget_ms));
  done->fire();  // ends the memory watch on a timeout too
  if (process_) process_->drain();

  InvocationResult result;
  bool timed_out = false;
  double duration_ms = 0;
  double init_ms = 0;
  {
    std::lock_guard lock(mutex_);
    duration_ms = steady_now_ms() - current_->started_steady_ms;
    if (current_->result) {
      result = std::move(*current_->result);
    } else {
      timed_out = true;
    }
    init_ms = init_duration_ms_;
  }
  if (timed_out) {
    std::string seconds = two_decimals(spec_.timeout_seconds);
    result.payload = error_document("Sandbox.Timedout",
                                    "RequestId: " + request_id + " Error: Task timed out after " + seconds + " seconds");
    result.function_error = "Unhandled";
    result.environment_lost = true;
    log(iso8601_ms(clock_.wall_ms()) + " " + request_id + " Task timed out after " + seconds + " seconds");
    shut_down();
    duration_ms = spec_.timeout_seconds * 1000.0;
  }
  // Init time is reported once, on the invocation that waited for it, and not billed twice.
  if (init_ms > 0) duration_ms = std::max(0.0, duration_ms - init_ms);
  auto memory = process_ ? process_->memory(1000) : ChildProcess::Memory{};
  long used_mb = std::max(1L, (memory.peak_kib + 1023) / 1024);
  log("END RequestId: " + request_id);
  std::string report = "REPORT RequestId: " + request_id + "\tDuration: " + two_decimals(duration_ms) +
                       " ms\tBilled Duration: " + std::to_string(static_cast<long>(std::ceil(duration_ms + init_ms))) +
                       " ms\tMemory Size: " + std::to_string(spec_.memory_mb) + " MB\tMax Memory Used: " +
                       std::to_string(used_mb) + " MB\t";
  if (init_ms > 0) report += "Init Duration: " + two_decimals(init_ms) + " ms\t";
  if (timed_out) report += "Status: timeout";
  log(report);
  {
    std::lock_guard lock(mutex_);
    init_duration_ms_ = 0;
    result.log_tail = std::move(invocation_log_);
    invocation_log_.clear();
    result.duration_ms = duration_ms;
    current_.reset();
    idle_since_ms_ = clock_.now_ms();
  }
  flush_logs();
  co_return result;
}

void Environment::shut_down() {
  std::shared_ptr<Waiter> next;
  {
    std::lock_guard lock(mutex_);
    if (!dead_) {
      dead_ = true;
      death_reason_ = "signal: killed";
    }
    next = std::move(next_waiter_);
  }
  if (next) next->fire();
  if (process_) process_->kill();
  if (endpoint_) endpoint_->close();
}

void Environment::complete(const std::string& request_id, InvocationResult result) {
  std::shared_ptr<Waiter> done;
  {
    std::lock_guard lock(mutex_);
    if (!current_ || current_->invocation.request_id != request_id || current_->result) return;
    current_->result = std::move(result);
    done = current_->done;
  }
  done->fire();
}

asio::awaitable<Reply> Environment::serve_runtime_api(HttpRequest& request) {
  auto self = shared_from_this();
  unsigned version = request.version();
  std::string_view target = request.target();
  if (target.rfind(kApiPrefix, 0) != 0) {
    co_return runtime_error_reply(http::status::not_found, "InvalidRequest", "Unknown path", version);
  }
  std::string_view path = target.substr(kApiPrefix.size());
  if (auto question = path.find('?'); question != std::string_view::npos) path = path.substr(0, question);
  bool is_get = request.method() == http::verb::get;
  bool is_post = request.method() == http::verb::post;

  if (path == "invocation/next" && is_get) {
    for (;;) {
      std::shared_ptr<Waiter> waiter;
      {
        std::lock_guard lock(mutex_);
        if (dead_) co_return runtime_error_reply(http::status::gone, "EnvironmentGone", "shutting down", version);
        if (!initialized_) {
          initialized_ = true;
          init_duration_ms_ = steady_now_ms() - started_steady_ms_;
        }
        if (current_ && !current_->delivered && !current_->result) {
          current_->delivered = true;
          co_return next_invocation_reply(*current_, version);
        }
        waiter = next_waiter_ = std::make_shared<Waiter>();
      }
      co_await waiter->wait(std::chrono::hours(24));
    }
  }
  if (path == "init/error" && is_post) {
    std::string type(request["Lambda-Runtime-Function-Error-Type"]);
    std::string body = request.body();
    std::string request_id;
    {
      std::lock_guard lock(mutex_);
      init_error_ = body;
      init_error_type_ = type;
      if (current_) request_id = current_->invocation.request_id;
    }
    if (!request_id.empty()) {
      complete(request_id, InvocationResult{body.empty() ? error_document(type, "init failed") : body, "Unhandled", {},
                                            true, 0});
    }
    co_return json_reply(http::status::accepted, {{"status", "OK"}}, version);
  }
  constexpr std::string_view kInvocation = "invocation/";
  if (path.rfind(kInvocation, 0) == 0 && is_post) {
    auto rest = path.substr(kInvocation.size());
    auto slash = rest.find('/');
    std::string id(rest.substr(0, slash));
    std::string_view verb = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
    {
      std::lock_guard lock(mutex_);
      if (!current_ || current_->invocation.request_id != id || !current_->delivered || current_->result) {
        co_return runtime_error_reply(http::status::bad_request, "InvalidRequestID", "Invalid request ID", version);
      }
    }
    if (verb == "response") {
      if (request.body().size() > kMaxResponseBytes) {
        complete(id, InvocationResult{error_document("Function.ResponseSizeTooLarge",
                                                     "Response payload size exceeded maximum allowed payload size (6291556 bytes)."),
                                      "Unhandled", {}, false, 0});
        co_return runtime_error_reply(http::status::payload_too_large, "RequestEntityTooLarge",
                                      "Exceeded maximum allowed payload size (6291556 bytes).", version);
      }
      // A streamed response that failed part-way carries its error in the chunked body's trailers.
      std::string trailer_error(request["Lambda-Runtime-Function-Error-Type"]);
      if (!trailer_error.empty() && beast::iequals(request["Lambda-Runtime-Function-Response-Mode"], "streaming")) {
        auto decoded = crypto::base64_decode(request["Lambda-Runtime-Function-Error-Body"]);
        auto document = Json::parse(decoded ? *decoded : std::string(), nullptr, false);
        if (!document.is_object()) document = Json{{"errorType", trailer_error}, {"errorMessage", ""}};
        document["streamed"] = request.body();
        complete(id, InvocationResult{document.dump(), "Unhandled", {}, false, 0});
        co_return json_reply(http::status::accepted, {{"status", "OK"}}, version);
      }
      complete(id, InvocationResult{std::move(request.body()), "", {}, false, 0});
      co_return json_reply(http::status::accepted, {{"status", "OK"}}, version);
    }
    if (verb == "error") {
      std::string type(request["Lambda-Runtime-Function-Error-Type"]);
      std::string body = request.body();
      if (body.empty() || !Json::accept(body)) body = error_document(type.empty() ? "Unhandled" : type, body);
      complete(id, InvocationResult{std::move(body), "Unhandled", {}, false, 0});
      co_return json_reply(http::status::accepted, {{"status", "OK"}}, version);
    }
  }
  co_return runtime_error_reply(http::status::not_found, "InvalidRequest", "Unknown path", version);
}

Reply Environment::next_invocation_reply(const Current& current, unsigned version) const {
  Reply reply;
  reply.message = HttpResponse{http::status::ok, version};
  reply.message.set(http::field::content_type, "application/json");
  const auto& invocation = current.invocation;
  reply.message.set("Lambda-Runtime-Aws-Request-Id", invocation.request_id);
  reply.message.set("Lambda-Runtime-Deadline-Ms", std::to_string(current.deadline_wall_ms));
  reply.message.set("Lambda-Runtime-Invoked-Function-Arn", invocation.invoked_arn);
  reply.message.set("Lambda-Runtime-Trace-Id", invocation.trace_id);
  if (!invocation.client_context.empty()) reply.message.set("Lambda-Runtime-Client-Context", invocation.client_context);
  if (!invocation.cognito_identity.empty()) {
    reply.message.set("Lambda-Runtime-Cognito-Identity", invocation.cognito_identity);
  }
  reply.message.body() = invocation.payload;
  return reply;
}

void Environment::on_exit(int status) {
  if (process_) process_->drain();
  std::string reason = status >= 0 ? "exit status " + std::to_string(status) : "signal: " + std::string(
                                                                                    status == -9 ? "killed" : "terminated");
  std::string request_id;
  std::shared_ptr<Waiter> next;
  std::optional<std::string> init_error;
  bool out_of_memory = false;
  {
    std::lock_guard lock(mutex_);
    if (!dead_) {
      dead_ = true;
      death_reason_ = reason;
    }
    if (current_ && !current_->result) request_id = current_->invocation.request_id;
    next = std::move(next_waiter_);
    init_error = init_error_;
    out_of_memory = memory_exceeded_;
    for (auto* partial : {&stdout_partial_, &stderr_partial_}) {
      if (!partial->empty()) {
        pending_logs_.push_back({clock_.wall_ms(), *partial + "\n"});
        invocation_log_ += *partial + "\n";
        partial->clear();
      }
    }
  }
  if (next) next->fire();
  if (!request_id.empty()) {
    if (init_error) {
      complete(request_id, InvocationResult{*init_error, "Unhandled", {}, true, 0});
    } else {
      std::string type = out_of_memory ? "Runtime.OutOfMemory" : "Runtime.ExitError";
      std::string message = "RequestId: " + request_id + " Error: Runtime exited with error: " + reason;
      log(message + "\n" + type);
      complete(request_id, InvocationResult{error_document(type, message), "Unhandled", {}, true, 0});
    }
  }
  if (endpoint_) endpoint_->close();
  flush_logs();
}

void Environment::on_output(std::string_view bytes, std::string& partial) {
  std::lock_guard lock(mutex_);
  int64_t now = clock_.wall_ms();
  size_t start = 0;
  while (start < bytes.size()) {
    auto newline = bytes.find('\n', start);
    if (newline == std::string_view::npos) {
      partial.append(bytes.substr(start));
      // A line that never ends is cut at AWS's event size (256 KB) rather than held forever.
      if (partial.size() >= 256 * 1024) {
        pending_logs_.push_back({now, partial});
        invocation_log_ += partial;
        partial.clear();
      }
      break;
    }
    partial.append(bytes.substr(start, newline - start + 1));
    pending_logs_.push_back({now, partial});
    invocation_log_ += partial;
    partial.clear();
    start = newline + 1;
  }
}

void Environment::on_telemetry(std::string_view bytes) {
  std::vector<LogEvent> events;
  std::lock_guard lock(mutex_);
  telemetry_buffer_.append(bytes);
  telemetry_buffer_.erase(0, parse_telemetry_frames(telemetry_buffer_, events));
  for (auto& event : events) {
    if (event.timestamp_ms == 0) event.timestamp_ms = clock_.wall_ms();  // text that was not a frame
    invocation_log_ += event.message;
    pending_logs_.push_back(std::move(event));
  }
}

void Environment::log(std::string message, int64_t timestamp_ms) {
  std::lock_guard lock(mutex_);
  if (message.empty() || message.back() != '\n') message += '\n';
  invocation_log_ += message;
  pending_logs_.push_back({timestamp_ms ? timestamp_ms : clock_.wall_ms(), std::move(message)});
}

void Environment::flush_logs() {
  std::vector<LogEvent> events;
  {
    std::lock_guard lock(mutex_);
    events.swap(pending_logs_);
  }
  if (!events.empty() && sink_) sink_(spec_.log_group, log_stream_, std::move(events));
}

void Environment::watch_memory(std::shared_ptr<Waiter> done) {
  asio::co_spawn(executor_, [weak = weak_from_this(), done]() -> asio::awaitable<void> {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
      timer.expires_after(std::chrono::milliseconds(100));
      co_await timer.async_wait(asio::use_awaitable);
      auto self = weak.lock();
      if (!self || done->fired() || !self->process_) co_return;
      if (self->process_->memory().rss_kib > static_cast<long>(self->spec_.memory_mb) * 1024) {
        {
          std::lock_guard lock(self->mutex_);
          self->memory_exceeded_ = true;
        }
        self->process_->kill();
        co_return;
      }
    }
  }, asio::detached);
}

}  // namespace nimbus::lambda
