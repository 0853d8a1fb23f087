#pragma once
// One execution environment: a sandboxed runtime process serving one function version, one
// invocation at a time, through its own Runtime API endpoint (GET .../invocation/next, POST
// .../response, .../error, .../init/error). The environment owns the process, turns what it prints
// into log events (with START/END/REPORT lines) and enforces the timeout and the memory size; a
// crash, a timeout or an init failure ends it, and the pool (environment_pool.h) starts a new one.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/local_endpoint.h"
#include "async/waiter.h"
#include "services/lambda/child_process.h"
#include "services/lambda/sandbox.h"
#include "services/lambda/telemetry_frames.h"

namespace nimbus::lambda {

// Where an environment's log events go (the function's log group and this environment's stream).
using LogSink = std::function<void(const std::string& group, const std::string& stream, std::vector<LogEvent>)>;

struct EnvironmentSpec {
  std::string function_name;
  std::string function_arn;  // unqualified
  std::string version;       // "$LATEST", "3"
  std::string runtime;       // "nodejs20.x"
  RuntimeChoice choice;
  SandboxPaths paths;
  std::vector<std::pair<std::string, std::string>> variables;  // the function's Environment.Variables
  std::vector<std::pair<std::string, std::string>> aws_variables;  // region, credentials, endpoint...
  std::string handler;
  int timeout_seconds = 3;
  int memory_mb = 128;
  std::string log_group;
  std::string log_format = "Text";  // LoggingConfig.LogFormat
};

struct Invocation {
  std::string request_id;
  std::string payload;
  std::string invoked_arn;  // as invoked: qualified when the caller named a version or alias
  std::string trace_id;
  std::string client_context;  // JSON text, may be empty
  std::string cognito_identity;
};

struct InvocationResult {
  std::string payload;         // the function's response, or the error document
  std::string function_error;  // "" = success; "Unhandled" otherwise (X-Amz-Function-Error)
  std::string log_tail;        // this invocation's log lines (the caller keeps the last 4 KB)
  bool environment_lost = false;  // timeout, crash or init failure: the environment is gone
  double duration_ms = 0;
};

class Environment : public std::enable_shared_from_this<Environment> {
 public:
  Environment(boost::asio::any_io_executor executor, Clock& clock, LocalEndpoints& endpoints,
              EnvironmentSpec spec, LogSink sink);
  ~Environment();

  // Opens the Runtime API endpoint and starts the runtime. Throws std::system_error.
  void start();
  // Runs one invocation (never two at once) and resumes with its outcome.
  boost::asio::awaitable<InvocationResult> invoke(Invocation invocation);
  // Kills the process and closes the endpoint; waiting calls resume.
  void shut_down();

  bool alive() const;
  const EnvironmentSpec& spec() const { return spec_; }
  const std::string& log_stream() const { return log_stream_; }
  int64_t idle_since_ms() const;

 private:
  struct Current;
  boost::asio::awaitable<Reply> serve_runtime_api(HttpRequest& request);
  Reply next_invocation_reply(const Current& current, unsigned http_version) const;
  void complete(const std::string& request_id, InvocationResult result);
  void on_exit(int status);
  void on_output(std::string_view bytes, std::string& partial);
  void on_telemetry(std::string_view bytes);
  void log(std::string message, int64_t timestamp_ms = 0);
  void flush_logs();
  // Kills the runtime when it grows past the function's memory size, while `done` is unfired.
  void watch_memory(std::shared_ptr<Waiter> done);

  boost::asio::any_io_executor executor_;
  Clock& clock_;
  LocalEndpoints& endpoints_;
  EnvironmentSpec spec_;
  LogSink sink_;
  std::string log_stream_;
  std::shared_ptr<LocalEndpoint> endpoint_;
  std::shared_ptr<ChildProcess> process_;

  mutable std::mutex mutex_;
  bool dead_ = false;
  std::string death_reason_;  // "exit status 1", "signal: killed"
  bool initialized_ = false;  // the runtime asked for its first invocation
  std::optional<std::string> init_error_;      // the /init/error document
  std::string init_error_type_;
  double started_steady_ms_ = 0;
  double init_duration_ms_ = 0;
  int64_t idle_since_ms_ = 0;
  std::shared_ptr<Waiter> next_waiter_;  // the runtime's parked /next
  std::unique_ptr<Current> current_;
  std::vector<LogEvent> pending_logs_;
  std::string stdout_partial_, stderr_partial_, telemetry_buffer_;
  std::string invocation_log_;  // this invocation's log text (LogType: Tail)
  bool memory_exceeded_ = false;
};

}  // namespace nimbus::lambda
