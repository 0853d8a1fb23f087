// Stages and deployments: CreateStage, GetStage, GetStages, UpdateStage, DeleteStage;
// CreateDeployment, GetDeployment, GetDeployments, DeleteDeployment. A stage serves its
// deployment's snapshot; an AutoDeploy stage gets a new deployment with every change of the API.

#include <algorithm>

#include "services/apigateway/http_api_errors.h"
#include "services/apigateway/http_api_service.h"

namespace nimbus::apigateway {
namespace {

constexpr std::initializer_list<const char*> kStageMembers = {
    "AccessLogSettings", "AutoDeploy", "ClientCertificateId", "DefaultRouteSettings", "DeploymentId",
    "Description", "RouteSettings", "StageVariables"};

void copy_members(Json& to, const Json& from, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (from.contains(name) && !from[name].is_null()) to[name] = from[name];
  }
}

bool valid_stage_name(const std::string& name) {
  if (name == "$default") return true;
  if (name.empty() || name.size() > 128) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

Json deployment_view(const Json& entry) { return entry["Deployment"]; }

}  // namespace

awaitable<Json> HttpApiService::create_stage(RequestContext& context, const Json& in) {
  std::string name = in.value("StageName", "");
  if (!valid_stage_name(name)) {
    throw v2errors::bad_request("Stage name only allows a-zA-Z0-9_- or $default");  // unverified
  }
  Edit edit = [&](Json& record) {
    if (record["Stages"].contains(name)) throw v2errors::stage_exists(name);
    std::string stamp = http_api_timestamp(clock_.now_ms());
    Json stage = {{"StageName", name},
                  {"CreatedDate", stamp},
                  {"LastUpdatedDate", stamp},
                  {"DefaultRouteSettings", {{"DetailedMetricsEnabled", false}}},
                  {"RouteSettings", Json::object()},
                  {"StageVariables", Json::object()},
                  {"Tags", in.value("Tags", Json::object())}};
    copy_members(stage, in, kStageMembers);
    if (stage.contains("DeploymentId") && !record["Deployments"].contains(stage["DeploymentId"].get<std::string>())) {
      throw v2errors::deployment_not_found(stage["DeploymentId"].get<std::string>());
    }
    if (stage.value("AutoDeploy", false)) {
      std::string id = deploy(record, "Automatic deployment triggered by changes to the Api configuration", true);
      stage["DeploymentId"] = id;
      stage["LastDeploymentStatusMessage"] = "Successfully deployed stage with deployment ID '" + id + "'";
    }
    record["Stages"][name] = stage;
    return stage;
  };
  co_return co_await change_api(context, in.value("ApiId", ""), edit, false);
}

awaitable<Json> HttpApiService::get_stage(RequestContext& context, const Json& in) {
  Json record = api_record(context, in.value("ApiId", ""));
  std::string name = in.value("StageName", "");
  if (!record["Stages"].contains(name)) throw v2errors::stage_not_found();
  co_return record["Stages"][name];
}

awaitable<Json> HttpApiService::get_stages(RequestContext& context, const Json& in) {
  Json record = api_record(context, in.value("ApiId", ""));
  std::vector<Json> items;
  for (const auto& stage : record["Stages"]) items.push_back(stage);
  co_return http_api_page(items, in);
}

awaitable<Json> HttpApiService::update_stage(RequestContext& context, const Json& in) {
  std::string name = in.value("StageName", "");
  Edit edit = [&](Json& record) {
    if (!record["Stages"].contains(name)) throw v2errors::stage_not_found();
    Json stage = record["Stages"][name];
    bool was_auto = stage.value("AutoDeploy", false);
    copy_members(stage, in, kStageMembers);
    if (in.contains("DeploymentId") && !record["Deployments"].contains(in["DeploymentId"].get<std::string>())) {
      throw v2errors::deployment_not_found(in["DeploymentId"].get<std::string>());
    }
    if (!was_auto && stage.value("AutoDeploy", false)) {
      std::string id = deploy(record, "Automatic deployment triggered by changes to the Api configuration", true);
      stage["DeploymentId"] = id;
      stage["LastDeploymentStatusMessage"] = "Successfully deployed stage with deployment ID '" + id + "'";
    }
    stage["LastUpdatedDate"] = http_api_timestamp(clock_.now_ms());
    record["Stages"][name] = stage;
    return stage;
  };
  co_return co_await change_api(context, in.value("ApiId", ""), edit, false);
}

awaitable<Json> HttpApiService::delete_stage(RequestContext& context, const Json& in) {
  std::string name = in.value("StageName", "");
  Edit edit = [&](Json& record) {
    if (!record["Stages"].contains(name)) throw v2errors::stage_not_found();
    record["Stages"].erase(name);
    return Json::object();
  };
  co_return co_await change_api(context, in.value("ApiId", ""), edit, false);
}

awaitable<Json> HttpApiService::create_deployment(RequestContext& context, const Json& in) {
  std::string stage_name = in.value("StageName", "");
  Edit edit = [&](Json& record) {
    if (!stage_name.empty()) {
      if (!record["Stages"].contains(stage_name)) throw v2errors::stage_not_found();
      if (record["Stages"][stage_name].value("AutoDeploy", false)) {
        throw v2errors::bad_request("Cannot create a deployment for a stage with AutoDeploy enabled: " +
                                    stage_name);  // unverified
      }
    }
    std::string id = deploy(record, in.value("Description", ""), false);
    if (!stage_name.empty()) {
      Json& stage = record["Stages"][stage_name];
      stage["DeploymentId"] = id;
      stage["LastUpdatedDate"] = http_api_timestamp(clock_.now_ms());
    }
    return deployment_view(record["Deployments"][id]);
  };
  co_return co_await change_api(context, in.value("ApiId", ""), edit, false);
}

awaitable<Json> HttpApiService::get_deployment(RequestContext& context, const Json& in) {
  Json record = api_record(context, in.value("ApiId", ""));
  std::string id = in.value("DeploymentId", "");
  if (!record["Deployments"].contains(id)) throw v2errors::deployment_not_found(id);
  co_return deployment_view(record["Deployments"][id]);
}

awaitable<Json> HttpApiService::get_deployments(RequestContext& context, const Json& in) {
  Json record = api_record(context, in.value("ApiId", ""));
  std::vector<std::pair<int64_t, Json>> entries;
  for (const auto& entry : record["Deployments"]) {
    entries.emplace_back(entry.value("CreatedMs", int64_t{0}), deployment_view(entry));
  }
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Json> items;
  for (auto& entry : entries) items.push_back(std::move(entry.second));
  co_return http_api_page(items, in);
}

awaitable<Json> HttpApiService::delete_deployment(RequestContext& context, const Json& in) {
  std::string id = in.value("DeploymentId", "");
  Edit edit = [&](Json& record) {
    if (!record["Deployments"].contains(id)) throw v2errors::deployment_not_found(id);
    for (const auto& stage : record["Stages"]) {
      if (stage.value("DeploymentId", "") == id) {
        throw v2errors::bad_request("Active stages pointing to this deployment must be moved or deleted");
      }
    }
    record["Deployments"].erase(id);
    return Json::object();
  };
  co_return co_await change_api(context, in.value("ApiId", ""), edit, false);
}

}  // namespace nimbus::apigateway
