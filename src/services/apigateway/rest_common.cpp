#include "services/apigateway/rest_common.h"

#include <random>
#include <regex>

#include "services/apigateway/apigateway_errors.h"

namespace nimbus::apigateway {
namespace {

// Members whose patched string values are booleans or numbers.
bool boolean_member(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "apiKeyRequired", "enabled", "disableExecuteApiEndpoint", "tracingEnabled", "cacheClusterEnabled",
      "validateRequestBody", "validateRequestParameters", "metricsEnabled", "dataTraceEnabled",
      "cachingEnabled", "requireAuthorizationForCacheControl", "insecureSkipVerification"};
  for (auto known : kNames) {
    if (known == name) return true;
  }
  return false;
}

bool number_member(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "authorizerResultTtlInSeconds", "timeoutInMillis", "minimumCompressionSize", "burstLimit", "rateLimit",
      "limit", "offset", "throttlingBurstLimit", "throttlingRateLimit", "cacheTtlInSeconds", "percentTraffic"};
  for (auto known : kNames) {
    if (known == name) return true;
  }
  return false;
}

std::string unescape(std::string_view segment) {
  std::string out;
  for (size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] == '~' && i + 1 < segment.size() && (segment[i + 1] == '1' || segment[i + 1] == '0')) {
      out += segment[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += segment[i];
    }
  }
  return out;
}

Json typed(std::string_view member, const Json& value) {
  if (!value.is_string()) return value;
  std::string text = value.get<std::string>();
  if (boolean_member(member)) {
    if (text == "true" || text == "false") return text == "true";
    throw errors::bad_request("Invalid boolean value '" + text + "' for " + std::string(member));
  }
  if (number_member(member)) {
    try {
      size_t used = 0;
      double number = std::stod(text, &used);
      if (used != text.size()) throw std::invalid_argument("trailing");
      if (number == static_cast<double>(static_cast<long long>(number))) return static_cast<long long>(number);
      return number;
    } catch (const std::exception&) {
      throw errors::bad_request("Invalid number value '" + text + "' for " + std::string(member));
    }
  }
  return value;
}

std::string allowed_list(const std::vector<std::string_view>& allowed) {
  std::string out = "[";
  for (size_t i = 0; i < allowed.size(); ++i) {
    if (i) out += ", ";
    out += allowed[i];
  }
  return out + "]";
}

}  // namespace

const Json& member_object(const Json& object, const char* key) {
  static const Json empty = Json::object();
  if (!object.is_object()) return empty;
  auto found = object.find(key);
  return found == object.end() ? empty : *found;
}

bool regex_matches(const std::string& pattern, const std::string& text, bool whole) {
  constexpr size_t kMaxText = 16 * 1024;
  if (text.size() > kMaxText) return false;
  try {
    std::regex compiled(pattern);
    return whole ? std::regex_match(text, compiled) : std::regex_search(text, compiled);
  } catch (const std::regex_error&) {
    return false;
  }
}

std::string random_id(size_t length) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uniform_int_distribution<size_t> pick(0, sizeof kAlphabet - 2);
  std::string id(length, 'a');
  for (auto& c : id) c = kAlphabet[pick(generator)];
  return id;
}

std::string scope(const std::string& account, const std::string& region) { return account + "/" + region + "/"; }
std::string scope(const RequestContext& context) { return scope(context.account_id, context.region); }

double now_seconds(const Clock& clock) { return static_cast<double>(clock.wall_ms() / 1000); }

Json page(const std::vector<Json>& items, const Json& in) {
  size_t start = 0;
  if (in.contains("position")) {
    try {
      start = std::stoul(in["position"].get<std::string>());
    } catch (const std::exception&) {
      throw errors::bad_request("Invalid position parameter");
    }
  }
  int64_t limit = in.value("limit", 25);
  if (limit < 1 || limit > 500) throw errors::bad_request("Invalid limit parameter. Must be between 1 and 500");
  Json out = {{"items", Json::array()}};
  for (size_t i = start; i < items.size() && out["items"].size() < static_cast<size_t>(limit); ++i) {
    out["items"].push_back(items[i]);
  }
  if (start + out["items"].size() < items.size()) out["position"] = std::to_string(start + out["items"].size());
  return out;
}

void replace_only(const Json& operations) {
  if (!operations.is_array()) return;
  for (const auto& operation : operations) {
    std::string op = operation.value("op", "");
    if (op == "replace") continue;
    if (op != "add" && op != "remove" && op != "copy" && op != "move" && op != "test") continue;  // apply_patch's error
    throw errors::bad_request("Invalid patch path  '" + operation.value("path", "") + "' specified for op '" + op +
                              "'. Please choose supported operations");
  }
}

void apply_patch(Json& document, const Json& operations, const std::vector<std::string_view>& allowed) {
  if (!operations.is_array()) return;
  for (const auto& operation : operations) {
    std::string op = operation.value("op", "");
    std::string path = operation.value("path", "");
    if (op != "add" && op != "remove" && op != "replace" && op != "copy" && op != "move" && op != "test") {
      throw errors::bad_request("Invalid patch operation specified. Must be one of: [add, remove, replace, move, copy, test]");
    }
    // Which allowed entry the path falls under: "/name" exactly, or "/prefix/*" with one more segment.
    std::string member;
    std::string key;
    bool matched = false;
    for (auto entry : allowed) {
      if (entry.ends_with("/*")) {
        auto prefix = entry.substr(0, entry.size() - 1);  // "/variables/"
        if (path.size() > prefix.size() && std::string_view(path).starts_with(prefix)) {
          member = std::string(prefix.substr(1, prefix.size() - 2));
          key = unescape(std::string_view(path).substr(prefix.size()));
          matched = true;
          break;
        }
      } else if (path == entry) {
        member = std::string(entry.substr(1));
        matched = true;
        break;
      }
    }
    if (!matched) {
      throw errors::bad_request("Invalid patch path  '" + path + "' specified for op '" + op + "'. Must be one of: " +
                                allowed_list(allowed));
    }
    if (op == "test") continue;
    Json value = operation.contains("value") ? operation["value"] : Json();
    if (op == "copy" || op == "move") {
      throw errors::bad_request("Invalid patch operation specified. Must be 'add'|'remove'|'replace'");
    }
    // A member path of several segments ("accessLogSettings/format") names nested objects.
    Json* parent = &document;
    std::string leaf = member;
    for (auto slash = leaf.find('/'); slash != std::string::npos; slash = leaf.find('/')) {
      Json& next = (*parent)[leaf.substr(0, slash)];
      if (!next.is_object()) next = Json::object();
      parent = &next;
      leaf = leaf.substr(slash + 1);
    }
    if (key.empty()) {
      if (op == "remove") {
        parent->erase(leaf);
      } else {
        (*parent)[leaf] = typed(leaf, value);
      }
      continue;
    }
    Json& container = (*parent)[leaf];
    if (container.is_null()) container = leaf == "binaryMediaTypes" || leaf == "types" ? Json::array() : Json::object();
    if (container.is_array()) {
      // "/binaryMediaTypes/image~1png": the element is the last segment.
      auto found = std::find(container.begin(), container.end(), Json(key));
      if (op == "remove") {
        if (found != container.end()) container.erase(found);
      } else if (op == "replace" && value.is_string()) {
        if (found != container.end()) *found = value;
        else container.push_back(value);
      } else if (found == container.end()) {
        container.push_back(key);
      }
    } else if (op == "remove") {
      container.erase(key);
    } else {
      container[key] = typed(key, value.is_null() ? Json("") : value);
    }
  }
}

}  // namespace nimbus::apigateway
