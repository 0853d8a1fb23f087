#pragma once
// The stored schema record and its views: every version of a schema lives in its record.
//
//   {SchemaName, SchemaArn, RegistryName, Description?, Tags{}, LastModifiedMs, NextVersion,
//    Versions: [{SchemaVersion: "1", Type, Content (text), CreatedMs}, ...] (oldest first)}

#include <nlohmann/json.hpp>
#include <string>

namespace nimbus::schemas {

using Json = nlohmann::json;

Json new_schema_record(const std::string& registry, const std::string& name, const std::string& arn, int64_t now_ms);
// Appends a version (numbered from the record's NextVersion) and returns its number.
std::string add_version(Json& record, const std::string& type, const std::string& content, int64_t now_ms);
// The version `version` names, or the latest when it is empty; nullptr when absent.
const Json* find_version(const Json& record, const std::string& version);
// DescribeSchema / CreateSchema / UpdateSchema's answer for one version.
Json schema_view(const Json& record, const Json& version, bool with_content);
// Checks Type and that Content is a JSON document (BadRequestException otherwise).
void check_content(const std::string& type, const std::string& content);

}  // namespace nimbus::schemas
