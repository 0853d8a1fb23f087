#include "services/schemas/schema_record.h"

#include "services/schemas/schemas_errors.h"
#include "services/schemas/schemas_names.h"

namespace nimbus::schemas {

Json new_schema_record(const std::string& registry, const std::string& name, const std::string& arn, int64_t now_ms) {
  return {{"SchemaName", name},      {"SchemaArn", arn},     {"RegistryName", registry}, {"Tags", Json::object()},
          {"LastModifiedMs", now_ms}, {"NextVersion", 1},     {"Versions", Json::array()}};
}

std::string add_version(Json& record, const std::string& type, const std::string& content, int64_t now_ms) {
  int64_t number = record.value("NextVersion", int64_t{1});
  std::string version = std::to_string(number);
  record["Versions"].push_back({{"SchemaVersion", version}, {"Type", type}, {"Content", content}, {"CreatedMs", now_ms}});
  record["NextVersion"] = number + 1;
  record["LastModifiedMs"] = now_ms;
  return version;
}

const Json* find_version(const Json& record, const std::string& version) {
  const Json& versions = record["Versions"];
  if (versions.empty()) return nullptr;
  if (version.empty()) return &versions.back();
  for (const auto& entry : versions) {
    if (entry.value("SchemaVersion", "") == version) return &entry;
  }
  return nullptr;
}

Json schema_view(const Json& record, const Json& version, bool with_content) {
  Json out = {{"SchemaName", record["SchemaName"]},
              {"SchemaArn", record["SchemaArn"]},
              {"SchemaVersion", version["SchemaVersion"]},
              {"Type", version["Type"]},
              {"VersionCreatedDate", timestamp(version.value("CreatedMs", int64_t{0}))},
              {"LastModified", timestamp(record.value("LastModifiedMs", int64_t{0}))},
              {"Tags", record.value("Tags", Json::object())}};
  if (record.contains("Description")) out["Description"] = record["Description"];
  if (with_content) out["Content"] = version["Content"];
  return out;
}

void check_content(const std::string& type, const std::string& content) {
  if (type != kOpenApi3 && type != kJsonSchemaDraft4) throw errors::invalid_type(type);
  auto parsed = Json::parse(content, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) throw errors::invalid_content();
}

}  // namespace nimbus::schemas
