#include "router/dispatcher.h"

#include <algorithm>

#include "core/ids.h"
#include "core/log.h"

namespace nimbus::router {
namespace http = boost::beast::http;
using protocol::Wire;

namespace {

AwsError unroutable() {
  return AwsError{400, "UnrecognizedClientException",
                  "Could not determine the AWS service this request is for."};
}

AwsError not_implemented(std::string_view service, std::string_view operation) {
  return AwsError{501, "NotImplemented",
                  "nimbus does not implement " + std::string(service) + " " + std::string(operation) + " yet."};
}

// A request for an AWS service nimbus knows from the models but does not serve.
AwsError not_served(const model::ServiceInfo& info, const ServiceRegistry& registry, Wire wire) {
  std::vector<std::string_view> names;
  for (const auto& service : registry.all()) names.push_back(service->name());
  std::sort(names.begin(), names.end());
  std::string served;
  for (auto name : names) served += (served.empty() ? "" : ", ") + std::string(name);
  AwsError error{501, "NotImplemented",
                 "nimbus does not serve the " + std::string(info.service_id) + " API (" +
                     std::string(info.endpoint_prefix) + ") yet; served: " + served};
  // The json protocols name the error in a header too (rest-json's writer sets it already).
  if (wire == Wire::Json) error.headers.emplace_back("x-amzn-ErrorType", error.code);
  return error;
}

// HEAD answers and 304 Not Modified carry no body, errors included.
void strip_body_for_head(const HttpRequest& request, HttpResponse& response) {
  if (request.method() != http::verb::head && response.result() != http::status::not_modified) return;
  response.body().clear();
  response.content_length(0);
}

HttpResponse error_response(const Route* route, const AwsError& error, const HttpRequest& request,
                            const std::string& request_id) {
  if (error.http_status == 304) {  // Not Modified: headers only, never an error document
    HttpResponse response{http::status::not_modified, request.version()};
    for (const auto& [name, value] : error.headers) response.set(name, value);
    response.keep_alive(request.keep_alive());
    return response;
  }
  // An unserved service has no model of its own: its directory entry stands in for one.
  std::optional<model::ServiceModel> unserved_model;
  const model::ServiceModel* model = nullptr;
  if (route && route->service) {
    model = &route->service->model();
  } else if (route && route->unserved) {
    model = &unserved_model.emplace(route->unserved->error_model());
  }
  auto response = protocol::encode_error(model, route ? route->wire : Wire::Json, error, request_id,
                                         request.version(), request.keep_alive());
  for (const auto& [name, value] : error.headers) response.set(name, value);
  strip_body_for_head(request, response);
  return response;
}

}  // namespace

Dispatcher::Dispatcher(ServiceRegistry& registry, Clock& clock, const Authenticator& authenticator,
                       storage::ClockKeeper* clock_keeper)
    : registry_(registry),
      clock_(clock),
      authenticator_(authenticator),
      router_(registry),
      admin_(registry, clock, clock_keeper) {}

RequestContext Dispatcher::make_context(const HttpRequest& request, const Route& route,
                                        bool body_available, const std::string& request_id,
                                        const std::string& client_ip) const {
  auto identity = route.service->checks_own_signatures()
                      ? authenticator_.identify(request)
                      : authenticator_.authenticate(request, route.wire == Wire::RestXml, body_available,
                                                    route.service->allows_anonymous(request), clock_.now_ms());
  RequestContext context;
  context.account_id = identity.account_id;
  context.access_key_id = identity.access_key_id;
  context.signature = std::move(identity.signature);
  context.region = identity.region;
  if (context.region.empty()) context.region = parse_host(request[http::field::host]).region;
  if (context.region.empty()) context.region = "us-east-1";
  context.request_id = request_id;
  context.host = std::string(request[http::field::host]);
  context.clock = &clock_;
  context.source_ip = client_ip;
  context.access_checked = authenticator_.verifies();
  return context;
}

void Dispatcher::log_request(const HttpRequest& request, const std::string& service,
                             const std::string& operation, unsigned status,
                             std::chrono::steady_clock::time_point started) const {
  if (!log::enabled(log::Level::Info)) return;
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - started).count();
  log::write(log::Level::Info, std::string(request.method_string()) + " " + service + " " +
                                   operation + " " + std::to_string(status) + " " +
                                   std::to_string(micros) + "us");
}

