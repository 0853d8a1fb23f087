// SearchSchemas (keywords against names and contents), GetDiscoveredSchema (inference from
// sample events, schema_infer.h) and ExportSchema (OpenApi3 → JSONSchemaDraft4, schema_export.h).

#include <algorithm>
#include <cctype>
#include <sstream>

#include "services/schemas/schema_export.h"
#include "services/schemas/schema_infer.h"
#include "services/schemas/schema_record.h"
#include "services/schemas/schemas_errors.h"
#include "services/schemas/schemas_service.h"

namespace nimbus::schemas {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// Every keyword (split on blanks, case-insensitive) in the schema's name or one version's content.
bool matches(const Json& record, const std::vector<std::string>& keywords) {
  std::string haystack = lower(record.value("SchemaName", ""));
  for (const auto& version : record["Versions"]) haystack += "\n" + lower(version.value("Content", ""));
  return std::all_of(keywords.begin(), keywords.end(),
                     [&](const std::string& keyword) { return haystack.find(keyword) != std::string::npos; });
}

}  // namespace

awaitable<Json> SchemasService::search_schemas(RequestContext& context, const Json& in) {
  std::string registry = in.value("RegistryName", "");
  registry_record(context, registry);
  std::vector<std::string> keywords;
  std::istringstream words(lower(in.value("Keywords", "")));
  for (std::string word; words >> word;) keywords.push_back(word);
  if (keywords.empty()) throw errors::bad_request("Keywords must not be empty.");
  std::vector<Json> listed;
  for (const auto& entry : schemas_.list(scope(context) + registry + "/")) {
    const Json& record = entry.second;
    if (!matches(record, keywords)) continue;
    Json versions = Json::array();
    for (const auto& version : record["Versions"]) {
      versions.push_back({{"SchemaVersion", version["SchemaVersion"]},
                          {"Type", version["Type"]},
                          {"CreatedDate", timestamp(version.value("CreatedMs", int64_t{0}))}});
    }
    listed.push_back({{"RegistryName", registry},
                      {"SchemaName", record["SchemaName"]},
                      {"SchemaArn", record["SchemaArn"]},
                      {"SchemaVersions", versions}});
  }
  co_return list_page(listed, in, "Schemas");
}

awaitable<Json> SchemasService::get_discovered_schema(RequestContext&, const Json& in) {
  std::string type = in.value("Type", "");
  if (type != kOpenApi3) {
    if (type == kJsonSchemaDraft4) throw errors::bad_request("Only OpenApi3 schemas can be discovered from events.");
    throw errors::invalid_type(type);
  }
  std::vector<Json> events;
  for (const auto& text : in.value("Events", Json::array())) {
    auto event = Json::parse(text.is_string() ? text.get<std::string>() : std::string(), nullptr, false);
    if (event.is_discarded() || !event.is_object()) throw errors::invalid_event();
    events.push_back(std::move(event));
  }
  if (events.empty()) throw errors::invalid_event();
  co_return Json{{"Content", infer_openapi(events).dump()}};
}

awaitable<Json> SchemasService::export_schema(RequestContext& context, const Json& in) {
  std::string name = in.value("SchemaName", "");
  std::string version = in.value("SchemaVersion", "");
  std::string type = in.value("Type", "");
  Json record = schema_record(context, in.value("RegistryName", ""), name);
  const Json* found = find_version(record, version);
  if (!found) throw errors::version_not_found(name, version);
  if (type != kJsonSchemaDraft4) throw errors::invalid_type(type);
  std::string content = found->value("Content", "");
  if (found->value("Type", "") == kOpenApi3) {
    auto document = Json::parse(content, nullptr, false);
    try {
      content = openapi_to_draft4(document).dump();
    } catch (const std::invalid_argument&) {
      throw errors::bad_request("The schema cannot be exported: it has no components.schemas.");
    }
  }
  co_return Json{{"Content", content},
                 {"SchemaArn", record["SchemaArn"]},
                 {"SchemaName", record["SchemaName"]},
                 {"SchemaVersion", (*found)["SchemaVersion"]},
                 {"Type", type}};
}

}  // namespace nimbus::schemas
