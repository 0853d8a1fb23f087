#include "services/events/api_destination_request.h"

#include <strings.h>

#include "core/crypto.h"
#include "core/text.h"

namespace nimbus::events {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Replaces (case-insensitively) or adds a header.
void set_header(Headers& headers, const std::string& name, const std::string& value) {
  for (auto& [key, current] : headers) {
    if (strcasecmp(key.c_str(), name.c_str()) == 0) {
      current = value;
      return;
    }
  }
  headers.emplace_back(name, value);
}

// "HeaderParameters" of HttpParameters are a map; of a connection's ConnectionHttpParameters a
// list of {Key, Value, IsValueSecret}. Both read as (key, value) pairs.
std::vector<std::pair<std::string, std::string>> pairs(const Json& parameters, const char* member) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!parameters.is_object() || !parameters.contains(member)) return out;
  const Json& value = parameters[member];
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) out.emplace_back(key, item.is_string() ? item.get<std::string>() : item.dump());
  } else if (value.is_array()) {
    for (const auto& item : value) out.emplace_back(item.value("Key", ""), item.value("Value", ""));
  }
  return out;
}

void merge(std::vector<std::pair<std::string, std::string>>& into,
           const std::vector<std::pair<std::string, std::string>>& winning) {
  for (const auto& [key, value] : winning) {
    bool replaced = false;
    for (auto& [existing, current] : into) {
      if (existing == key) {
        current = value;
        replaced = true;
      }
    }
    if (!replaced) into.emplace_back(key, value);
  }
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& parameters) {
  std::string out;
  for (const auto& [key, value] : parameters) {
    if (!out.empty()) out += '&';
    out += text::percent_encode(key, false) + "=" + text::percent_encode(value, false);
  }
  return out;
}

std::string with_query(std::string url, const std::string& query) {
  if (query.empty()) return url;
  return url + (url.find('?') == std::string::npos ? "?" : "&") + query;
}

std::string fill_wildcards(std::string endpoint, const Json& values) {
  if (!values.is_array()) return endpoint;
  size_t from = 0;
  for (const auto& value : values) {
    auto star = endpoint.find('*', from);
    if (star == std::string::npos) break;
    std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    endpoint.replace(star, 1, text);
    from = star + text.size();
  }
  return endpoint;
}

const Json& auth_parameters(const Json& connection) {
  static const Json kEmpty = Json::object();
  auto found = connection.find("AuthParameters");
  return found != connection.end() && found->is_object() ? *found : kEmpty;
}

}  // namespace

outbound::HttpRequest invocation_request(const Json& destination, const Json& connection, const Json& http_parameters,
                                         const std::string& body, const std::string& oauth_token) {
  const Json& auth = auth_parameters(connection);
  Json invocation = auth.value("InvocationHttpParameters", Json::object());
  outbound::HttpRequest request;
  request.method = destination.value("HttpMethod", "POST");
  auto path_values = http_parameters.is_object() ? http_parameters.value("PathParameterValues", Json::array()) : Json::array();
  std::string url = fill_wildcards(destination.value("InvocationEndpoint", ""), path_values);

  auto query = pairs(http_parameters, "QueryStringParameters");
  merge(query, pairs(invocation, "QueryStringParameters"));
  std::string type = connection.value("AuthorizationType", "");
  Headers headers = {{"User-Agent", "Amazon/EventBridge/ApiDestinations"},
                     {"Content-Type", "application/json; charset=utf-8"},
                     {"Range", "bytes=0-1048575"},
                     {"Accept-Encoding", "gzip,deflate"},
                     {"Connection", "close"}};
  for (const auto& [key, value] : pairs(http_parameters, "HeaderParameters")) set_header(headers, key, value);
  for (const auto& [key, value] : pairs(invocation, "HeaderParameters")) set_header(headers, key, value);
  if (type == "API_KEY") {
    auto key = auth.value("ApiKeyAuthParameters", Json::object());
    set_header(headers, key.value("ApiKeyName", ""), key.value("ApiKeyValue", ""));
  } else if (type == "BASIC") {
    auto basic = auth.value("BasicAuthParameters", Json::object());
    set_header(headers, "Authorization",
               "Basic " + crypto::base64_encode(basic.value("Username", "") + ":" + basic.value("Password", "")));
  } else if (type == "OAUTH_CLIENT_CREDENTIALS" && !oauth_token.empty()) {
    set_header(headers, "Authorization", "Bearer " + oauth_token);
  }
  request.url = with_query(url, query_string(query));
  request.headers = std::move(headers);

  request.body = body;
  auto body_parameters = pairs(invocation, "BodyParameters");
  if (!body_parameters.empty()) {
    auto parsed = Json::parse(body, nullptr, false);
    if (parsed.is_object()) {
      for (const auto& [key, value] : body_parameters) parsed[key] = value;
      request.body = parsed.dump();
    }
  }
  if (request.method == "GET" || request.method == "HEAD") request.body.clear();
  return request;
}

