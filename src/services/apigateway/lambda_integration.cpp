#include "services/apigateway/lambda_integration.h"

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

boost::asio::awaitable<LambdaOutcome> call_lambda(const delivery::Outbox::Invoke& call, const ApiOwner& owner,
                                                  const LambdaCall& request) {
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

}  // namespace nimbus::apigateway
