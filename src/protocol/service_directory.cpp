// Lookups over the generated service directory. Linear scans of ~400 rows: they run only for
// requests no served service claims.
#include "protocol/service_directory.h"

namespace nimbus::model {
namespace {

// The best row whose `field` equals `name`: its id is the name, else its endpoint prefix is,
// else the first in id order.
template <typename Field>
const ServiceInfo* find_best(std::string_view name, Field field) {
  if (name.empty()) return nullptr;
  const ServiceInfo* best = nullptr;
  int best_rank = 0;
  for (const auto& info : service_directory()) {
    if (info.*field != name) continue;
    int rank = info.id == name ? 3 : info.endpoint_prefix == name ? 2 : 1;
    if (rank > best_rank) {
      best = &info;
      best_rank = rank;
    }
  }
  return best;
}

}  // namespace

const ServiceInfo* find_by_signing_name(std::string_view signing_name) {
  return find_best(signing_name, &ServiceInfo::signing_name);
}

const ServiceInfo* find_by_endpoint_prefix(std::string_view endpoint_prefix) {
  return find_best(endpoint_prefix, &ServiceInfo::endpoint_prefix);
}

const ServiceInfo* find_by_target_prefix(std::string_view target_prefix) {
  return find_best(target_prefix, &ServiceInfo::target_prefix);
}

}  // namespace nimbus::model
