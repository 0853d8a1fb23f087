#include "services/apigateway/lambda_integration.h"

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>

#include "async/waiter.h"
#include "core/aws_error.h"

namespace nimbus::apigateway {

std::optional<std::string> function_of_uri(std::string_view uri) {
  if (uri.rfind("arn:aws:lambda:", 0) == 0) return std::string(uri);
  auto start = uri.find("/functions/");
  if (start == std::string_view::npos || uri.find(":lambda:path/") == std::string_view::npos) return std::nullopt;
  auto function = uri.substr(start + 11);
  auto end = function.rfind("/invocations");
  if (end == std::string_view::npos) return std::nullopt;
  function = function.substr(0, end);
  if (function.empty()) return std::nullopt;
  return std::string(function);
}

namespace {

struct PendingCall {
  std::shared_ptr<Waiter> done = std::make_shared<Waiter>();  // fired by the call, or by its timeout
  std::atomic<bool> finished{false};
  LambdaOutcome outcome;  // written before `finished` is set
};

boost::asio::awaitable<LambdaOutcome> invoke_function(delivery::Outbox::Invoke call, ApiOwner owner, LambdaCall request);

boost::asio::awaitable<void> invoke_into(delivery::Outbox::Invoke call, ApiOwner owner, LambdaCall request,
                                         std::shared_ptr<PendingCall> pending) {
  pending->outcome = co_await invoke_function(std::move(call), std::move(owner), std::move(request));
  pending->finished = true;
  pending->done->fire();
}

}  // namespace

boost::asio::awaitable<LambdaOutcome> call_lambda(const delivery::Outbox::Invoke& call, const ApiOwner& owner,
                                                  const LambdaCall& request) {
  if (request.timeout_ms <= 0) co_return co_await invoke_function(call, owner, request);
  // The invoke runs on its own; API Gateway waits for it at most the integration's timeout.
  auto pending = std::make_shared<PendingCall>();
  auto executor = co_await boost::asio::this_coro::executor;
  boost::asio::co_spawn(executor, invoke_into(call, owner, request, pending), boost::asio::detached);
  auto waiting = pending->done->wait(std::chrono::milliseconds(request.timeout_ms));
  co_await std::move(waiting);
  if (!pending->finished) co_return LambdaOutcome{LambdaOutcome::Kind::TimedOut, "", "integration timeout"};
  co_return pending->outcome;
}

namespace {

boost::asio::awaitable<LambdaOutcome> invoke_function(delivery::Outbox::Invoke call, ApiOwner owner, LambdaCall request) {
  RequestContext context;
  context.account_id = owner.account;
  context.region = owner.region;
  if (!request.with_credentials) {
    context.invoked_by = {"apigateway.amazonaws.com", request.source_arn, owner.account};
  }
  delivery::Target target{"lambda", "Invoke", owner.account, owner.region,
                          {{"FunctionName", request.function_arn}, {"Payload", request.payload}}};
  LambdaOutcome outcome;
  try {
    auto output = co_await call(target, context);
    outcome.payload = output.value("Payload", "");
    if (output.contains("FunctionError")) outcome.kind = LambdaOutcome::Kind::FunctionError;
  } catch (const AwsError& error) {
    outcome.kind = error.http_status == 429 ? LambdaOutcome::Kind::Throttled : LambdaOutcome::Kind::Failed;
    outcome.detail = error.code + ": " + error.message;
  }
  co_return outcome;
}

}  // namespace
}  // namespace nimbus::apigateway
