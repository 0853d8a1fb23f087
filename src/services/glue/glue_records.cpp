#include "services/glue/glue_records.h"

#include <algorithm>

#include "services/glue/glue_errors.h"
#include "services/glue/glue_names.h"

namespace nimbus::glue {
namespace {

// Copies the members of `input` named in `members` that are present.
void copy_members(Json& out, const Json& input, std::initializer_list<const char*> members) {
  for (const char* member : members) {
    auto it = input.find(member);
    if (it != input.end() && !it->is_null()) out[member] = *it;
  }
}

}  // namespace

std::string name_member(const Json& in, const char* member) {
  auto it = in.find(member);
  if (it == in.end() || !it->is_string() || !valid_name(it->get_ref<const std::string&>())) {
    throw errors::invalid_name(member);
  }
  return normalize_name(it->get<std::string>());
}

std::vector<std::string> string_list(const Json& value, const char* member) {
  if (!value.is_array())
    throw errors::invalid_input(std::string(member) + " must be a list of strings.");
  std::vector<std::string> out;
  for (const auto& item : value) {
    if (!item.is_string())
      throw errors::invalid_input(std::string(member) + " must be a list of strings.");
    out.push_back(item.get<std::string>());
  }
  return out;
}

size_t page_size(const Json& in, size_t fallback, size_t cap) {
  auto it = in.find("MaxResults");
  if (it == in.end() || !it->is_number_integer()) return fallback;
  return static_cast<size_t>(std::clamp<int64_t>(it->get<int64_t>(), 1, static_cast<int64_t>(cap)));
}

std::optional<std::string> next_token(const Json& in) {
  auto it = in.find("NextToken");
  if (it == in.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) return std::nullopt;
  auto decoded = decode_token(it->get<std::string>());
  if (!decoded) throw errors::invalid_token();
  return decoded;
}

Json database_record(const Json& input, const std::string& account, double now) {
  Json out = {{"Name", normalize_name(input.value("Name", ""))}};
  copy_members(out, input,
               {"Description", "LocationUri", "Parameters", "TargetDatabase", "FederatedDatabase"});
  out["CreateTime"] = now;
  // Glue grants IAM_ALLOWED_PRINCIPALS ALL on new tables unless told otherwise.
  if (input.contains("CreateTableDefaultPermissions")) {
    out["CreateTableDefaultPermissions"] = input["CreateTableDefaultPermissions"];
  } else {
    out["CreateTableDefaultPermissions"] =
        Json::array({{{"Principal", {{"DataLakePrincipalIdentifier", "IAM_ALLOWED_PRINCIPALS"}}},
                      {"Permissions", {"ALL"}}}});
  }
  out["CatalogId"] = account;
  return out;
}

Json table_record(const Json& input, const std::string& database, const std::string& account,
                  double created, double updated, uint64_t version) {
  Json out = {{"Name", normalize_name(input.value("Name", ""))}, {"DatabaseName", database}};
  copy_members(out, input,
               {"Description", "Owner", "LastAccessTime", "LastAnalyzedTime", "Retention",
                "StorageDescriptor", "PartitionKeys", "ViewOriginalText", "ViewExpandedText",
                "TableType", "Parameters", "TargetTable", "ViewDefinition"});
  if (!out.contains("PartitionKeys")) out["PartitionKeys"] = Json::array();
  out["CreateTime"] = created;
  out["UpdateTime"] = updated;
  out["IsRegisteredWithLakeFormation"] = false;
  out["CatalogId"] = account;
  out["VersionId"] = std::to_string(version);
  return out;
}

Json partition_record(const Json& input, const std::string& database, const std::string& table,
                      const std::string& account, double created) {
  Json out = {{"Values", input.value("Values", Json::array())},
              {"DatabaseName", database},
              {"TableName", table}};
  out["CreationTime"] = created;
  copy_members(out, input,
               {"LastAccessTime", "StorageDescriptor", "Parameters", "LastAnalyzedTime"});
  out["CatalogId"] = account;
  return out;
}

std::vector<expr::KeyColumn> key_columns(const Json& table) {
  std::vector<expr::KeyColumn> out;
  for (const auto& column : table.value("PartitionKeys", Json::array())) {
    if (!column.is_object()) continue;
    out.push_back({column.value("Name", ""), column.value("Type", "string")});
  }
  return out;
}

void check_value_count(const Json& table, const std::vector<std::string>& values) {
  if (values.size() != table.value("PartitionKeys", Json::array()).size())
    throw errors::partition_value_count();
}

}  // namespace nimbus::glue
