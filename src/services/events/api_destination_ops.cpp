// API destinations: CreateApiDestination, DescribeApiDestination, ListApiDestinations,
// UpdateApiDestination, DeleteApiDestination. A destination is an HTTP endpoint, a method, a
// connection (its authorization) and an invocation rate limit; it is ACTIVE while its
// connection can authorize and INACTIVE once that is deauthorized or deleted.

#include "core/ids.h"
#include "services/events/events_errors.h"
#include "services/events/events_service.h"
#include "services/events/list_page.h"

namespace nimbus::events {
namespace {

constexpr int kDefaultRateLimit = 300;

double seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

std::string destination_not_found(const std::string& name) {
  return "Failed to describe the api-destination(s). An api-destination '" + name + "' does not exist.";
}

void check_endpoint(const Json& in) {
  if (!in.contains("InvocationEndpoint")) return;
  auto endpoint = in["InvocationEndpoint"].get<std::string>();
  if (!outbound::parse_url(endpoint)) {
    throw errors::validation("Invalid InvocationEndpoint: " + endpoint + " is not an HTTPS or HTTP URL.");
  }
}

void check_method(const Json& in) {
  if (!in.contains("HttpMethod")) return;
  static const std::set<std::string> kMethods = {"POST", "GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"};
  auto method = in["HttpMethod"].get<std::string>();
  if (!kMethods.contains(method)) {
    throw errors::validation("1 validation error detected: Value '" + method +
                             "' at 'httpMethod' failed to satisfy constraint: Member must satisfy enum value set: "
                             "[POST, GET, HEAD, OPTIONS, PUT, PATCH, DELETE]");
  }
}

void check_rate(const Json& in) {
  if (in.contains("InvocationRateLimitPerSecond") && in["InvocationRateLimitPerSecond"].get<int64_t>() < 1) {
    throw errors::validation("1 validation error detected: Value '" + in["InvocationRateLimitPerSecond"].dump() +
                             "' at 'invocationRateLimitPerSecond' failed to satisfy constraint: Member must have value "
                             "greater than or equal to 1");
  }
}

}  // namespace

std::string EventsService::api_destination_state(const Json& destination) const {
  auto connection = connection_by_arn(destination.value("ConnectionArn", ""));
  if (!connection || (*connection)["ConnectionState"] == "DEAUTHORIZED") return "INACTIVE";
  return "ACTIVE";
}

Json EventsService::describe_destination(const Json& record) const {
  return {{"ApiDestinationArn", record["ApiDestinationArn"]},
          {"Name", record["Name"]},
          {"ApiDestinationState", api_destination_state(record)},
          {"ConnectionArn", record["ConnectionArn"]},
          {"InvocationEndpoint", record["InvocationEndpoint"]},
          {"HttpMethod", record["HttpMethod"]},
          {"InvocationRateLimitPerSecond", record["InvocationRateLimitPerSecond"]},
          {"CreationTime", seconds(record["CreationMs"].get<int64_t>())},
          {"LastModifiedTime", seconds(record["ModifiedMs"].get<int64_t>())}};
}

awaitable<Json> EventsService::create_api_destination(RequestContext& context, const Json& in) {
  std::string name = in.value("Name", "");
  check_name(name, "name", 64);
  check_endpoint(in);
  check_method(in);
  check_rate(in);
  std::string connection_arn = in.value("ConnectionArn", "");
  if (!connection_by_arn(connection_arn)) {
    throw errors::not_found("Connection '" + connection_arn + "' does not exist.");
  }
  int64_t now = clock_.now_ms();
  auto updated = api_destinations_.update(archive_key(context, name), [&](std::optional<Json>& record) {
    if (record) throw errors::already_exists("An api-destination '" + name + "' already exists.");
    record = Json{{"Name", name},
                  {"ApiDestinationArn", "arn:aws:events:" + context.region + ":" + context.account_id +
                                            ":api-destination/" + name + "/" + ids::uuid4()},
                  {"Description", in.value("Description", "")},
                  {"ConnectionArn", connection_arn},
                  {"InvocationEndpoint", in.value("InvocationEndpoint", "")},
                  {"HttpMethod", in.value("HttpMethod", "")},
                  {"InvocationRateLimitPerSecond", in.value("InvocationRateLimitPerSecond", kDefaultRateLimit)},
                  {"CreationMs", now},
                  {"ModifiedMs", now}};
  });
  co_await updated.first->wait();
  const Json& record = *updated.second;
  co_return Json{{"ApiDestinationArn", record["ApiDestinationArn"]},
                 {"ApiDestinationState", api_destination_state(record)},
                 {"CreationTime", seconds(now)},
                 {"LastModifiedTime", seconds(now)}};
}

awaitable<Json> EventsService::describe_api_destination(RequestContext& context, const Json& in) {
  std::string name = in.value("Name", "");
  auto record = api_destinations_.get(archive_key(context, name));
  if (!record) throw errors::not_found(destination_not_found(name));
  Json out = describe_destination(*record);
  if (!record->value("Description", "").empty()) out["Description"] = (*record)["Description"];
  co_return out;
}

awaitable<Json> EventsService::list_api_destinations(RequestContext& context, const Json& in) {
  std::vector<Json> listed;
  for (const auto& [key, record] : api_destinations_.list(context.account_id + "/" + context.region + "/")) {
    if (record["Name"].get<std::string>().rfind(in.value("NamePrefix", ""), 0) != 0) continue;
    if (in.contains("ConnectionArn") && record["ConnectionArn"] != in["ConnectionArn"]) continue;
    listed.push_back(describe_destination(record));
  }
  co_return list_page(listed, in, "ApiDestinations");
}

awaitable<Json> EventsService::update_api_destination(RequestContext& context, const Json& in) {
  std::string name = in.value("Name", "");
  check_endpoint(in);
  check_method(in);
  check_rate(in);
  if (in.contains("ConnectionArn") && !connection_by_arn(in["ConnectionArn"].get<std::string>())) {
    throw errors::not_found("Connection '" + in["ConnectionArn"].get<std::string>() + "' does not exist.");
  }
  auto updated = api_destinations_.update(archive_key(context, name), [&](std::optional<Json>& record) {
    if (!record) throw errors::not_found(destination_not_found(name));
    for (const char* field : {"Description", "ConnectionArn", "InvocationEndpoint", "HttpMethod",
                              "InvocationRateLimitPerSecond"}) {
      if (in.contains(field)) (*record)[field] = in[field];
    }
    (*record)["ModifiedMs"] = clock_.now_ms();
  });
  co_await updated.first->wait();
  const Json& record = *updated.second;
  co_return Json{{"ApiDestinationArn", record["ApiDestinationArn"]},
                 {"ApiDestinationState", api_destination_state(record)},
                 {"CreationTime", seconds(record["CreationMs"].get<int64_t>())},
                 {"LastModifiedTime", seconds(record["ModifiedMs"].get<int64_t>())}};
}

awaitable<Json> EventsService::delete_api_destination(RequestContext& context, const Json& in) {
  std::string name = in.value("Name", "");
  auto updated = api_destinations_.update(archive_key(context, name), [&](std::optional<Json>& record) {
    if (!record) throw errors::not_found(destination_not_found(name));
    record.reset();
  });
  co_await updated.first->wait();
  co_return Json::object();
}

}  // namespace nimbus::events
