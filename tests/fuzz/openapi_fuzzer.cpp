// libFuzzer target for API Gateway's OpenAPI importer (JSON, else YAML through yaml-cpp): what
// imports is merged into a fresh API document and exported again, as JSON and as YAML. Only
// AwsError (the importer's BadRequestException) may escape.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/aws_error.h"
#include "services/apigateway/openapi.h"
#include "services/apigateway/openapi_yaml.h"

using nimbus::apigateway::Json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto imported = nimbus::apigateway::import_openapi(text, false);
    Json document = {{"api", {{"id", "fuzz000000"}, {"name", "fuzz"}, {"rootResourceId", "root000000"}}},
                     {"resources", {{"root000000", {{"id", "root000000"}, {"path", "/"}}}}},
                     {"authorizers", Json::object()},
                     {"models", Json::object()}};
    nimbus::apigateway::merge_import(document, imported, true);
    Json snapshot = {{"resources", document["resources"]}, {"authorizers", document["authorizers"]}};
    Json stage = {{"stageName", "prod"}};
    for (bool oas30 : {true, false}) {
      auto spec = nimbus::apigateway::export_openapi(document["api"], snapshot, stage, oas30, "apigateway", "us-east-1");
      (void)spec.dump();
      (void)nimbus::apigateway::json_to_yaml(spec);
    }
  } catch (const nimbus::AwsError&) {
  }
  return 0;
}
