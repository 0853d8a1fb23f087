#include "services/schemas/schemas_names.h"

#include <algorithm>
#include <cctype>

#include "core/crypto.h"
#include "core/text.h"
#include "services/schemas/schemas_errors.h"

namespace nimbus::schemas {

std::string scope(const std::string& account, const std::string& region) { return account + "/" + region + "/"; }
std::string scope(const RequestContext& context) { return scope(context.account_id, context.region); }

std::string registry_arn(const RequestContext& context, const std::string& registry) {
  // AWS's own registry belongs to no account.
  std::string account = registry == kAwsRegistry ? "" : context.account_id;
  return "arn:aws:schemas:" + context.region + ":" + account + ":registry/" + registry;
}

std::string schema_arn(const RequestContext& context, const std::string& registry, const std::string& schema) {
  std::string account = registry == kAwsRegistry ? "" : context.account_id;
  return "arn:aws:schemas:" + context.region + ":" + account + ":schema/" + registry + "/" + schema;
}

std::string discoverer_arn(const std::string& account, const std::string& region, const std::string& id) {
  return "arn:aws:schemas:" + region + ":" + account + ":discoverer/" + id;
}

std::string pascal_name(std::string_view text) {
  std::string out;
  bool word_start = true;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += word_start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      word_start = false;
    } else {
      word_start = true;
    }
  }
  return out;
}

std::string discovered_schema_name(std::string_view source, std::string_view detail_type) {
  std::string name = std::string(source) + "@" + pascal_name(detail_type);
  std::replace(name.begin(), name.end(), '/', '-');
  return name;
}

std::string timestamp(int64_t ms) { return text::format_iso8601(static_cast<double>(ms) / 1000.0); }

Json list_page(const std::vector<Json>& items, const Json& in, const char* member) {
  size_t start = 0;
  if (auto token = in.value("NextToken", std::string()); !token.empty()) {
    auto decoded = crypto::base64_decode(token);
    if (!decoded || decoded->rfind("offset:", 0) != 0) throw errors::invalid_token();
    start = std::strtoull(decoded->c_str() + 7, nullptr, 10);
  }
  size_t limit = static_cast<size_t>(std::clamp<int64_t>(in.value("Limit", int64_t{100}), 1, 100));
  Json page = Json::array();
  for (size_t i = start; i < items.size() && page.size() < limit; ++i) page.push_back(items[i]);
  Json out = {{member, page}};
  if (start + page.size() < items.size()) {
    out["NextToken"] = crypto::base64_encode("offset:" + std::to_string(start + page.size()));
  }
  return out;
}

}  // namespace nimbus::schemas