outbound::HttpRequest oauth_token_request(const Json& connection) {
  Json oauth = auth_parameters(connection).value("OAuthParameters", Json::object());
  Json client = oauth.value("ClientParameters", Json::object());
  Json parameters = oauth.value("OAuthHttpParameters", Json::object());
  outbound::HttpRequest request;
  request.method = oauth.value("HttpMethod", "POST");
  request.url = with_query(oauth.value("AuthorizationEndpoint", ""), query_string(pairs(parameters, "QueryStringParameters")));
  Headers headers = {{"User-Agent", "Amazon/EventBridge/ApiDestinations"},
                     {"Accept", "application/json"},
                     {"Connection", "close"}};
  for (const auto& [key, value] : pairs(parameters, "HeaderParameters")) set_header(headers, key, value);
  set_header(headers, "Authorization",
             "Basic " + crypto::base64_encode(client.value("ClientID", "") + ":" + client.value("ClientSecret", "")));
  auto form = pairs(parameters, "BodyParameters");
  bool has_grant = false;
  for (const auto& [key, value] : form) has_grant = has_grant || key == "grant_type";
  if (!has_grant) form.insert(form.begin(), {"grant_type", "client_credentials"});
  if (request.method != "GET") {
    set_header(headers, "Content-Type", "application/x-www-form-urlencoded");
    request.body = query_string(form);
  }
  request.headers = std::move(headers);
  return request;
}

std::optional<OAuthToken> parse_oauth_token(const std::string& body, int64_t now_ms) {
  auto parsed = Json::parse(body, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("access_token") || !parsed["access_token"].is_string()) return std::nullopt;
  OAuthToken token{parsed["access_token"].get<std::string>(), 0};
  if (auto expires = parsed.find("expires_in"); expires != parsed.end()) {
    int64_t seconds = 0;
    if (expires->is_number()) seconds = expires->get<int64_t>();
    if (expires->is_string()) seconds = std::atoll(expires->get<std::string>().c_str());
    if (seconds > 0) token.expires_at_ms = now_ms + seconds * 1000;
  }
  return token;
}

bool retryable_status(int status) {
  return status == 401 || status == 407 || status == 409 || status == 429 || (status >= 500 && status <= 599);
}

Json public_auth_parameters(const Json& auth_parameters) {
  Json out = Json::object();
  if (!auth_parameters.is_object()) return out;
  auto without_secrets = [](Json parameters) {
    for (const char* list : {"HeaderParameters", "QueryStringParameters", "BodyParameters"}) {
      if (!parameters.contains(list) || !parameters[list].is_array()) continue;
      for (auto& item : parameters[list]) {
        if (item.value("IsValueSecret", false)) item.erase("Value");
      }
    }
    return parameters;
  };
  if (auto basic = auth_parameters.find("BasicAuthParameters"); basic != auth_parameters.end()) {
    out["BasicAuthParameters"] = {{"Username", basic->value("Username", "")}};
  }
  if (auto key = auth_parameters.find("ApiKeyAuthParameters"); key != auth_parameters.end()) {
    out["ApiKeyAuthParameters"] = {{"ApiKeyName", key->value("ApiKeyName", "")}};
  }
  if (auto oauth = auth_parameters.find("OAuthParameters"); oauth != auth_parameters.end()) {
    Json shown = {{"ClientParameters", {{"ClientID", oauth->value("ClientParameters", Json::object()).value("ClientID", "")}}},
                  {"AuthorizationEndpoint", oauth->value("AuthorizationEndpoint", "")},
                  {"HttpMethod", oauth->value("HttpMethod", "")}};
    if (oauth->contains("OAuthHttpParameters")) shown["OAuthHttpParameters"] = without_secrets((*oauth)["OAuthHttpParameters"]);
    out["OAuthParameters"] = std::move(shown);
  }
  if (auto invocation = auth_parameters.find("InvocationHttpParameters"); invocation != auth_parameters.end()) {
    out["InvocationHttpParameters"] = without_secrets(*invocation);
  }
  return out;
}

}  // namespace nimbus::events
