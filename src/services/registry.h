#pragma once
// The one explicit list of services nimbus serves. Adding a service = one line in registry.cpp.
// The registry also owns the outbox (src/delivery) through which services hand each other work,
// and is how a delivery reaches its destination's operations.

#include <boost/asio/any_io_executor.hpp>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/local_endpoint.h"
#include "delivery/outbox.h"
#include "services/service.h"
#include "storage/store.h"

namespace nimbus::auth {
class Credentials;
class SessionCredentialSource;
}

namespace nimbus::apigateway {
class IamChecker;
}

namespace nimbus {

class ServiceRegistry {
 public:
  // `files_dir`: where services keep large bodies as files (S3 objects).
  // `credentials`: the --credentials keys, for services that verify signatures of their own
  // (S3 POST policies); may be null.
  // `endpoints`: loopback endpoints for programs services run (Lambda's runtimes); may be null,
  // then functions cannot run.
  // `verify_signatures`: --auth verify (services that check their own signatures: API Gateway's
  // AWS_IAM routes).
  ServiceRegistry(storage::Store& store, Clock& clock, std::filesystem::path files_dir,
                  const auth::Credentials* credentials = nullptr, LocalEndpoints* endpoints = nullptr,
                  bool verify_signatures = false);
  ~ServiceRegistry();

  Service* find(std::string_view name) const;
  const std::vector<std::unique_ptr<Service>>& all() const { return services_; }
  delivery::Outbox& outbox() { return *outbox_; }
  // The temporary credentials STS issued, for the authenticator.
  const auth::SessionCredentialSource* sessions() const { return sessions_; }

  // Calls a service's operation on behalf of another, as a client would: deliveries and the
  // checks a service makes of another's resources. A service nimbus does not serve answers
  // NotImplemented.
  boost::asio::awaitable<Json> call(const delivery::Target& target, RequestContext& context) const;

  // nimbus's own run-time controls beyond health(), by name, for GET|POST /_nimbus/<name> (the
  // admin endpoints know the names, not the services behind them): "upstreams" (API Gateway's HTTP
  // integrations: circuit breakers and retries). Called with null for the report, or with settings
  // to apply first (throws std::invalid_argument for settings it refuses); a full reset calls each
  // with {"reset": true}.
  using AdminControl = std::function<Json(const Json* settings)>;
  const std::map<std::string, AdminControl, std::less<>>& admin_controls() const { return admin_controls_; }

  // Starts the services' workers, then the outbox (stored deliveries go to started services).
  void start(boost::asio::any_io_executor executor);
  // Stops the outbox, then the services.
  void stop();

 private:
  std::unique_ptr<delivery::Outbox> outbox_;  // outlives the services that stage into it
  std::vector<std::unique_ptr<Service>> services_;
  const auth::SessionCredentialSource* sessions_ = nullptr;
  std::unique_ptr<apigateway::IamChecker> iam_checker_;  // outlives the API Gateway services using it
  std::map<std::string, AdminControl, std::less<>> admin_controls_;
};

// The models of every service nimbus knows, implemented or not (for --list-operations).
std::vector<const model::ServiceModel*> known_models();

}  // namespace nimbus
