// TagResource, UntagResource, ListTags on a function ARN (tags live in the function record).

#include <regex>

#include "services/lambda/control_common.h"
#include "services/lambda/lambda_errors.h"
#include "services/lambda/lambda_names.h"
#include "services/lambda/lambda_service.h"

namespace nimbus::lambda {

namespace {

constexpr size_t kTagLimit = 50;

// The function a tagging call names: an unqualified function ARN, as AWS requires.
FunctionRef tagged_function(const std::string& resource) {
  static const std::regex pattern(
      R"(^arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1}:\d{12}:function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?$)");
  if (!std::regex_match(resource, pattern)) {
    throw errors::validation("1 validation error detected: Value '" + resource +
                             "' at 'resource' failed to satisfy constraint: Member must satisfy regular expression "
                             "pattern: arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1}:\\d{12}:"
                             "function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
  }
  auto ref = parse_function_ref(resource, "resource");
  if (!ref.qualifier.empty()) {
    throw errors::invalid_parameter(
        "Tagging operations are permitted on Lambda functions only. Tags on aliases and versions are not supported. "
        "Please specify either a function name or a function ARN.");
  }
  return ref;
}

}  // namespace

awaitable<Json> LambdaService::tag_resource(RequestContext& context, Json& input) {
  auto ref = tagged_function(input["Resource"].get<std::string>());
  Json tags = input.value("Tags", Json::object());
  if (tags.empty()) throw errors::invalid_parameter("An error occurred and the request cannot be processed.");
  std::string arn = function_arn(ref.region, ref.account, ref.name);
  auto updated = functions_.update(scoped_key(ref.account, ref.region, ref.name), [&](std::optional<Json>& record) {
    if (!record) throw errors::function_not_found(arn);
    Json merged = record->value("tags", Json::object());
    for (auto it = tags.begin(); it != tags.end(); ++it) merged[it.key()] = it.value();
    if (merged.size() > kTagLimit) throw errors::invalid_parameter("Number of tags exceeds function tag limit.");
    (*record)["tags"] = merged;
  });
  co_await updated.first->wait();
  co_return Json::object();
}

awaitable<Json> LambdaService::untag_resource(RequestContext& context, Json& input) {
  auto ref = tagged_function(input["Resource"].get<std::string>());
  std::string arn = function_arn(ref.region, ref.account, ref.name);
  Json keys = input.value("TagKeys", Json::array());
  auto updated = functions_.update(scoped_key(ref.account, ref.region, ref.name), [&](std::optional<Json>& record) {
    if (!record) throw errors::function_not_found(arn);
    Json tags = record->value("tags", Json::object());
    for (const auto& key : keys) tags.erase(key.get<std::string>());
    (*record)["tags"] = tags;
  });
  co_await updated.first->wait();
  co_return Json::object();
}

awaitable<Json> LambdaService::list_tags(RequestContext& context, Json& input) {
  auto ref = tagged_function(input["Resource"].get<std::string>());
  std::string arn = function_arn(ref.region, ref.account, ref.name);
  auto record = functions_.get(scoped_key(ref.account, ref.region, ref.name));
  if (!record) throw errors::function_not_found(arn);
  co_return Json{{"Tags", record->value("tags", Json::object())}};
}

}  // namespace nimbus::lambda
