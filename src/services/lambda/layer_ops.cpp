// Layers: PublishLayerVersion (content stored like function code, by SHA-256), Get/GetByArn/
// List/Delete of versions, ListLayers, layer version permissions; the layers a function names
// (checked when it is created or configured) and their contents merged in order for /opt.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <regex>

#include "core/crypto.h"
#include "core/ids.h"
#include "services/lambda/code_package.h"
#include "services/lambda/control_common.h"
#include "services/lambda/lambda_errors.h"
#include "services/lambda/lambda_names.h"
#include "services/lambda/lambda_service.h"

namespace nimbus::lambda {
namespace fs = std::filesystem;

namespace {

using control::OrderedJson;

constexpr size_t kLayerPage = 50;
constexpr size_t kMaxFunctionLayers = 5;

struct LayerRef {
  std::string account, region, name;
  std::string version;  // "" when the text names the layer only
};

// "name", "arn:aws:lambda:r:a:layer:name" or, with `versioned`, "...:layer:name:3".
std::optional<LayerRef> parse_layer(const RequestContext& context, const std::string& text, bool versioned) {
  static const std::regex arn(R"(^arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+)(:([0-9]+))?$)");
  static const std::regex name(R"(^[a-zA-Z0-9-_]{1,140}$)");
  std::smatch match;
  if (std::regex_match(text, match, arn)) {
    if (match[5].matched != versioned) return std::nullopt;
    return LayerRef{match[2], match[1], match[3], match[5]};
  }
  if (!versioned && std::regex_match(text, name)) return LayerRef{context.account_id, context.region, text, ""};
  return std::nullopt;
}

LayerRef layer_name_ref(const RequestContext& context, const std::string& text) {
  auto ref = parse_layer(context, text, false);
  if (!ref) {
    throw errors::validation("1 validation error detected: Value '" + text +
                             "' at 'layerName' failed to satisfy constraint: Member must satisfy regular expression "
                             "pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|"
                             "[a-zA-Z0-9-_]+");
  }
  return *ref;
}

std::string code_location(const RequestContext& context, const std::string& sha) {
  return "http://" + (context.host.empty() ? std::string("localhost:4566") : context.host) + "/_nimbus/lambda/code/" +
         sha + ".zip";
}

// A stored layer version as GetLayerVersion answers it.
Json shown_version(const RequestContext& context, const Json& stored) {
  Json out = stored;
  for (const char* internal : {"sha256_hex", "policy", "policy_revision"}) out.erase(internal);
  out["Content"]["Location"] = code_location(context, stored.value("sha256_hex", ""));
  return out;
}

// The LayerVersionsListItem form (no Content, no LayerArn).
Json list_item(const Json& stored) {
  Json out = Json::object();
  for (const char* member : {"LayerVersionArn", "Version", "Description", "CreatedDate", "CompatibleRuntimes",
                             "LicenseInfo", "CompatibleArchitectures"}) {
    if (stored.contains(member)) out[member] = stored[member];
  }
  return out;
}

bool matches_filters(const Json& stored, const Json& input) {
  static const std::pair<const char*, const char*> filters[] = {{"CompatibleRuntime", "CompatibleRuntimes"},
                                                                {"CompatibleArchitecture", "CompatibleArchitectures"}};
  for (const auto& filter : filters) {
    if (!input.contains(filter.first)) continue;
    const Json list = stored.value(filter.second, Json::array());
    if (std::find(list.begin(), list.end(), input[filter.first]) == list.end()) return false;
  }
  return true;
}

std::vector<int> version_numbers(const Json& layer) {
  std::vector<int> numbers;
  const Json& versions = layer["versions"];
  for (auto it = versions.begin(); it != versions.end(); ++it) numbers.push_back(std::stoi(it.key()));
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

void check_version_number(const Json& input) {
  if (input["VersionNumber"].get<int64_t>() < 1) throw errors::invalid_parameter("Layer Version Cannot be less than 1");
}

AwsError not_found() { return errors::resource_not_found("The resource you requested does not exist."); }

// Adds `from`'s tree over `into` (files of `from` replace those already there): hard links to the
// stored layer files, copies where linking fails.
void overlay(const fs::path& from, const fs::path& into) {
  for (auto it = fs::recursive_directory_iterator(from); it != fs::recursive_directory_iterator(); ++it) {
    fs::path target = into / fs::relative(it->path(), from);
    auto status = it->symlink_status();
    if (fs::is_directory(status)) {
      if (fs::exists(fs::symlink_status(target)) && !fs::is_directory(fs::symlink_status(target))) fs::remove(target);
      fs::create_directories(target);
      continue;
    }
    if (fs::exists(fs::symlink_status(target))) fs::remove_all(target);
    if (fs::is_symlink(status)) {
      fs::copy_symlink(it->path(), target);
    } else {
      std::error_code error;
      fs::create_hard_link(it->path(), target, error);
      if (error) fs::copy_file(it->path(), target);
    }
  }
}

}  // namespace

awaitable<Json> LambdaService::publish_layer_version(RequestContext& context, Json& input) {
  auto ref = layer_name_ref(context, input["LayerName"].get<std::string>());
  const Json content = input.value("Content", Json::object());
  if (!content.contains("ZipFile") && !(content.contains("S3Bucket") && content.contains("S3Key"))) {
    throw errors::invalid_parameter("Please provide a source for layer code.");
  }
  Json code = co_await store_code(context, content);
  std::string key = scoped_key(ref.account, ref.region, ref.name);
  std::string arn = layer_arn(ref.region, ref.account, ref.name);
  Json version;
  auto updated = layers_.update(key, [&](std::optional<Json>& record) {
    if (!record) record = Json{{"name", ref.name}, {"next_version", 1}, {"versions", Json::object()}, {"deleted", Json::object()}};
    int64_t number = record->value("next_version", 1);
    version = {{"LayerArn", arn},
               {"LayerVersionArn", arn + ":" + std::to_string(number)},
               {"Version", number},
               {"Description", input.value("Description", "")},
               {"CreatedDate", lambda_timestamp(clock_.wall_ms())},
               {"Content", {{"CodeSha256", code.value("CodeSha256", "")}, {"CodeSize", code.value("CodeSize", 0)}}},
               {"sha256_hex", code.value("sha256_hex", "")}};
    for (const char* member : {"CompatibleRuntimes", "LicenseInfo", "CompatibleArchitectures"}) {
      if (input.contains(member)) version[member] = input[member];
    }
    (*record)["versions"][std::to_string(number)] = version;
    (*record)["next_version"] = number + 1;
  });
  co_await updated.first->wait();
  co_return shown_version(context, version);
}

awaitable<Json> LambdaService::get_layer_version(RequestContext& context, Json& input) {
  check_version_number(input);
  auto ref = layer_name_ref(context, input["LayerName"].get<std::string>());
  auto record = layers_.get(scoped_key(ref.account, ref.region, ref.name));
  std::string number = std::to_string(input["VersionNumber"].get<int64_t>());
  if (!record || !(*record)["versions"].contains(number)) throw not_found();
  co_return shown_version(context, (*record)["versions"][number]);
}

awaitable<Json> LambdaService::get_layer_version_by_arn(RequestContext& context, Json& input) {
  std::string text = input["Arn"].get<std::string>();
  auto ref = parse_layer(context, text, true);
  if (!ref) {
    throw errors::validation("1 validation error detected: Value '" + text +
                             "' at 'arn' failed to satisfy constraint: Member must satisfy regular expression "
                             "pattern: arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1}:\\d{12}:"
                             "layer:[a-zA-Z0-9-_]+:[0-9]+");
  }
  auto record = layers_.get(scoped_key(ref->account, ref->region, ref->name));
  if (!record || !(*record)["versions"].contains(ref->version)) throw not_found();
  co_return shown_version(context, (*record)["versions"][ref->version]);
}

awaitable<Json> LambdaService::list_layer_versions(RequestContext& context, Json& input) {
  auto ref = layer_name_ref(context, input["LayerName"].get<std::string>());
  auto record = layers_.get(scoped_key(ref.account, ref.region, ref.name));
  std::vector<Json> items;
  if (record) {
    auto numbers = version_numbers(*record);
    for (auto it = numbers.rbegin(); it != numbers.rend(); ++it) {  // newest first, as AWS lists them
      const Json& stored = (*record)["versions"][std::to_string(*it)];
      if (matches_filters(stored, input)) items.push_back(list_item(stored));
    }
  }
  Json out = Json::object();
  control::page(input, items, kLayerPage, "LayerVersions", out);
  co_return out;
}

awaitable<Json> LambdaService::list_layers(RequestContext& context, Json& input) {
  std::vector<Json> items;
  for (const auto& entry : layers_.list(context.account_id + "/" + context.region + "/")) {
    auto numbers = version_numbers(entry.second);
    for (auto it = numbers.rbegin(); it != numbers.rend(); ++it) {
      const Json& stored = entry.second["versions"][std::to_string(*it)];
      if (!matches_filters(stored, input)) continue;
      items.push_back({{"LayerName", entry.second.value("name", "")},
                       {"LayerArn", stored["LayerArn"]},
                       {"LatestMatchingVersion", list_item(stored)}});
      break;
    }
  }
  Json out = Json::object();
  control::page(input, items, kLayerPage, "Layers", out);
  co_return out;
}

awaitable<Json> LambdaService::delete_layer_version(RequestContext& context, Json& input) {
  check_version_number(input);
  auto ref = layer_name_ref(context, input["LayerName"].get<std::string>());
  std::string number = std::to_string(input["VersionNumber"].get<int64_t>());
  auto updated = layers_.update(scoped_key(ref.account, ref.region, ref.name), [&](std::optional<Json>& record) {
    if (!record || !(*record)["versions"].contains(number)) return;  // deleting twice succeeds, as on AWS
    // Functions that use the version keep running it: its content stays known.
    (*record)["deleted"][number] = (*record)["versions"][number].value("sha256_hex", "");
    (*record)["versions"].erase(number);
  });
  co_await updated.first->wait();
  co_return Json::object();
}

namespace {

// A layer policy change naming a RevisionId applies only to that revision of the policy.
void check_policy_revision(const Json& input, const Json& version) {
  std::string wanted = input.value("RevisionId", "");
  if (!wanted.empty() && wanted != version.value("policy_revision", "")) {
    throw errors::precondition_failed(
        "The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve "
        "the latest Revision Id");
  }
}

}  // namespace

awaitable<Json> LambdaService::add_layer_version_permission(RequestContext& context, Json& input) {
  auto ref = layer_name_ref(context, input["LayerName"].get<std::string>());
  std::string number = std::to_string(input["VersionNumber"].get<int64_t>());
  std::string version_arn = layer_arn(ref.region, ref.account, ref.name) + ":" + number;
  std::string sid = input["StatementId"].get<std::string>();
  static const std::regex sid_pattern(R"(^([a-zA-Z0-9-_]+)$)");
  if (!std::regex_match(sid, sid_pattern)) {
    throw errors::validation("1 validation error detected: Value '" + sid +
                             "' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression "
                             "pattern: ([a-zA-Z0-9-_]+)");
  }
  std::string action = input["Action"].get<std::string>();
  if (action != "lambda:GetLayerVersion") {
    throw errors::validation("1 validation error detected: Value '" + action +
                             "' at 'action' failed to satisfy constraint: Member must satisfy regular expression "
                             "pattern: lambda:GetLayerVersion");
  }
  std::string principal = input["Principal"].get<std::string>();
  static const std::regex principal_pattern(R"(^(\d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root)$)");
  if (!std::regex_match(principal, principal_pattern)) {
    throw errors::validation("1 validation error detected: Value '" + principal +
                             "' at 'principal' failed to satisfy constraint: Member must satisfy regular expression "
                             "pattern: \\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root");
  }
  OrderedJson statement = {{"Sid", sid},
                           {"Effect", "Allow"},
                           {"Principal", principal == "*" ? OrderedJson("*")
                                         : principal.size() == 12
                                             ? OrderedJson{{"AWS", "arn:aws:iam::" + principal + ":root"}}
                                             : OrderedJson{{"AWS", principal}}},
                           {"Action", action},
                           {"Resource", version_arn}};
  if (input.contains("OrganizationId")) {
    statement["Condition"] = {{"StringEquals", {{"aws:PrincipalOrgID", input["OrganizationId"]}}}};
  }
  std::string text = statement.dump();
  std::string revision = ids::uuid4();
  auto updated = layers_.update(scoped_key(ref.account, ref.region, ref.name), [&](std::optional<Json>& record) {
    if (!record || !(*record)["versions"].contains(number)) {
      throw errors::resource_not_found("Layer version " + version_arn + " does not exist.");
    }
    Json& version = (*record)["versions"][number];
    check_policy_revision(input, version);
    if (!version["policy"].is_array()) version["policy"] = Json::array();
    for (const auto& existing : version["policy"]) {
      if (Json::parse(existing.get<std::string>()).value("Sid", "") == sid) {
        throw errors::conflict("The statement id (" + sid +
                               ") provided already exists. Please provide a new statement id, or remove the existing "
                               "statement.");
      }
    }
    version["policy"].push_back(text);
    version["policy_revision"] = revision;
  });
  co_await updated.first->wait();
  co_return Json{{"Statement", text}, {"RevisionId", revision}};
}

awaitable<Json> LambdaService::remove_layer_version_permission(RequestContext& context, Json& input) {
  auto ref = layer_name_ref(context, input["LayerName"].get<std::string>());
  std::string number = std::to_string(input["VersionNumber"].get<int64_t>());
  std::string version_arn = layer_arn(ref.region, ref.account, ref.name) + ":" + number;
  std::string sid = input["StatementId"].get<std::string>();
  auto updated = layers_.update(scoped_key(ref.account, ref.region, ref.name), [&](std::optional<Json>& record) {
    if (!record || !(*record)["versions"].contains(number)) {
      throw errors::resource_not_found("Layer version " + version_arn + " does not exist.");
    }
    Json& version = (*record)["versions"][number];
    check_policy_revision(input, version);
    Json statements = version.value("policy", Json::array());
    auto found = std::find_if(statements.begin(), statements.end(), [&](const Json& text) {
      return Json::parse(text.get<std::string>()).value("Sid", "") == sid;
    });
    if (found == statements.end()) throw errors::resource_not_found("Statement " + sid + " is not found in resource policy.");
    statements.erase(found);
    version["policy"] = statements;
    version["policy_revision"] = ids::uuid4();
  });
  co_await updated.first->wait();
  co_return Json::object();
}

awaitable<Json> LambdaService::get_layer_version_policy(RequestContext& context, Json& input) {
  auto ref = layer_name_ref(context, input["LayerName"].get<std::string>());
  std::string number = std::to_string(input["VersionNumber"].get<int64_t>());
  std::string version_arn = layer_arn(ref.region, ref.account, ref.name) + ":" + number;
  auto record = layers_.get(scoped_key(ref.account, ref.region, ref.name));
  if (!record || !(*record)["versions"].contains(number)) {
    throw errors::resource_not_found("Layer version " + version_arn + " does not exist.");
  }
  const Json& version = (*record)["versions"][number];
  Json statements = version.value("policy", Json::array());
  if (statements.empty()) throw errors::resource_not_found("No policy is associated with the given resource.");
  co_return Json{{"Policy", control::policy_document(statements)}, {"RevisionId", version.value("policy_revision", "")}};
}

Json LambdaService::function_layers(const RequestContext& context, const Json& arns) const {
  if (arns.size() > kMaxFunctionLayers) throw errors::invalid_parameter("Cannot reference more than 5 layers.");
  Json layers = Json::array();
  std::map<std::string, std::string> seen;  // layer ARN -> version ARN
  for (const auto& item : arns) {
    std::string text = item.get<std::string>();
    auto ref = parse_layer(context, text, true);
    if (!ref) {
      throw errors::validation(
          "1 validation error detected: Value '[" + text +
          "]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less "
          "than or equal to 140, Member must have length greater than or equal to 1, Member must satisfy regular "
          "expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|"
          "(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+), Member must not be null]");
    }
    if (ref->region != context.region) {
      throw errors::invalid_parameter("Layers are not in the same region as the function. Layers are expected to be in "
                                      "region " + context.region + ".");
    }
    auto record = layers_.get(scoped_key(ref->account, ref->region, ref->name));
    if (!record || !(*record)["versions"].contains(ref->version)) {
      throw errors::invalid_parameter("Layer version " + text + " does not exist.");
    }
    std::string layer = layer_arn(ref->region, ref->account, ref->name);
    if (auto previous = seen.find(layer); previous != seen.end()) {
      throw errors::invalid_parameter(
          "Two different versions of the same layer are not allowed to be referenced in the same function. " +
          previous->second + " and " + text + " are versions of the same layer.");
    }
    seen.emplace(layer, text);
    const Json& version = (*record)["versions"][ref->version];
    layers.push_back({{"Arn", text}, {"CodeSize", version["Content"].value("CodeSize", 0)}});
  }
  return layers;
}

fs::path LambdaService::merged_layers(const Json& config) const {
  std::vector<std::string> shas;
  RequestContext any;  // parse_layer needs one only for plain names; layer ARNs name their place
  for (const auto& layer : config.value("Layers", Json::array())) {
    auto ref = parse_layer(any, layer.value("Arn", ""), true);
    if (!ref) continue;
    auto record = layers_.get(scoped_key(ref->account, ref->region, ref->name));
    if (!record) continue;
    std::string sha = (*record)["versions"].contains(ref->version)
                          ? (*record)["versions"][ref->version].value("sha256_hex", "")
                          : record->value("deleted", Json::object()).value(ref->version, "");
    if (!sha.empty()) shas.push_back(sha);
  }
  if (shas.empty()) return {};
  std::string joined;
  for (const auto& sha : shas) joined += sha + "\n";
  fs::path target = files_dir_ / "opt" / crypto::sha256_hex(joined);
  if (fs::exists(target)) return target;
  // Built aside and renamed into place, so a half-built folder is never used.
  fs::path scratch = files_dir_ / "opt" / (".building-" + ids::uuid4());
  fs::create_directories(scratch);
  try {
    for (const auto& sha : shas) overlay(ensure_unpacked(files_dir_ / "code", sha), scratch);
    std::error_code error;
    fs::rename(scratch, target, error);
    if (error) fs::remove_all(scratch);  // built by someone else meanwhile
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(scratch, ignored);
    throw;
  }
  return target;
}

}  // namespace nimbus::lambda
