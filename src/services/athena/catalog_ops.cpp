// The data catalog as Athena shows it: AwsDataCatalog is the account's Glue Data Catalog, read
// through Glue's own operations.
#include "services/athena/athena_errors.h"
#include "services/athena/athena_service.h"

namespace nimbus::athena {

namespace {

constexpr const char* kCatalog = "AwsDataCatalog";

void check_catalog(const Json& in, const char* member = "CatalogName") {
  std::string name = in.value(member, kCatalog);
  if (name != kCatalog && name != "awsdatacatalog") {
    throw AwsError(400, "MetadataException", "Catalog " + name + " is not found.");
  }
}


Json database_of(const Json& glue) {
  Json out = {{"Name", glue.value("Name", "")}, {"Parameters", glue.value("Parameters", Json::object())}};
  if (glue.contains("Description")) out["Description"] = glue["Description"];
  return out;
}

Json table_metadata(const Json& glue) {
  Json columns = Json::array();
  const auto& sd = glue.value("StorageDescriptor", Json::object());
  for (const auto& column : sd.value("Columns", Json::array())) {
    Json out = {{"Name", column.value("Name", "")}, {"Type", column.value("Type", "")}};
    if (column.contains("Comment")) out["Comment"] = column["Comment"];
    columns.push_back(out);
  }
  Json keys = Json::array();
  for (const auto& key : glue.value("PartitionKeys", Json::array())) {
    keys.push_back({{"Name", key.value("Name", "")}, {"Type", key.value("Type", "")}});
  }
  Json parameters = glue.value("Parameters", Json::object());
  if (sd.contains("Location")) parameters["location"] = sd["Location"];
  if (sd.contains("InputFormat")) parameters["inputformat"] = sd["InputFormat"];
  if (sd.contains("OutputFormat")) parameters["outputformat"] = sd["OutputFormat"];
  if (sd.contains("SerdeInfo") && sd["SerdeInfo"].contains("SerializationLibrary")) {
    parameters["serde.serialization.lib"] = sd["SerdeInfo"]["SerializationLibrary"];
  }
  Json out = {{"Name", glue.value("Name", "")}, {"Columns", columns}, {"PartitionKeys", keys},
              {"Parameters", parameters}};
  if (glue.contains("CreateTime")) out["CreateTime"] = glue["CreateTime"];
  if (glue.contains("LastAccessTime")) out["LastAccessTime"] = glue["LastAccessTime"];
  if (glue.contains("TableType")) out["TableType"] = glue["TableType"];
  return out;
}

}  // namespace

awaitable<Json> AthenaService::catalog_call(RequestContext& context, const delivery::Target& target) {
  std::optional<std::string> refused;
  Json answer;
  try {
    answer = co_await call_(target, context);
  } catch (const AwsError& error) {
    refused = error.message;
  }
  // Glue's refusals (an unknown database or table) are Athena's MetadataException.
  if (refused) throw AwsError(400, "MetadataException", *refused);
  co_return answer;
}

awaitable<Json> AthenaService::list_data_catalogs(RequestContext&, const Json&) {
  co_return Json{{"DataCatalogsSummary", Json::array({{{"CatalogName", kCatalog}, {"Type", "GLUE"}}})}};
}

awaitable<Json> AthenaService::get_data_catalog(RequestContext& context, const Json& in) {
  check_catalog(in, "Name");
  co_return Json{{"DataCatalog",
                  {{"Name", kCatalog}, {"Type", "GLUE"}, {"Parameters", {{"catalog-id", context.account_id}}}}}};
}

awaitable<Json> AthenaService::list_databases(RequestContext& context, const Json& in) {
  check_catalog(in);
  Json request = Json::object();
  if (in.contains("NextToken")) request["NextToken"] = in["NextToken"];
  if (in.contains("MaxResults")) request["MaxResults"] = in["MaxResults"];
  delivery::Target target{"glue", "GetDatabases", context.account_id, context.region, request};
  Json page = co_await call_(target, context);
  Json databases = Json::array();
  for (const auto& database : page.value("DatabaseList", Json::array())) databases.push_back(database_of(database));
  Json out = {{"DatabaseList", databases}};
  if (page.contains("NextToken")) out["NextToken"] = page["NextToken"];
  co_return out;
}

awaitable<Json> AthenaService::get_database(RequestContext& context, const Json& in) {
  check_catalog(in);
  delivery::Target target{"glue", "GetDatabase", context.account_id, context.region,
                          {{"Name", in.value("DatabaseName", "")}}};
  Json found = co_await catalog_call(context, target);
  co_return Json{{"Database", database_of(found.value("Database", Json::object()))}};
}

awaitable<Json> AthenaService::list_table_metadata(RequestContext& context, const Json& in) {
  check_catalog(in);
  Json request = {{"DatabaseName", in.value("DatabaseName", "")}};
  for (const char* member : {"Expression", "NextToken", "MaxResults"}) {
    if (in.contains(member)) request[member] = in[member];
  }
  delivery::Target target{"glue", "GetTables", context.account_id, context.region, request};
  Json page = co_await catalog_call(context, target);
  Json tables = Json::array();
  for (const auto& table : page.value("TableList", Json::array())) tables.push_back(table_metadata(table));
  Json out = {{"TableMetadataList", tables}};
  if (page.contains("NextToken")) out["NextToken"] = page["NextToken"];
  co_return out;
}

awaitable<Json> AthenaService::get_table_metadata(RequestContext& context, const Json& in) {
  check_catalog(in);
  delivery::Target target{"glue", "GetTable", context.account_id, context.region,
                          {{"DatabaseName", in.value("DatabaseName", "")}, {"Name", in.value("TableName", "")}}};
  Json found = co_await catalog_call(context, target);
  co_return Json{{"TableMetadata", table_metadata(found.value("Table", Json::object()))}};
}

}  // namespace nimbus::athena
