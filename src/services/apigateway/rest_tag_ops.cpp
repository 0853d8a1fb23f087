// Tags of REST APIs, stages, API keys and usage plans (by ARN: arn:aws:apigateway:<region>::/restapis/<id>
// [/stages/<name>], ::/apikeys/<id>, ::/usageplans/<id>), and the account settings.

#include "services/apigateway/apigateway_errors.h"
#include "services/apigateway/rest_api_service.h"
#include "services/apigateway/rest_common.h"

namespace nimbus::apigateway {
namespace {

struct TagTarget {
  std::string kind;  // restapis, stages, apikeys, usageplans
  std::string id;
  std::string stage;
};

TagTarget parse_tag_arn(const std::string& arn) {
  auto marker = arn.find("::/");
  if (arn.rfind("arn:aws:apigateway:", 0) != 0 || marker == std::string::npos) {
    throw errors::bad_request("Invalid ARN specified in the request");
  }
  std::vector<std::string> parts;
  std::string rest = arn.substr(marker + 3);
  size_t start = 0;
  while (start <= rest.size()) {
    auto slash = rest.find('/', start);
    if (slash == std::string::npos) slash = rest.size();
    parts.push_back(rest.substr(start, slash - start));
    start = slash + 1;
  }
  if (parts.size() == 2 && (parts[0] == "restapis" || parts[0] == "apikeys" || parts[0] == "usageplans")) {
    return {parts[0], parts[1], ""};
  }
  if (parts.size() == 4 && parts[0] == "restapis" && parts[2] == "stages") return {"stages", parts[1], parts[3]};
  throw errors::bad_request("Invalid ARN specified in the request");
}

}  // namespace

std::shared_ptr<storage::PendingCommit> RestApiService::edit_tags(const RequestContext& context,
                                                                  const std::string& arn,
                                                                  const std::function<void(Json& tagged)>& edit) {
  auto target = parse_tag_arn(arn);
  if (target.kind == "restapis" || target.kind == "stages") {
    auto changed = edit_api(context, target.id, [&](Json& document) {
      if (target.kind == "restapis") {
        edit(document["api"]);
      } else {
        if (!document["stages"].contains(target.stage)) throw errors::stage_not_found();
        edit(document["stages"][target.stage]);
      }
      return Json::object();
    });
    return changed.commit;
  }
  auto& table = target.kind == "apikeys" ? api_keys_ : usage_plans_;
  storage::RecordTable::Change change = [&](std::optional<Json>& record) {
    if (!record) throw errors::not_found("Invalid resource identifier specified");
    edit(*record);
  };
  return table.update(scope(context) + target.id, change).first;
}

awaitable<Json> RestApiService::tag_resource(RequestContext& context, const Json& in) {
  Json tags = in.value("tags", Json::object());
  auto commit = edit_tags(context, in.value("resourceArn", ""), [&](Json& tagged) {
    for (const auto& [key, value] : tags.items()) tagged["tags"][key] = value;
  });
  co_await commit->wait();
  co_return Json::object();
}

awaitable<Json> RestApiService::untag_resource(RequestContext& context, const Json& in) {
  Json keys = in.value("tagKeys", Json::array());
  auto commit = edit_tags(context, in.value("resourceArn", ""), [&](Json& tagged) {
    for (const auto& key : keys) {
      if (tagged.contains("tags") && key.is_string()) tagged["tags"].erase(key.get<std::string>());
    }
  });
  co_await commit->wait();
  co_return Json::object();
}

awaitable<Json> RestApiService::get_tags(RequestContext& context, const Json& in) {
  auto target = parse_tag_arn(in.value("resourceArn", ""));
  Json tags = Json::object();
  if (target.kind == "restapis" || target.kind == "stages") {
    Json document = api_document(context, target.id);
    if (target.kind == "restapis") {
      tags = document["api"].value("tags", Json::object());
    } else {
      if (!document["stages"].contains(target.stage)) throw errors::stage_not_found();
      tags = document["stages"][target.stage].value("tags", Json::object());
    }
  } else {
    auto& table = target.kind == "apikeys" ? api_keys_ : usage_plans_;
    auto record = table.get(scope(context) + target.id);
    if (!record) throw errors::not_found("Invalid resource identifier specified");
    tags = record->value("tags", Json::object());
  }
  co_return Json{{"tags", tags}};
}

awaitable<Json> RestApiService::get_account(RequestContext& context, const Json&) {
  Json account = accounts_.get(scope(context)).value_or(Json::object());
  Json out = {{"throttleSettings", {{"burstLimit", 5000}, {"rateLimit", 10000.0}}},
              {"features", Json::array({"UsagePlans"})},
              {"apiKeyVersion", "4"}};
  if (account.contains("cloudwatchRoleArn")) out["cloudwatchRoleArn"] = account["cloudwatchRoleArn"];
  co_return out;
}

awaitable<Json> RestApiService::update_account(RequestContext& context, const Json& in) {
  storage::RecordTable::Change change = [&](std::optional<Json>& record) {
    if (!record) record = Json::object();
    apply_patch(*record, in.value("patchOperations", Json::array()), {"/cloudwatchRoleArn"});
  };
  auto updated = accounts_.update(scope(context), change);
  co_await updated.first->wait();
  co_return co_await get_account(context, in);
}

}  // namespace nimbus::apigateway
