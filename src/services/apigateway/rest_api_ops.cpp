// REST APIs themselves: CreateRestApi (and cloneFrom), GetRestApi(s), UpdateRestApi,
// DeleteRestApi; ImportRestApi / PutRestApi from OpenAPI and GetExport back to it (openapi.h).

#include "services/apigateway/apigateway_errors.h"
#include "services/apigateway/openapi.h"
#include "services/apigateway/openapi_yaml.h"
#include "services/apigateway/rest_api_service.h"
#include "services/apigateway/rest_common.h"

namespace nimbus::apigateway {
namespace {

constexpr std::string_view kApiPaths[] = {"/name", "/description", "/version", "/apiKeySource", "/policy",
                                          "/minimumCompressionSize", "/disableExecuteApiEndpoint",
                                          "/binaryMediaTypes/*", "/endpointConfiguration/types/*"};

Json api_view(const Json& document) {
  Json view = document["api"];
  if (view.value("tags", Json::object()).empty()) view.erase("tags");
  return view;
}

void check_api_settings(const Json& in) {
  if (in.contains("description") && in["description"].is_string() && in["description"].get<std::string>().empty()) {
    throw errors::bad_request("Description cannot be an empty string");
  }
  if (in.contains("minimumCompressionSize") && !in["minimumCompressionSize"].is_null()) {
    const Json& size = in["minimumCompressionSize"];
    if (!size.is_number_integer() || size.get<int64_t>() < 0 || size.get<int64_t>() > 10485760) {
      throw errors::bad_request("Invalid minimum compression size, must be between 0 and 10485760");
    }
  }
  if (in.contains("apiKeySource")) {
    std::string source = in["apiKeySource"];
    if (source != "HEADER" && source != "AUTHORIZER") {
      throw errors::bad_request("Invalid API Key source specified. Must be one of: [HEADER, AUTHORIZER]");
    }
  }
  if (in.contains("endpointConfiguration")) {
    for (const auto& type : in["endpointConfiguration"].value("types", Json::array())) {
      if (type != "EDGE" && type != "REGIONAL" && type != "PRIVATE") {
        throw errors::bad_request("Invalid endpoint configuration type. Must be one of: [EDGE, REGIONAL, PRIVATE]");
      }
    }
  }
}

// CreateRestApi's endpointConfiguration with AWS's defaults: EDGE, and ipAddressType ipv4
// (dualstack for PRIVATE APIs).
Json endpoint_configuration(const Json& in) {
  Json configuration = in.value("endpointConfiguration", Json::object());
  if (!configuration.is_object()) configuration = Json::object();
  if (!configuration.contains("types") || configuration["types"].empty()) configuration["types"] = {"EDGE"};
  if (!configuration.contains("ipAddressType")) {
    configuration["ipAddressType"] = configuration["types"].front() == "PRIVATE" ? "dualstack" : "ipv4";
  }
  return configuration;
}

// UpdateRestApi: "/minimumCompressionSize" arrives as a string; "/binaryMediaTypes" alone is no path.
void check_api_patch(const Json& operations) {
  if (!operations.is_array()) return;
  for (const auto& operation : operations) {
    if (operation.value("path", "") == "/binaryMediaTypes") {
      throw errors::bad_request("Invalid patch path /binaryMediaTypes");
    }
  }
}

void type_compression_size(Json& api) {
  if (!api.contains("minimumCompressionSize") || !api["minimumCompressionSize"].is_string()) return;
  std::string text = api["minimumCompressionSize"];
  if (text.empty()) {
    api.erase("minimumCompressionSize");
    return;
  }
  try {
    size_t used = 0;
    long long size = std::stoll(text, &used);
    if (used != text.size()) throw std::invalid_argument("trailing");
    api["minimumCompressionSize"] = size;
  } catch (const std::exception&) {
    throw errors::bad_request("Invalid minimum compression size, must be between 0 and 10485760");
  }
}

}  // namespace

Json RestApiService::new_api_document(const RequestContext& context, const Json& in) {
  check_api_settings(in);
  std::string id = random_id(10);
  std::string root = random_id(10);
  Json api = {{"id", id},
              {"name", in.value("name", "")},
              {"createdDate", now_seconds(clock_)},
              {"apiKeySource", in.value("apiKeySource", "HEADER")},
              {"endpointConfiguration", endpoint_configuration(in)},
              {"disableExecuteApiEndpoint", in.value("disableExecuteApiEndpoint", false)},
              {"rootResourceId", root},
              {"tags", in.value("tags", Json::object())}};
  for (const char* member : {"description", "version", "binaryMediaTypes", "minimumCompressionSize", "policy"}) {
    if (in.contains(member)) api[member] = in[member];
  }
  Json resources = Json::object();
  resources[root] = {{"id", root}, {"path", "/"}};
  // Every new API has the Empty and Error models.
  Json models = {
      {"Empty", {{"id", random_id(6)}, {"name", "Empty"}, {"contentType", "application/json"},
                 {"description", "This is a default empty schema model"},
                 {"schema", "{\n  \"$schema\": \"http://json-schema.org/draft-04/schema#\",\n  \"title\" : \"Empty "
                            "Schema\",\n  \"type\" : \"object\"\n}"}}},
      {"Error", {{"id", random_id(6)}, {"name", "Error"}, {"contentType", "application/json"},
                 {"description", "This is a default error schema model"},
                 {"schema", "{\n  \"$schema\" : \"http://json-schema.org/draft-04/schema#\",\n  \"title\" : \"Error "
                            "Schema\",\n  \"type\" : \"object\",\n  \"properties\" : {\n    \"message\" : { \"type\" : "
                            "\"string\" }\n  }\n}"}}}};
  return {{"api", api},
          {"resources", resources},
          {"authorizers", Json::object()},
          {"models", models},
          {"requestValidators", Json::object()},
          {"gatewayResponses", Json::object()},
          {"deployments", Json::object()},
          {"stages", Json::object()}};
}

awaitable<Json> RestApiService::store_new_api(const RequestContext& context, Json document) {
  std::string id = document["api"]["id"];
  storage::RecordTable::Change create = [&](std::optional<Json>& record) { record = document; };
  auto updated = apis_.update(api_key(context, id), create);
  {
    std::lock_guard lock(index_mutex_);
    api_owners_[id] = {context.account_id, context.region};
  }
  ++generation_;
  co_await updated.first->wait();
  co_return api_view(document);
}

awaitable<Json> RestApiService::create_rest_api(RequestContext& context, const Json& in) {
  if (in.value("name", "").empty()) throw errors::bad_request("Invalid REST API name specified");
  Json document = new_api_document(context, in);
  if (in.contains("cloneFrom")) {
    // The clone copies the source's resources, methods and children, not its deployments/stages.
    Json source = api_document(context, in["cloneFrom"].get<std::string>());
    for (const char* part : {"resources", "authorizers", "models", "requestValidators", "gatewayResponses"}) {
      document[part] = source[part];
    }
    document["api"]["rootResourceId"] = source["api"]["rootResourceId"];
    for (const char* member : {"binaryMediaTypes", "minimumCompressionSize", "policy", "apiKeySource"}) {
      if (source["api"].contains(member) && !in.contains(member)) document["api"][member] = source["api"][member];
    }
  }
  co_return co_await store_new_api(context, std::move(document));
}

awaitable<Json> RestApiService::get_rest_api(RequestContext& context, const Json& in) {
  co_return api_view(api_document(context, in.value("restApiId", "")));
}

awaitable<Json> RestApiService::get_rest_apis(RequestContext& context, const Json& in) {
  std::vector<Json> items;
  for (const auto& entry : apis_.list(scope(context))) items.push_back(api_view(entry.second));
  std::sort(items.begin(), items.end(), [](const Json& a, const Json& b) {
    return a.value("createdDate", 0.0) < b.value("createdDate", 0.0) ||
           (a.value("createdDate", 0.0) == b.value("createdDate", 0.0) && a.value("id", "") < b.value("id", ""));
  });
  co_return page(items, in);
}

awaitable<Json> RestApiService::update_rest_api(RequestContext& context, const Json& in) {
  std::vector<std::string_view> allowed(std::begin(kApiPaths), std::end(kApiPaths));
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    check_api_patch(in.value("patchOperations", Json::array()));
    apply_patch(document["api"], in.value("patchOperations", Json::array()), allowed);
    type_compression_size(document["api"]);
    check_api_settings(document["api"]);
    return api_view(document);
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::delete_rest_api(RequestContext& context, const Json& in) {
  std::string id = in.value("restApiId", "");
  storage::RecordTable::Change remove = [&](std::optional<Json>& record) {
    if (!record) throw errors::api_not_found(context.account_id, id);
    record.reset();
  };
  auto updated = apis_.update(api_key(context, id), remove);
  {
    std::lock_guard lock(index_mutex_);
    api_owners_.erase(id);
  }
  ++generation_;
  co_await updated.first->wait();
  co_return Json::object();
}

awaitable<Json> RestApiService::import_rest_api(RequestContext& context, const Json& in) {
  auto imported = import_openapi(in.value("body", ""), in.value("failOnWarnings", false));
  Json settings = imported.settings;
  if (in.contains("parameters")) {
    const auto& parameters = in["parameters"];
    if (parameters.contains("endpointConfigurationTypes")) {
      settings["endpointConfiguration"] = {{"types", {parameters["endpointConfigurationTypes"]}}};
    }
  }
  Json document = new_api_document(context, settings);
  merge_import(document, imported, /*overwrite=*/true);
  Json out = co_await store_new_api(context, std::move(document));
  if (!imported.warnings.empty()) out["warnings"] = imported.warnings;
  co_return out;
}

awaitable<Json> RestApiService::put_rest_api(RequestContext& context, const Json& in) {
  auto imported = import_openapi(in.value("body", ""), in.value("failOnWarnings", false));
  bool overwrite = in.value("mode", "merge") == "overwrite";
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    merge_import(document, imported, overwrite);
    return api_view(document);
  });
  co_await changed.commit->wait();
  Json out = std::move(changed.result);
  if (!imported.warnings.empty()) out["warnings"] = imported.warnings;
  co_return out;
}

