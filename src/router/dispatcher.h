#pragma once
// The fixed request pipeline: admin endpoints aside, every request goes
// authenticate -> route -> decode + validate (model) -> execute (service handler) -> encode,
// with AwsError and unexpected exceptions turned into the protocol's error, and one log line.

#include "admin/admin.h"
#include "core/clock.h"
#include "http/server.h"
#include "router/authenticator.h"
#include "router/router.h"
#include "services/registry.h"

namespace nimbus::router {

class Dispatcher : public http_server::RequestHandler {
 public:
  Dispatcher(ServiceRegistry& registry, Clock& clock, const Authenticator& authenticator);

  boost::asio::awaitable<http_server::Reply> handle(protocol::HttpRequest& request) override;
  boost::asio::awaitable<http_server::Reply> handle_streamed(protocol::HttpRequest& head,
                                                             http_server::BodyReader& body) override;
  protocol::HttpResponse reject(const protocol::HttpRequest& head, const AwsError& error) override;

 private:
  struct Outcome {
    protocol::HttpResponse response;
    std::string service = "-";
    std::string operation = "-";
  };
  boost::asio::awaitable<Outcome> run_pipeline(protocol::HttpRequest& request,
                                               const std::string& request_id);

  ServiceRegistry& registry_;
  Clock& clock_;
  const Authenticator& authenticator_;
  Router router_;
  admin::AdminEndpoints admin_;
};

}  // namespace nimbus::router
