// The internal _InvokeApiDestination operation the outbox calls for a rule whose target is an API
// destination: waits for a slot of the destination's invocation rate limit, authorizes (an OAuth
// connection's token is fetched once and refreshed before it expires or after a 401/407), and
// makes the HTTP call (5 s timeout). 2xx delivers; 401, 407, 409, 429, 5xx, timeouts and
// connection failures are retried by the outbox (and open its circuit breaker for the
// destination when they persist); any other answer goes to the target's dead-letter queue.

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/arn.h"
#include "services/events/api_destination_request.h"
#include "services/events/events_errors.h"
#include "services/events/events_service.h"

namespace nimbus::events {
namespace {

std::string excerpt(const std::string& body) { return body.size() > 256 ? body.substr(0, 256) + "..." : body; }

}  // namespace

awaitable<void> EventsService::wait_for_invocation_slot(const std::string& destination_arn, int64_t rate_per_second) {
  using Clock = std::chrono::steady_clock;
  auto interval = std::chrono::microseconds(1'000'000 / std::max<int64_t>(rate_per_second, 1));
  Clock::time_point slot;
  {
    std::lock_guard lock(http_mutex_);
    auto& next = next_invocation_slot_[destination_arn];
    slot = std::max(Clock::now(), next);
    next = slot + interval;
  }
  if (slot <= Clock::now()) co_return;
  auto executor = co_await boost::asio::this_coro::executor;
  boost::asio::steady_timer timer(executor, slot);
  co_await timer.async_wait(boost::asio::use_awaitable);
}

awaitable<Json> EventsService::invoke_api_destination(RequestContext& context, const Json& in) {
  if (context.invoked_by.principal != "events.amazonaws.com") {  // only the outbox calls it
    throw AwsError::unknown_operation("The requested operation is not supported.");
  }
  std::string destination_arn = in.value("ApiDestinationArn", "");
  auto arn = parse_arn(destination_arn);
  if (!arn || arn->resource.rfind("api-destination/", 0) != 0) throw errors::invalid_arn(destination_arn);
  std::string rest = arn->resource.substr(16);
  std::string name = rest.substr(0, rest.find('/'));
  auto destination = api_destinations_.get(arn->account + "/" + arn->region + "/" + name);
  if (!destination || (*destination)["ApiDestinationArn"] != destination_arn) {
    throw errors::not_found("An api-destination '" + name + "' does not exist.");
  }
  std::string connection_arn = destination->value("ConnectionArn", "");
  auto connection = connection_by_arn(connection_arn);
  if (!connection) throw errors::not_found("Connection '" + connection_arn + "' does not exist.");
  if ((*connection)["ConnectionState"] == "DEAUTHORIZED") {
    throw AwsError(400, "ConnectionDeauthorized",
                   "The connection is deauthorized: " + connection->value("StateReason", std::string()));
  }
  auto connection_key = arn->account + "/" + arn->region + "/" + (*connection)["Name"].get<std::string>();
  bool oauth = (*connection)["AuthorizationType"] == "OAUTH_CLIENT_CREDENTIALS";

  co_await wait_for_invocation_slot(destination_arn, destination->value("InvocationRateLimitPerSecond", int64_t{300}));
  std::string token;
  if (oauth) token = co_await oauth_token(connection_key, false);
  auto request = invocation_request(*destination, *connection, in.value("HttpParameters", Json::object()),
                                    in.value("Body", ""), token);
  outbound::HttpResponse response;
  try {
    auto fetching = outbound::fetch(std::move(request));
    response = co_await std::move(fetching);
  } catch (const outbound::HttpError& error) {
    if (error.kind == outbound::HttpError::Kind::Timeout) {
      throw AwsError(504, "ApiDestinationTimeout", "The API destination endpoint did not answer within 5 seconds.");
    }
    if (error.kind == outbound::HttpError::Kind::BadUrl) {
      throw AwsError(400, "InvalidApiDestinationEndpoint", error.what());
    }
    throw AwsError(502, "ApiDestinationConnectionFailure", error.what());
  }
  int status = response.status;
  if (status >= 200 && status < 300) co_return Json{{"StatusCode", status}};
  if (oauth && (status == 401 || status == 407)) {
    std::lock_guard lock(http_mutex_);
    oauth_tokens_.erase(connection_key);  // the retry fetches a new one
  }
  std::string message = "The API destination endpoint answered HTTP " + std::to_string(status) + ": " + excerpt(response.body);
  if (status == 429) throw AwsError(429, "ThrottlingException", message);
  if (retryable_status(status)) throw AwsError(502, "ApiDestinationEndpointError", message);
  throw AwsError(400, "ApiDestinationEndpointRejected", message);
}

}  // namespace nimbus::events