awaitable<Json> RestApiService::get_export(RequestContext& context, const Json& in) {
  Json document = api_document(context, in.value("restApiId", ""));
  std::string stage = in.value("stageName", "");
  if (!document["stages"].contains(stage)) throw errors::stage_not_found();
  std::string type = in.value("exportType", "");
  if (type != "oas30" && type != "swagger") {
    throw errors::bad_request("Invalid export type specified. Must be one of: [oas30, swagger]");
  }
  std::string accepts = in.value("accepts", "application/json");
  bool yaml = accepts.find("yaml") != std::string::npos;
  Json parameters = in.value("parameters", Json::object());
  std::string extensions = parameters.value("extensions", "");
  const Json& stage_record = document["stages"][stage];
  const Json& deployment = document["deployments"][stage_record.value("deploymentId", "")];
  Json spec = export_openapi(document["api"], deployment.value("snapshot", Json::object()), stage_record,
                             type == "oas30", extensions, context.region);
  std::string body = yaml ? json_to_yaml(spec) : spec.dump(2);
  co_return Json{{"contentType", yaml ? "application/yaml" : "application/json"},
                 {"contentDisposition", "attachment; filename=\"" + type + "_" + document["api"].value("id", "") +
                                            "_" + stage + (yaml ? ".yaml\"" : ".json\"")},
                 {"body", body}};
}

}  // namespace nimbus::apigateway
