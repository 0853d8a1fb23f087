// Function resource policies: AddPermission, RemovePermission, GetPolicy (one policy per
// qualifier, statements kept as the JSON text AWS answers), and the check Invoke makes for
// callers from other services and accounts.

#include <regex>

#include "core/ids.h"
#include "services/lambda/control_common.h"
#include "services/lambda/lambda_errors.h"
#include "services/lambda/lambda_names.h"
#include "services/lambda/lambda_service.h"
#include "services/lambda/permission_check.h"

namespace nimbus::lambda {

namespace {

using control::OrderedJson;

std::string policy_key(const std::string& qualifier) { return qualifier.empty() ? "$LATEST" : qualifier; }

// The statements of one qualifier's policy (record["policy"] is {qualifier: [text...]}; an
// array, as CreateFunction first writes it, holds no statement yet).
Json statements_of(const Json& record, const std::string& qualifier) {
  auto policy = record.find("policy");
  if (policy == record.end() || !policy->is_object()) return Json::array();
  return policy->value(policy_key(qualifier), Json::array());
}

Json& statements_for_update(Json& record, const std::string& qualifier) {
  if (!record.contains("policy") || !record["policy"].is_object()) record["policy"] = Json::object();
  Json& list = record["policy"][policy_key(qualifier)];
  if (!list.is_array()) list = Json::array();
  return list;
}

std::string sid_of(const Json& text) {
  return Json::parse(text.get<std::string>()).value("Sid", "");
}

void check_pattern(const std::string& value, const char* member, const char* pattern_text) {
  const std::regex pattern(pattern_text);
  if (!std::regex_match(value, pattern)) {
    throw errors::validation("1 validation error detected: Value '" + value + "' at '" + member +
                             "' failed to satisfy constraint: Member must satisfy regular expression pattern: " +
                             pattern_text);
  }
}

// Principal as AWS writes it: "*", {"Service": ...} for a service, {"AWS": <root ARN>} for an
// account id, {"AWS": <ARN>} for an IAM ARN.
OrderedJson principal_of(const std::string& principal) {
  static const std::regex account(R"(^\d{12}$)");
  static const std::regex iam_arn(R"(^arn:aws[a-zA-Z-]*:(iam|sts)::\d{12}:.+$)");
  static const std::regex service(R"(^[a-zA-Z0-9.\-]+\.(amazonaws\.com|aws\.internal|amazon\.com)$)");
  if (principal == "*") return "*";
  if (std::regex_match(principal, account)) return {{"AWS", "arn:aws:iam::" + principal + ":root"}};
  if (std::regex_match(principal, iam_arn)) return {{"AWS", principal}};
  if (std::regex_match(principal, service)) return {{"Service", principal}};
  throw errors::invalid_parameter("The provided principal was invalid. Please check the principal and try again.");
}

std::string qualifier_from(const RequestContext& context, const Json& input) {
  auto ref = parse_function_ref(input["FunctionName"].get<std::string>());
  std::string qualifier = input.value("Qualifier", "");
  if (!ref.qualifier.empty()) {
    if (!qualifier.empty() && qualifier != ref.qualifier) {
      throw errors::invalid_parameter(
          "The derived qualifier from the function name does not match the specified qualifier.");
    }
    qualifier = ref.qualifier;
  }
  if (!qualifier.empty()) check_pattern(qualifier, "qualifier", "(|[a-zA-Z0-9$_-]+)");
  return qualifier;
}

bool principal_matches(const Json& principal, const std::string& caller) {
  if (principal.is_string()) return principal.get<std::string>() == "*";
  if (!principal.is_object()) return false;
  for (auto it = principal.begin(); it != principal.end(); ++it) {
    Json values = it.value().is_array() ? it.value() : Json::array({it.value()});
    for (const auto& value : values) {
      std::string text = value.get<std::string>();
      if (text == "*" || text == caller) return true;
      // {"AWS": "arn:aws:iam::<account>:root"} stands for the account.
      if (it.key() == "AWS" && text == "arn:aws:iam::" + caller + ":root") return true;
    }
  }
  return false;
}

bool conditions_met(const Json& condition, const RequestContext::ServiceCaller& caller) {
  for (auto op = condition.begin(); op != condition.end(); ++op) {
    for (auto key = op.value().begin(); key != op.value().end(); ++key) {
      std::string name = key.key();
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      Json values = key.value().is_array() ? key.value() : Json::array({key.value()});
      std::string actual;
      if (name == "aws:sourcearn") {
        actual = caller.source_arn;
      } else if (name == "aws:sourceaccount") {
        actual = caller.source_account;
      } else {
        return false;  // a condition nimbus cannot evaluate does not allow
      }
      bool any = false;
      for (const auto& value : values) {
        std::string expected = value.get<std::string>();
        if (op.key() == "ArnLike" || op.key() == "StringLike") {
          any = any || control::wildcard_match(expected, actual);
        } else if (op.key() == "ArnEquals" || op.key() == "StringEquals") {
          any = any || expected == actual;
        } else {
          return false;
        }
      }
      if (!any) return false;
    }
  }
  return true;
}

}  // namespace

bool function_policy_allows(const Json& record, const std::string& qualifier,
                            const RequestContext::ServiceCaller& caller) {
  for (const auto& text : statements_of(record, qualifier == "$LATEST" ? "" : qualifier)) {
    Json statement = Json::parse(text.get<std::string>(), nullptr, false);
    if (statement.is_discarded() || statement.value("Effect", "") != "Allow") continue;
    std::string action = statement.value("Action", "");
    if (action != "lambda:InvokeFunction" && action != "lambda:*" && action != "*") continue;
    if (!principal_matches(statement.value("Principal", Json()), caller.principal)) continue;
    if (!conditions_met(statement.value("Condition", Json::object()), caller)) continue;
    return true;
  }
  return false;
}

awaitable<Json> LambdaService::add_permission(RequestContext& context, Json& input) {
  std::string qualifier = qualifier_from(context, input);
  if (qualifier == "$LATEST") throw errors::invalid_parameter("We currently do not support adding policies for $LATEST.");
  std::string sid = input["StatementId"].get<std::string>();
  check_pattern(sid, "statementId", "([a-zA-Z0-9-_]+)");
  std::string action = input["Action"].get<std::string>();
  check_pattern(action, "action", "(lambda:[*]|lambda:[a-zA-Z]+|[*])");
  OrderedJson principal = principal_of(input["Principal"].get<std::string>());
  auto resolved = resolve(context, input["FunctionName"].get<std::string>(), "");
  std::string function_arn = control::unqualified(resolved.config["FunctionArn"].get<std::string>());

  OrderedJson statement = {{"Sid", sid},
                           {"Effect", "Allow"},
                           {"Principal", principal},
                           {"Action", action},
                           {"Resource", qualifier.empty() ? function_arn : function_arn + ":" + qualifier}};
  OrderedJson condition = OrderedJson::object();
  if (input.contains("SourceAccount")) condition["StringEquals"]["AWS:SourceAccount"] = input["SourceAccount"];
  if (input.contains("PrincipalOrgID")) condition["StringEquals"]["aws:PrincipalOrgID"] = input["PrincipalOrgID"];
  if (input.contains("EventSourceToken")) condition["StringEquals"]["lambda:EventSourceToken"] = input["EventSourceToken"];
  if (input.contains("FunctionUrlAuthType")) {
    condition["StringEquals"]["lambda:FunctionUrlAuthType"] = input["FunctionUrlAuthType"];
  }
  if (input.contains("SourceArn")) condition["ArnLike"]["AWS:SourceArn"] = input["SourceArn"];
  if (!condition.empty()) statement["Condition"] = condition;
  std::string text = statement.dump();

  auto updated = functions_.update(resolved.key, [&](std::optional<Json>& record) {
    if (!record) throw errors::function_not_found(function_arn);
    control::check_qualifier(*record, function_arn, qualifier);
    std::string revision = input.value("RevisionId", "");
    if (!revision.empty() && revision != control::revision_of(*record, qualifier)) throw control::revision_mismatch();
    Json& statements = statements_for_update(*record, qualifier);
    for (const auto& existing : statements) {
      if (sid_of(existing) == sid) {
        throw errors::conflict("The statement id (" + sid +
                               ") provided already exists. Please provide a new statement id, or remove the existing "
                               "statement.");
      }
    }
    statements.push_back(text);
    control::bump_revision(*record, qualifier, ids::uuid4());
  });
  co_await updated.first->wait();
  pool_.retire(function_arn);  // the RevisionId changed: environments are keyed by it
  co_return Json{{"Statement", text}};
}

awaitable<Json> LambdaService::remove_permission(RequestContext& context, Json& input) {
  std::string qualifier = qualifier_from(context, input);
  std::string sid = input["StatementId"].get<std::string>();
  auto resolved = resolve(context, input["FunctionName"].get<std::string>(), "");
  std::string function_arn = control::unqualified(resolved.config["FunctionArn"].get<std::string>());
  auto updated = functions_.update(resolved.key, [&](std::optional<Json>& record) {
    if (!record) throw errors::function_not_found(function_arn);
    control::check_qualifier(*record, function_arn, qualifier);
    if (statements_of(*record, qualifier).empty()) {
      throw errors::resource_not_found("No policy is associated with the given resource.");
    }
    Json& statements = statements_for_update(*record, qualifier);
    auto found = std::find_if(statements.begin(), statements.end(), [&](const Json& text) { return sid_of(text) == sid; });
    if (found == statements.end()) throw errors::resource_not_found("Statement " + sid + " is not found in resource policy.");
    std::string revision = input.value("RevisionId", "");
    if (!revision.empty() && revision != control::revision_of(*record, qualifier)) throw control::revision_mismatch();
    statements.erase(found);
    if (statements.empty()) (*record)["policy"].erase(policy_key(qualifier));
    control::bump_revision(*record, qualifier, ids::uuid4());
  });
  co_await updated.first->wait();
  pool_.retire(function_arn);
  co_return Json::object();
}

awaitable<Json> LambdaService::get_policy(RequestContext& context, Json& input) {
  std::string qualifier = qualifier_from(context, input);
  auto resolved = resolve(context, input["FunctionName"].get<std::string>(), "");
  std::string function_arn = control::unqualified(resolved.config["FunctionArn"].get<std::string>());
  control::check_qualifier(resolved.record, function_arn, qualifier);
  Json statements = statements_of(resolved.record, qualifier == "$LATEST" ? "" : qualifier);
  if (statements.empty()) throw errors::resource_not_found("The resource you requested does not exist.");
  co_return Json{{"Policy", control::policy_document(statements)},
                 {"RevisionId", control::revision_of(resolved.record, qualifier)}};
}

}  // namespace nimbus::lambda
