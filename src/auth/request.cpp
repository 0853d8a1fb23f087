#include "auth/request.h"

#include <strings.h>

namespace nimbus::auth {

std::optional<std::string_view> SignedRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) {
      return value;
    }
  }
  return std::nullopt;
}

std::string_view SignedRequest::path() const { return target.substr(0, target.find('?')); }

std::string_view SignedRequest::query() const {
  auto question = target.find('?');
  return question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
}

}  // namespace nimbus::auth
