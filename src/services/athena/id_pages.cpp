#include "services/athena/id_pages.h"

#include <algorithm>

#include "services/athena/athena_errors.h"

namespace nimbus::athena {

nlohmann::json id_page(const std::vector<std::string>& ids, const nlohmann::json& in, size_t max, const char* member) {
  size_t start = 0;
  if (in.contains("NextToken")) {
    auto it = std::find(ids.begin(), ids.end(), in["NextToken"].get<std::string>());
    if (it == ids.end()) throw errors::invalid_request("The NextToken provided is not valid.");
    start = static_cast<size_t>(it - ids.begin());
  }
  size_t end = std::min(ids.size(), start + max);
  nlohmann::json out = {{member, std::vector<std::string>(ids.begin() + static_cast<long>(start),
                                                         ids.begin() + static_cast<long>(end))}};
  if (end < ids.size()) out["NextToken"] = ids[end];
  return out;
}

}  // namespace nimbus::athena
