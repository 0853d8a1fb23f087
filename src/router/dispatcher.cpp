#include "router/dispatcher.h"

#include <chrono>

#include "core/ids.h"
#include "core/log.h"

namespace nimbus::router {
namespace http = boost::beast::http;
using protocol::HttpRequest;
using protocol::HttpResponse;
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

}  // namespace

Dispatcher::Dispatcher(ServiceRegistry& registry, Clock& clock, const Authenticator& authenticator)
    : registry_(registry),
      clock_(clock),
      authenticator_(authenticator),
      router_(registry),
      admin_(registry, clock) {}

boost::asio::awaitable<http_server::Reply> Dispatcher::handle(HttpRequest& request) {
  auto started = std::chrono::steady_clock::now();
  if (admin::is_admin_path(request.target())) {
    // (GCC 12 miscompiles co_await inside a braced initialiser: keep it a statement.)
    auto response = co_await admin_.handle(request);
    co_return http_server::Reply{std::move(response)};
  }

  auto request_id = ids::uuid4();
  Outcome outcome = co_await run_pipeline(request, request_id);
  if (log::enabled(log::Level::Info)) {
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - started).count();
    log::write(log::Level::Info, std::string(request.method_string()) + " " + outcome.service + " " +
                                     outcome.operation + " " +
                                     std::to_string(outcome.response.result_int()) + " " +
                                     std::to_string(micros) + "us");
  }
  co_return http_server::Reply{std::move(outcome.response)};
}

boost::asio::awaitable<http_server::Reply> Dispatcher::handle_streamed(HttpRequest& head,
                                                                       http_server::BodyReader& body) {
  // No service streams request bodies yet (S3 will): wants_streamed_body() is never true.
  co_return http_server::Reply{reject(head, AwsError::internal())};
}

boost::asio::awaitable<Dispatcher::Outcome> Dispatcher::run_pipeline(HttpRequest& request,
                                                                      const std::string& request_id) {
  Outcome outcome;
  std::optional<Route> route;
  try {
    route = router_.route(request, Authenticator::peek_scope_service(request));
    if (!route) throw unroutable();
    const auto& model = route->service->model();
    outcome.service = std::string(route->service->name());

    auto identity = authenticator_.authenticate(request, route->wire == Wire::RestXml, clock_.now_ms());
    RequestContext context;
    context.account_id = identity.account_id;
    context.access_key_id = identity.access_key_id;
    context.region = !identity.region.empty() ? identity.region : "us-east-1";
    if (identity.region.empty()) {
      if (auto host = parse_host(request[http::field::host]); !host.region.empty()) {
        context.region = host.region;
      }
    }
    context.request_id = request_id;
    context.host = std::string(request[http::field::host]);
    context.clock = &clock_;

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
    outcome.response = protocol::encode_error(route ? &route->service->model() : nullptr,
                                              route ? route->wire : Wire::Json, error, request_id,
                                              request.version(), request.keep_alive());
  } catch (const std::exception& unexpected) {
    NIMBUS_LOG(Error, "request " + request_id + " failed: " + unexpected.what());
    outcome.response = protocol::encode_error(route ? &route->service->model() : nullptr,
                                              route ? route->wire : Wire::Json, AwsError::internal(),
                                              request_id, request.version(), request.keep_alive());
  }
  co_return outcome;
}

HttpResponse Dispatcher::reject(const HttpRequest& head, const AwsError& error) {
  auto route = router_.route(head, Authenticator::peek_scope_service(head));
  return protocol::encode_error(route ? &route->service->model() : nullptr,
                                route ? route->wire : Wire::Json, error, ids::uuid4(), head.version(),
                                false);
}

}  // namespace nimbus::router