boost::asio::awaitable<Reply> Dispatcher::handle(HttpRequest& request, const std::string& client_ip) {
  auto started = std::chrono::steady_clock::now();
  if (admin::is_admin_path(request.target())) {
    // (GCC 12 miscompiles co_await inside a braced initialiser: keep it a statement.)
    auto response = co_await admin_.handle(request);
    co_return Reply{std::move(response)};
  }
  auto request_id = ids::uuid4();
  Outcome outcome = co_await run_pipeline(request, request_id, client_ip);
  log_request(request, outcome.service, outcome.operation, outcome.response.result_int(), started);
  co_return Reply{std::move(outcome.response)};
}

boost::asio::awaitable<Dispatcher::Outcome> Dispatcher::run_pipeline(HttpRequest& request,
                                                                      const std::string& request_id,
                                                                      const std::string& client_ip) {
  Outcome outcome;
  std::optional<Route> route;
  try {
    route = router_.route(request, Authenticator::peek_scope_service(request));
    if (!route) throw unroutable();
    if (route->unserved) {
      outcome.service = std::string(route->unserved->endpoint_prefix);
      throw not_served(*route->unserved, registry_, route->wire);
    }
    const auto& model = route->service->model();
    outcome.service = std::string(route->service->name());
    auto context = make_context(request, *route, true, request_id, client_ip);

    auto call = protocol::decode_request(model, route->wire, request);
    outcome.operation = std::string(call.operation->name);
    if (!route->service->implements(call.operation->name)) {
      throw not_implemented(route->service->name(), call.operation->name);
    }
    auto output = co_await route->service->invoke(call.operation->name, context, std::move(call.input));
    outcome.response = protocol::encode_response(model, route->wire, *call.operation, output, request_id,
                                                 request.version(), request.keep_alive());
    co_return outcome;
  } catch (const AwsError& error) {
    outcome.response = error_response(route ? &*route : nullptr, error, request, request_id);
  } catch (const std::exception& unexpected) {
    NIMBUS_LOG(Error, "request " + request_id + " failed: " + unexpected.what());
    outcome.response = error_response(route ? &*route : nullptr, AwsError::internal(), request, request_id);
  }
  co_return outcome;
}

bool Dispatcher::wants_streamed_body(const HttpRequest& head) const {
  if (admin::is_admin_path(head.target())) return false;
  auto route = router_.route(head, Authenticator::peek_scope_service(head));
  return route && route->service && route->service->serves_raw_http();
}

boost::asio::awaitable<Reply> Dispatcher::handle_streamed(HttpRequest& head,
                                                          BodyReader& body,
                                                          const std::string& client_ip) {
  auto started = std::chrono::steady_clock::now();
  auto request_id = ids::uuid4();
  Outcome outcome;
  std::optional<Route> route;
  Reply reply;
  bool failed = false;
  AwsError failure = AwsError::internal();
  try {
    route = router_.route(head, Authenticator::peek_scope_service(head));
    if (!route) throw unroutable();
    if (route->unserved) throw not_served(*route->unserved, registry_, route->wire);
    outcome.service = std::string(route->service->name());
    auto context = make_context(head, *route, false, request_id, client_ip);
    reply = co_await route->service->handle_http(head, body, context);
    outcome.operation = context.operation.empty() ? "-" : context.operation;
  } catch (const AwsError& error) {
    failed = true;
    failure = error;
  } catch (const std::exception& unexpected) {
    NIMBUS_LOG(Error, "request " + request_id + " failed: " + unexpected.what());
    failed = true;
  }
  if (failed) {
    reply = Reply{error_response(route ? &*route : nullptr, failure, head, request_id)};
  }
  log_request(head, outcome.service, outcome.operation, reply.message.result_int(), started);
  co_return reply;
}

HttpResponse Dispatcher::reject(const HttpRequest& head, const AwsError& error) {
  auto route = router_.route(head, Authenticator::peek_scope_service(head));
  auto response = error_response(route ? &*route : nullptr, error, head, ids::uuid4());
  response.keep_alive(false);
  return response;
}

}  // namespace nimbus::router
