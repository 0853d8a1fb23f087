// libFuzzer target for API Gateway's request body validation: the first line is a model's schema,
// the rest the body. Validation may answer anything but must not throw or crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "services/apigateway/json_schema.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto newline = text.find('\n');
  auto schema = nlohmann::json::parse(text.substr(0, newline), nullptr, false);
  auto value = nlohmann::json::parse(newline == std::string_view::npos ? "{}" : text.substr(newline + 1), nullptr, false);
  if (schema.is_discarded() || value.is_discarded()) return 0;
  nimbus::apigateway::ModelLookup models = [&](const std::string&) { return std::optional<nlohmann::json>(schema); };
  (void)nimbus::apigateway::schema_violation(schema, value, models);
  return 0;
}
