#pragma once
// The one explicit list of services nimbus serves. Adding a service = one line in registry.cpp.

#include <boost/asio/any_io_executor.hpp>
#include <filesystem>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "services/service.h"
#include "storage/store.h"

namespace nimbus::auth {
class Credentials;
class SessionCredentialSource;
}

namespace nimbus {

class ServiceRegistry {
 public:
  // `files_dir`: where services keep large bodies as files (S3 objects).
  // `credentials`: the --credentials keys, for services that verify signatures of their own
  // (S3 POST policies); may be null.
  ServiceRegistry(storage::Store& store, Clock& clock, std::filesystem::path files_dir,
                  const auth::Credentials* credentials = nullptr);

  Service* find(std::string_view name) const;
  const std::vector<std::unique_ptr<Service>>& all() const { return services_; }
  // The temporary credentials STS issued, for the authenticator.
  const auth::SessionCredentialSource* sessions() const { return sessions_; }

  void start(boost::asio::any_io_executor executor);
  void stop();

 private:
  std::vector<std::unique_ptr<Service>> services_;
  const auth::SessionCredentialSource* sessions_ = nullptr;
};

// The models of every service nimbus knows, implemented or not (for --list-operations).
std::vector<const model::ServiceModel*> known_models();

}  // namespace nimbus
