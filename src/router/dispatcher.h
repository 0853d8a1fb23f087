#pragma once
// The fixed request pipeline: admin endpoints aside, every request goes
// authenticate -> route -> decode + validate (model) -> execute (service handler) -> encode,
// with AwsError and unexpected exceptions turned into the protocol's error, and one log line.

#include <chrono>

#include "admin/admin.h"
#include "core/clock.h"
#include "http/server.h"
#include "router/authenticator.h"
#include "router/router.h"
#include "services/registry.h"

namespace nimbus::router {

class Dispatcher : public http_server::RequestHandler {
 public:
  // `clock_keeper` (may be null in tests) saves the clock when the admin endpoints move it.
  Dispatcher(ServiceRegistry& registry, Clock& clock, const Authenticator& authenticator,
             storage::ClockKeeper* clock_keeper = nullptr);

  boost::asio::awaitable<Reply> handle(HttpRequest& request,
                                                    const std::string& client_ip) override;
  boost::asio::awaitable<Reply> handle_streamed(HttpRequest& head,
                                                             BodyReader& body,
                                                             const std::string& client_ip) override;
  HttpResponse reject(const HttpRequest& head, const AwsError& error) override;
  bool wants_streamed_body(const HttpRequest& head) const override;

 private:
  struct Outcome {
    HttpResponse response;
    std::string service = "-";
    std::string operation = "-";
  };
  boost::asio::awaitable<Outcome> run_pipeline(HttpRequest& request,
                                               const std::string& request_id,
                                               const std::string& client_ip);
  // The caller's context: identity (authenticated), region, host, request id, address.
  RequestContext make_context(const HttpRequest& request, const Route& route,
                              bool body_available, const std::string& request_id,
                              const std::string& client_ip) const;
  void log_request(const HttpRequest& request, const std::string& service,
                   const std::string& operation, unsigned status,
                   std::chrono::steady_clock::time_point started) const;

  ServiceRegistry& registry_;
  Clock& clock_;
  const Authenticator& authenticator_;
  Router router_;
  admin::AdminEndpoints admin_;
};

}  // namespace nimbus::router
