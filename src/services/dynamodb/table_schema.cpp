#include "services/dynamodb/table_schema.h"

#include <algorithm>
#include <map>
#include <set>

#include "services/dynamodb/dynamodb_errors.h"

namespace nimbus::dynamodb {
namespace {

constexpr size_t kMaxLocalIndexes = 5;
constexpr size_t kMaxGlobalIndexes = 20;
constexpr size_t kMaxProjectedAttributes = 100;

const Json& member(const Json& object, const char* name) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(name);
  return it == object.end() ? kNull : *it;
}

std::string text(const Json& value) { return value.is_string() ? value.get<std::string>() : std::string(); }

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// The key schema's attribute names, checked for DynamoDB's shape: HASH first, then an optional
// RANGE of another attribute.
std::vector<std::string> key_names(const Json& key_schema, const std::string& what) {
  if (!key_schema.is_array() || key_schema.empty() || key_schema.size() > 2) {
    throw errors::invalid_parameter(what + " KeySchema must have 1 or 2 elements");
  }
  std::vector<std::string> names;
  for (size_t i = 0; i < key_schema.size(); ++i) {
    std::string type = text(member(key_schema[i], "KeyType"));
    if (i == 0 && type != "HASH") throw errors::validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
    if (i == 1 && type != "RANGE") throw errors::validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
    names.push_back(text(member(key_schema[i], "AttributeName")));
  }
  if (names.size() == 2 && names[0] == names[1]) {
    throw errors::validation("Both the Hash Key and the Range Key element in the KeySchema have the same name");
  }
  return names;
}

Json provisioned_description(const Json& throughput) {
  return {{"NumberOfDecreasesToday", 0},
          {"ReadCapacityUnits", member(throughput, "ReadCapacityUnits").is_number() ? member(throughput, "ReadCapacityUnits") : Json(0)},
          {"WriteCapacityUnits", member(throughput, "WriteCapacityUnits").is_number() ? member(throughput, "WriteCapacityUnits") : Json(0)}};
}

void check_throughput(const Json& throughput, const std::string& where) {
  for (const char* field : {"ReadCapacityUnits", "WriteCapacityUnits"}) {
    const Json& units = member(throughput, field);
    if (!units.is_number_integer() || units.get<int64_t>() < 1) {
      throw errors::validation("One or more parameter values were invalid: " + std::string(field) +
                               " for " + where + " must be greater than 0. Current value: " +
                               (units.is_number() ? units.dump() : "null"));
    }
  }
}

Json check_projection(const Json& projection, const std::string& index_name) {
  std::string type = text(member(projection, "ProjectionType"));
  if (type.empty()) type = "ALL";  // ProjectionType is optional in the model; DynamoDB's default
  const Json& non_key = member(projection, "NonKeyAttributes");
  if (type == "INCLUDE" && (!non_key.is_array() || non_key.empty())) {
    throw errors::invalid_parameter("ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
  }
  if (type != "INCLUDE" && non_key.is_array()) {
    throw errors::invalid_parameter("ProjectionType is " + type + ", but NonKeyAttributes is specified");
  }
  Json out = {{"ProjectionType", type}};
  if (type == "INCLUDE") {
    std::set<std::string> seen;
    for (const auto& name : non_key) {
      if (!seen.insert(text(name)).second) {
        throw errors::invalid_parameter("Duplicate NonKeyAttributes: " + text(name) + " in index " + index_name);
      }
    }
    out["NonKeyAttributes"] = non_key;
  }
  return out;
}

std::string index_arn(const std::string& table_arn, const std::string& index) { return table_arn + "/index/" + index; }

}  // namespace

const IndexSchema* TableSchema::find_index(std::string_view index_name) const {
  for (const auto& index : indexes) {
    if (index.name == index_name) return &index;
  }
  return nullptr;
}

bool TableSchema::is_table_key(std::string_view attribute) const {
  return hash.name == attribute || (range && range->name == attribute);
}

TableSchema TableSchema::from_description(const Json& description) {
  std::map<std::string, std::string> types;
  for (const auto& definition : member(description, "AttributeDefinitions")) {
    types[text(member(definition, "AttributeName"))] = text(member(definition, "AttributeType"));
  }
  auto keys = [&](const Json& key_schema, KeyAttribute& hash, std::optional<KeyAttribute>& range) {
    for (const auto& element : key_schema) {
      KeyAttribute key{text(member(element, "AttributeName")), {}};
      key.type = types[key.name];
      if (text(member(element, "KeyType")) == "HASH") {
        hash = key;
      } else {
        range = key;
      }
    }
  };
  TableSchema schema;
  schema.name = text(member(description, "TableName"));
  schema.id = text(member(description, "TableId"));
  keys(member(description, "KeySchema"), schema.hash, schema.range);
  for (const char* kind : {"LocalSecondaryIndexes", "GlobalSecondaryIndexes"}) {
    for (const auto& index_description : member(description, kind)) {
      IndexSchema index;
      index.name = text(member(index_description, "IndexName"));
      index.global = std::string_view(kind) == "GlobalSecondaryIndexes";
      keys(member(index_description, "KeySchema"), index.hash, index.range);
      const Json& projection = member(index_description, "Projection");
      index.projection = text(member(projection, "ProjectionType"));
      for (const auto& name : member(projection, "NonKeyAttributes")) index.non_key.push_back(text(name));
      schema.indexes.push_back(std::move(index));
    }
  }
  return schema;
}

Json describe_new_table(const Json& input, const NewTable& table) {
  std::string table_name = text(member(input, "TableName"));
  std::vector<std::string> table_keys = key_names(member(input, "KeySchema"), "Table");

  // Attribute definitions: each named once, and exactly the key attributes used anywhere.
  std::map<std::string, std::string> defined;
  std::vector<std::string> definition_names;
  for (const auto& definition : member(input, "AttributeDefinitions")) {
    std::string name = text(member(definition, "AttributeName"));
    if (!defined.emplace(name, text(member(definition, "AttributeType"))).second) {
      throw errors::invalid_parameter("Duplicate AttributeName " + name + " in AttributeDefinitions");
    }
    definition_names.push_back(name);
  }
  std::set<std::string> used;
  auto require_defined = [&](const std::vector<std::string>& keys) {
    std::vector<std::string> missing;
    for (const auto& key : keys) {
      used.insert(key);
      if (!defined.count(key)) missing.push_back(key);
    }
    if (!missing.empty()) {
      throw errors::invalid_parameter("Some index key attributes are not defined in AttributeDefinitions. Keys: [" +
                                      join_names(missing) + "], AttributeDefinitions: [" +
                                      join_names(definition_names) + "]");
    }
  };
  require_defined(table_keys);

  // Billing.
  std::string billing = text(member(input, "BillingMode"));
  if (billing.empty()) billing = "PROVISIONED";
  const Json& throughput = member(input, "ProvisionedThroughput");
  if (billing == "PAY_PER_REQUEST" && throughput.is_object()) {
    throw errors::invalid_parameter(
        "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
  }
  if (billing == "PROVISIONED") {
    if (!throughput.is_object()) throw errors::validation("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
    check_throughput(throughput, "table");
  }

  const std::string& table_arn = table.arn;
  Json description = {{"AttributeDefinitions", member(input, "AttributeDefinitions")},
                      {"TableName", table_name},
                      {"KeySchema", member(input, "KeySchema")},
                      {"TableStatus", "ACTIVE"},
                      {"CreationDateTime", table.created},
                      {"ProvisionedThroughput", provisioned_description(throughput)},
                      {"TableSizeBytes", 0},
                      {"ItemCount", 0},
                      {"TableArn", table_arn},
                      {"TableId", table.id},
                      {"DeletionProtectionEnabled", member(input, "DeletionProtectionEnabled").is_boolean()
                                                        ? member(input, "DeletionProtectionEnabled")
                                                        : Json(false)}};
  if (billing == "PAY_PER_REQUEST") {
    description["BillingModeSummary"] = {{"BillingMode", billing}, {"LastUpdateToPayPerRequestDateTime", table.created}};
  }

  std::set<std::string> index_names;
  const Json& locals = member(input, "LocalSecondaryIndexes");
  if (locals.is_array()) {
    if (locals.size() > kMaxLocalIndexes) {
      throw errors::invalid_parameter("LocalSecondaryIndexes exceeds the maximum allowed number of 5");
    }
    if (table_keys.size() < 2) {
      throw errors::invalid_parameter(
          "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex");
    }
    Json out = Json::array();
    for (const auto& index : locals) {
      std::string name = text(member(index, "IndexName"));
      if (!index_names.insert(name).second) throw errors::invalid_parameter("Duplicate index name: " + name);
      auto keys = key_names(member(index, "KeySchema"), "Index");
      if (keys.size() != 2) {
        throw errors::invalid_parameter("Index KeySchema does not have a range key for index: " + name);
      }
      if (keys[0] != table_keys[0]) {
        throw errors::invalid_parameter("Index KeySchema does not have the same leading hash key as table KeySchema for index: " +
                                        name + ". index hash key: " + keys[0] + ", table hash key: " + table_keys[0]);
      }
      require_defined(keys);
      out.push_back({{"IndexName", name},
                     {"KeySchema", member(index, "KeySchema")},
                     {"Projection", check_projection(member(index, "Projection"), name)},
                     {"IndexSizeBytes", 0},
                     {"ItemCount", 0},
                     {"IndexArn", index_arn(table_arn, name)}});
    }
    description["LocalSecondaryIndexes"] = std::move(out);
  }

  const Json& globals = member(input, "GlobalSecondaryIndexes");
  if (globals.is_array()) {
    if (globals.size() > kMaxGlobalIndexes) {
      throw errors::limit_exceeded("Subscriber limit exceeded: The number of global secondary indexes exceeds the limit of 20");
    }
    Json out = Json::array();
    for (const auto& index : globals) {
      std::string name = text(member(index, "IndexName"));
      if (!index_names.insert(name).second) throw errors::invalid_parameter("Duplicate index name: " + name);
      auto keys = key_names(member(index, "KeySchema"), "Index");
      require_defined(keys);
      const Json& index_throughput = member(index, "ProvisionedThroughput");
      if (billing == "PROVISIONED") {
        if (!index_throughput.is_object()) {
          throw errors::invalid_parameter("ProvisionedThroughput must be specified for index: " + name);
        }
        check_throughput(index_throughput, "index " + name);
      } else if (index_throughput.is_object()) {
        throw errors::invalid_parameter("ProvisionedThroughput should not be specified for index: " + name +
                                        " when BillingMode is PAY_PER_REQUEST");
      }
      out.push_back({{"IndexName", name},
                     {"KeySchema", member(index, "KeySchema")},
                     {"Projection", check_projection(member(index, "Projection"), name)},
                     {"IndexStatus", "ACTIVE"},
                     {"ProvisionedThroughput", provisioned_description(index_throughput)},
                     {"IndexSizeBytes", 0},
                     {"ItemCount", 0},
                     {"IndexArn", index_arn(table_arn, name)}});
    }
    description["GlobalSecondaryIndexes"] = std::move(out);
  }

  size_t projected = 0;
  for (const char* kind : {"LocalSecondaryIndexes", "GlobalSecondaryIndexes"}) {
    for (const auto& index : member(description, kind)) projected += member(index["Projection"], "NonKeyAttributes").size();
  }
  if (projected > kMaxProjectedAttributes) {
    throw errors::invalid_parameter("The number of attributes in projections across all secondary indexes exceeds the limit of 100");
  }

  if (used.size() != defined.size()) {
    if (index_names.empty()) {
      throw errors::invalid_parameter(
          "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions");
    }
    std::vector<std::string> used_names(used.begin(), used.end());
    throw errors::invalid_parameter("Some AttributeDefinitions are not used. AttributeDefinitions: [" +
                                    join_names(definition_names) + "], keys used: [" + join_names(used_names) + "]");
  }

  const Json& stream = member(input, "StreamSpecification");
  if (stream.is_object() && member(stream, "StreamEnabled") == true) {
    if (!member(stream, "StreamViewType").is_string()) {
      throw errors::validation("One or more parameter values were invalid: You must specify a StreamViewType when enabling a stream");
    }
    description["StreamSpecification"] = stream;
  } else if (stream.is_object() && member(stream, "StreamViewType").is_string()) {
    throw errors::validation("One or more parameter values were invalid: StreamViewType cannot be specified when StreamEnabled is false");
  }

  const Json& sse = member(input, "SSESpecification");
  if (sse.is_object() && member(sse, "Enabled") == true) {
    std::string key = text(member(sse, "KMSMasterKeyId"));
    if (key.empty()) key = "alias/aws/dynamodb";
    std::string key_arn = key.starts_with("arn:") ? key : table_arn.substr(0, table_arn.find(":table/")) + ":key/" + key;
    key_arn.replace(key_arn.find(":dynamodb:"), 10, ":kms:");
    description["SSEDescription"] = {{"Status", "ENABLED"}, {"SSEType", "KMS"}, {"KMSMasterKeyArn", key_arn}};
  }
  if (member(input, "TableClass").is_string()) {
    description["TableClassSummary"] = {{"TableClass", member(input, "TableClass")}};
  }
  return description;
}

Json describe_new_global_index(const Json& create, const Json& table_description, const Json& attribute_definitions) {
  std::string name = text(member(create, "IndexName"));
  for (const char* kind : {"LocalSecondaryIndexes", "GlobalSecondaryIndexes"}) {
    for (const auto& index : member(table_description, kind)) {
      if (text(member(index, "IndexName")) == name) {
        throw errors::validation("One or more parameter values were invalid: Index with name: " + name + " already exists");
      }
    }
  }
  if (member(table_description, "GlobalSecondaryIndexes").size() >= kMaxGlobalIndexes) {
    throw errors::limit_exceeded("Subscriber limit exceeded: The number of global secondary indexes exceeds the limit of 20");
  }
  auto keys = key_names(member(create, "KeySchema"), "Index");
  for (const auto& key : keys) {
    bool found = false;
    for (const auto& definition : attribute_definitions) found = found || text(member(definition, "AttributeName")) == key;
    if (!found) {
      throw errors::validation("One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [" +
                               join_names(keys) + "], AttributeDefinitions: []");
    }
  }
  bool on_demand = member(member(table_description, "BillingModeSummary"), "BillingMode") == "PAY_PER_REQUEST";
  const Json& throughput = member(create, "ProvisionedThroughput");
  if (!on_demand) {
    if (!throughput.is_object()) throw errors::invalid_parameter("ProvisionedThroughput must be specified for index: " + name);
    check_throughput(throughput, "index " + name);
  }
  return {{"IndexName", name},
          {"KeySchema", member(create, "KeySchema")},
          {"Projection", check_projection(member(create, "Projection"), name)},
          {"IndexStatus", "ACTIVE"},
          {"ProvisionedThroughput", provisioned_description(throughput)},
          {"IndexSizeBytes", 0},
          {"ItemCount", 0},
          {"IndexArn", index_arn(text(member(table_description, "TableArn")), name)}};
}

Json project_into_index(const Json& item, const TableSchema& table, const IndexSchema& index) {
  if (index.projection == "ALL") return item;
  Json out = Json::object();
  auto keep = [&](const std::string& name) {
    auto it = item.find(name);
    if (it != item.end()) out[name] = *it;
  };
  keep(table.hash.name);
  if (table.range) keep(table.range->name);
  keep(index.hash.name);
  if (index.range) keep(index.range->name);
  for (const auto& name : index.non_key) keep(name);
  return out;
}

}  // namespace nimbus::dynamodb
