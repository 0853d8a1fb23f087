// Connections for API destinations: CreateConnection, DescribeConnection, ListConnections,
// UpdateConnection, DeleteConnection, DeauthorizeConnection. A connection keeps the endpoint's
// authorization (API key, Basic, or OAuth client credentials) and extra invocation parameters;
// its secrets are stored with it and never answered back. BASIC and API_KEY connections are
// AUTHORIZED at once; an OAuth connection is AUTHORIZING until its token endpoint answered
// (then AUTHORIZED, or DEAUTHORIZED with the reason).

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "core/arn.h"
#include "core/ids.h"
#include "core/log.h"
#include "services/events/api_destination_request.h"
#include "services/events/events_errors.h"
#include "services/events/events_service.h"
#include "services/events/list_page.h"

namespace nimbus::events {
namespace {

double seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

const char* member_for(const std::string& type) {
  if (type == "BASIC") return "BasicAuthParameters";
  if (type == "API_KEY") return "ApiKeyAuthParameters";
  if (type == "OAUTH_CLIENT_CREDENTIALS") return "OAuthParameters";
  return nullptr;
}

void check_auth(const std::string& type, const Json& auth) {
  const char* member = member_for(type);
  if (!member) {
    throw errors::validation("1 validation error detected: Value '" + type +
                             "' at 'authorizationType' failed to satisfy constraint: Member must satisfy enum value "
                             "set: [BASIC, OAUTH_CLIENT_CREDENTIALS, API_KEY]");
  }
  if (!auth.contains(member)) {
    throw errors::validation("The value of the parameter 'AuthParameters' must contain " + std::string(member) +
                             " for AuthorizationType " + type + ".");
  }
  int given = auth.contains("BasicAuthParameters") + auth.contains("ApiKeyAuthParameters") +
              auth.contains("OAuthParameters");
  if (given > 1) {
    throw errors::validation("Only one of BasicAuthParameters, ApiKeyAuthParameters and OAuthParameters may be given.");
  }
  if (type == "OAUTH_CLIENT_CREDENTIALS") {
    auto endpoint = auth["OAuthParameters"].value("AuthorizationEndpoint", "");
    if (!outbound::parse_url(endpoint)) {
      throw errors::validation("Invalid AuthorizationEndpoint: " + endpoint + " is not an HTTPS or HTTP URL.");
    }
  }
}

Json summary(const Json& record) {
  Json out = {{"ConnectionArn", record["ConnectionArn"]},
              {"Name", record["Name"]},
              {"ConnectionState", record["ConnectionState"]},
              {"AuthorizationType", record["AuthorizationType"]},
              {"CreationTime", seconds(record["CreationMs"].get<int64_t>())},
              {"LastModifiedTime", seconds(record["ModifiedMs"].get<int64_t>())}};
  if (!record.value("StateReason", "").empty()) out["StateReason"] = record["StateReason"];
  if (record.value("AuthorizedMs", int64_t{0}) > 0) out["LastAuthorizedTime"] = seconds(record["AuthorizedMs"].get<int64_t>());
  return out;
}

Json state_answer(const Json& record, const std::string& state) {
  Json out = {{"ConnectionArn", record["ConnectionArn"]},
              {"ConnectionState", state},
              {"CreationTime", seconds(record["CreationMs"].get<int64_t>())},
              {"LastModifiedTime", seconds(record["ModifiedMs"].get<int64_t>())}};
  if (record.value("AuthorizedMs", int64_t{0}) > 0) out["LastAuthorizedTime"] = seconds(record["AuthorizedMs"].get<int64_t>());
  return out;
}

std::string connection_not_found(const std::string& name) {
  return "Failed to describe the connection(s). Connection '" + name + "' does not exist.";
}

}  // namespace

std::optional<Json> EventsService::connection_by_arn(const std::string& connection_arn) const {
  auto arn = parse_arn(connection_arn);
  if (!arn || arn->service != "events" || arn->resource.rfind("connection/", 0) != 0) return std::nullopt;
  std::string rest = arn->resource.substr(11);
  std::string name = rest.substr(0, rest.find('/'));
  auto record = connections_.get(arn->account + "/" + arn->region + "/" + name);
  if (!record || (*record)["ConnectionArn"] != connection_arn) return std::nullopt;
  return record;
}

awaitable<Json> EventsService::create_connection(RequestContext& context, const Json& in) {
  std::string name = in.value("Name", "");
  check_name(name, "name", 64);
  std::string type = in.value("AuthorizationType", "");
  Json auth = in.value("AuthParameters", Json::object());
  check_auth(type, auth);
  bool oauth = type == "OAUTH_CLIENT_CREDENTIALS";
  int64_t now = clock_.now_ms();
  std::string key = archive_key(context, name);
  std::string uid = ids::uuid4();
  auto updated = connections_.update(key, [&](std::optional<Json>& record) {
    if (record) throw errors::already_exists("Connection " + name + " already exists.");
    record = Json{{"Name", name},
                  {"ConnectionArn", "arn:aws:events:" + context.region + ":" + context.account_id + ":connection/" + name +
                                        "/" + uid},
                  {"SecretArn", "arn:aws:secretsmanager:" + context.region + ":" + context.account_id +
                                    ":secret:events!connection/" + name + "/" + uid},
                  {"Description", in.value("Description", "")},
                  {"AuthorizationType", type},
                  {"AuthParameters", auth},
                  {"ConnectionState", oauth ? "AUTHORIZING" : "AUTHORIZED"},
                  {"CreationMs", now},
                  {"ModifiedMs", now},
                  {"AuthorizedMs", oauth ? 0 : now}};
  });
  co_await updated.first->wait();
  Json record = *updated.second;
  if (oauth) start_authorizing(key);
  co_return state_answer(record, record["ConnectionState"].get<std::string>());
}

void EventsService::start_authorizing(const std::string& key) {
  {
    std::lock_guard lock(http_mutex_);
    oauth_tokens_.erase(key);
  }
  if (!executor_) return;  // authorized on first use instead
  boost::asio::co_spawn(
      *executor_,
      [this, key]() -> awaitable<void> {
        try {
          co_await oauth_token(key, true);
        } catch (const AwsError& error) {
          NIMBUS_LOG(Info, "events: connection " + key + " not authorized: " + error.message);
        }
      },
      boost::asio::detached);
}

awaitable<Json> EventsService::describe_connection(RequestContext& context, const Json& in) {
  std::string name = in.value("Name", "");
  auto record = connections_.get(archive_key(context, name));
  if (!record) throw errors::not_found(connection_not_found(name));
  Json out = summary(*record);
  out["SecretArn"] = (*record)["SecretArn"];
  out["AuthParameters"] = public_auth_parameters((*record)["AuthParameters"]);
  if (!record->value("Description", "").empty()) out["Description"] = (*record)["Description"];
  co_return out;
}

awaitable<Json> EventsService::list_connections(RequestContext& context, const Json& in) {
  std::vector<Json> listed;
  for (const auto& [key, record] : connections_.list(context.account_id + "/" + context.region + "/")) {
    if (record["Name"].get<std::string>().rfind(in.value("NamePrefix", ""), 0) != 0) continue;
    if (in.contains("ConnectionState") && record["ConnectionState"] != in["ConnectionState"]) continue;
    listed.push_back(summary(record));
  }
  co_return list_page(listed, in, "Connections");
}

awaitable<Json> EventsService::update_connection(RequestContext& context, const Json& in) {
  std::string name = in.value("Name", "");
  std::string key = archive_key(context, name);
  bool oauth = false;
  auto updated = connections_.update(key, [&](std::optional<Json>& record) {
    if (!record) throw errors::not_found(connection_not_found(name));
    std::string type = in.value("AuthorizationType", (*record)["AuthorizationType"].get<std::string>());
    Json auth = (*record)["AuthParameters"];
    if (type != (*record)["AuthorizationType"]) {
      for (const char* member : {"BasicAuthParameters", "ApiKeyAuthParameters", "OAuthParameters"}) auth.erase(member);
    }
    // Given parts replace the stored ones; within OAuthParameters, member by member (a client
    // secret left out is kept).
    Json given = in.value("AuthParameters", Json::object());
    for (const auto& [member, value] : given.items()) {
      if (auth.contains(member) && auth[member].is_object() && value.is_object()) {
        auth[member].merge_patch(value);
      } else {
        auth[member] = value;
      }
    }
    check_auth(type, auth);
    oauth = type == "OAUTH_CLIENT_CREDENTIALS";
    auto now = clock_.now_ms();
    (*record)["AuthorizationType"] = type;
    (*record)["AuthParameters"] = auth;
    if (in.contains("Description")) (*record)["Description"] = in["Description"];
    (*record)["ConnectionState"] = oauth ? "AUTHORIZING" : "AUTHORIZED";
    (*record)["StateReason"] = "";
    (*record)["ModifiedMs"] = now;
    if (!oauth) (*record)["AuthorizedMs"] = now;
  });
  co_await updated.first->wait();
  Json record = *updated.second;
  if (oauth) start_authorizing(key);
  co_return state_answer(record, record["ConnectionState"].get<std::string>());
}

awaitable<Json> EventsService::deauthorize_connection(RequestContext& context, const Json& in) {
  std::string name = in.value("Name", "");
  std::string key = archive_key(context, name);
  auto updated = connections_.update(key, [&](std::optional<Json>& record) {
    if (!record) throw errors::not_found(connection_not_found(name));
    (*record)["ConnectionState"] = "DEAUTHORIZED";
    (*record)["StateReason"] = "Connection deauthorized by a DeauthorizeConnection request.";
    (*record)["ModifiedMs"] = clock_.now_ms();
  });
  co_await updated.first->wait();
  {
    std::lock_guard lock(http_mutex_);
    oauth_tokens_.erase(key);
  }
  co_return state_answer(*updated.second, "DEAUTHORIZING");
}

awaitable<Json> EventsService::delete_connection(RequestContext& context, const Json& in) {
  std::string name = in.value("Name", "");
  std::string key = archive_key(context, name);
  Json deleted;
  auto updated = connections_.update(key, [&](std::optional<Json>& record) {
    if (!record) throw errors::not_found(connection_not_found(name));
    deleted = *record;
    record.reset();
  });
  co_await updated.first->wait();
  {
    std::lock_guard lock(http_mutex_);
    oauth_tokens_.erase(key);
  }
  co_return state_answer(deleted, "DELETING");
}

awaitable<std::string> EventsService::oauth_token(const std::string& key, bool refresh) {
  auto now = clock_.now_ms();
  if (!refresh) {
    std::lock_guard lock(http_mutex_);
    auto cached = oauth_tokens_.find(key);
    // Refreshed a minute before it expires, as EventBridge does proactively.
    if (cached != oauth_tokens_.end() && (cached->second.expires_at_ms == 0 || cached->second.expires_at_ms - now > 60'000)) {
      co_return cached->second.access_token;
    }
  }
  auto record = connections_.get(key);
  if (!record) throw errors::not_found("Connection " + key + " does not exist.");
  auto request = oauth_token_request(*record);
  std::optional<std::string> failure;
  bool retryable = false;
  std::optional<OAuthToken> token;
  try {
    auto fetching = outbound::fetch(std::move(request));
    auto response = co_await std::move(fetching);
    if (response.status >= 200 && response.status < 300) {
      token = parse_oauth_token(response.body, clock_.now_ms());
      if (!token) failure = "The authorization endpoint's answer has no access_token.";
    } else {
      failure = "The authorization endpoint answered HTTP " + std::to_string(response.status) + ".";
      retryable = response.status >= 500 || response.status == 429;
    }
  } catch (const outbound::HttpError& error) {
    failure = std::string("The authorization endpoint could not be reached: ") + error.what();
    retryable = true;
  }
  if (failure && retryable) throw AwsError(502, "ConnectionAuthorizationFailure", *failure);
  auto updated = connections_.update(key, [&](std::optional<Json>& stored) {
    if (!stored) return;
    (*stored)["ConnectionState"] = failure ? "DEAUTHORIZED" : "AUTHORIZED";
    (*stored)["StateReason"] = failure.value_or("");
    if (!failure) (*stored)["AuthorizedMs"] = clock_.now_ms();
  });
  co_await updated.first->wait();
  if (failure) throw AwsError(400, "ConnectionDeauthorized", *failure);
  {
    std::lock_guard lock(http_mutex_);
    oauth_tokens_[key] = *token;
  }
  co_return token->access_token;
}

}  // namespace nimbus::events
