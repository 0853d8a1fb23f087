#include "services/registry.h"

#include "services/s3/s3_service.h"
#include "services/sqs/sqs_service.h"
#include "services/sts/sts_service.h"

namespace nimbus {

ServiceRegistry::ServiceRegistry(storage::Store& store, Clock& clock, std::filesystem::path files_dir,
                                 const auth::Credentials* credentials) {
  services_.push_back(sqs::make_sqs_service(store, clock));
  services_.push_back(s3::make_s3_service(store, clock, files_dir / "s3", credentials,
                                          [this](std::string_view name) { return find(name); }));
  auto sts = sts::make_sts_service(store, clock, credentials);
  sessions_ = sts.get();
  services_.push_back(std::move(sts));
}

Service* ServiceRegistry::find(std::string_view name) const {
  for (const auto& service : services_) {
    if (service->name() == name) return service.get();
  }
  return nullptr;
}

void ServiceRegistry::start(boost::asio::any_io_executor executor) {
  for (auto& service : services_) service->start(executor);
}

void ServiceRegistry::stop() {
  for (auto& service : services_) service->stop();
}

std::vector<const model::ServiceModel*> known_models() {
  return {&model::sqs_model(), &model::s3_model(), &model::sts_model()};
}

}  // namespace nimbus
