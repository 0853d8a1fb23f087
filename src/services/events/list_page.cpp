#include "services/events/list_page.h"

#include <algorithm>

#include "core/crypto.h"
#include "services/events/events_errors.h"

namespace nimbus::events {

nlohmann::json list_page(const std::vector<nlohmann::json>& items, const nlohmann::json& in, const char* member) {
  size_t start = 0;
  if (auto token = in.value("NextToken", std::string()); !token.empty()) {
    auto decoded = crypto::base64_decode(token);
    if (!decoded || decoded->rfind("offset:", 0) != 0) throw errors::validation("The NextToken provided is invalid.");
    start = std::strtoull(decoded->c_str() + 7, nullptr, 10);
  }
  size_t limit = static_cast<size_t>(std::clamp<int64_t>(in.value("Limit", int64_t{100}), 1, 100));
  nlohmann::json page = nlohmann::json::array();
  for (size_t i = start; i < items.size() && page.size() < limit; ++i) page.push_back(items[i]);
  nlohmann::json out = {{member, page}};
  if (start + page.size() < items.size()) {
    out["NextToken"] = crypto::base64_encode("offset:" + std::to_string(start + page.size()));
  }
  return out;
}

}  // namespace nimbus::events
