// The resource tree: CreateResource, GetResource(s), UpdateResource (pathPart, parentId: the
// subtree's paths follow), DeleteResource (with its subtree).

#include "services/apigateway/apigateway_errors.h"
#include "services/apigateway/rest_api_service.h"
#include "services/apigateway/rest_common.h"

namespace nimbus::apigateway {
namespace {

bool variable(const std::string& part) { return part.size() > 2 && part.front() == '{' && part.back() == '}'; }

void check_path_part(const std::string& part) {
  if (part.empty()) throw errors::bad_request("Resource's path part must be specified");
  if (variable(part)) {
    auto name = part.substr(1, part.size() - 2);
    if (name.ends_with("+")) name.pop_back();
    bool ok = !name.empty();
    for (char c : name) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
    if (ok) return;
  } else {
    bool ok = true;
    for (char c : part) {
      ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-._~:@!$&'()*,;=+").find(c) !=
                                                                    std::string_view::npos);
    }
    if (ok) return;
  }
  throw errors::bad_request("Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the "
                            "end and an optional plus sign before the closing brace.");
}

std::string child_path(const std::string& parent_path, const std::string& part) {
  return parent_path == "/" ? "/" + part : parent_path + "/" + part;
}

// Sets the paths of `id`'s descendants from its own.
void refresh_paths(Json& resources, const std::string& id) {
  std::string path = resources[id]["path"];
  for (auto& [child_id, child] : resources.items()) {
    if (child.value("parentId", "") == id) {
      child["path"] = child_path(path, child["pathPart"]);
      refresh_paths(resources, child_id);
    }
  }
}

void check_siblings(const Json& resources, const std::string& parent, const std::string& part,
                    const std::string& except = "") {
  for (const auto& [id, sibling] : resources.items()) {
    if (id == except || sibling.value("parentId", "") != parent) continue;
    std::string other = sibling.value("pathPart", "");
    if (other == part) {
      throw errors::conflict("Another resource with the same parent already has this name: " + part);
    }
    if (variable(other) && variable(part)) {
      throw errors::bad_request("A sibling (" + other + ") of this resource already has a variable path part -- only "
                                "one is allowed");
    }
  }
}

}  // namespace

// The resource as GetResource answers it: its methods embedded whole.
Json resource_view(const Json& resource, bool embed_methods) {
  Json view = {{"id", resource["id"]}, {"path", resource["path"]}};
  if (resource.contains("parentId")) view["parentId"] = resource["parentId"];
  if (resource.contains("pathPart")) view["pathPart"] = resource["pathPart"];
  if (resource.contains("resourceMethods") && !resource["resourceMethods"].empty()) {
    if (embed_methods) {
      view["resourceMethods"] = resource["resourceMethods"];
    } else {
      view["resourceMethods"] = Json::object();
      for (const auto& [method, _] : resource["resourceMethods"].items()) view["resourceMethods"][method] = Json::object();
    }
  }
  return view;
}

awaitable<Json> RestApiService::create_resource(RequestContext& context, const Json& in) {
  std::string parent = in.value("parentId", "");
  std::string part = in.value("pathPart", "");
  check_path_part(part);
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    Json& resources = document["resources"];
    if (!resources.contains(parent)) throw errors::not_found("Invalid Resource identifier specified");
    if (resources[parent].value("pathPart", "").ends_with("+}")) {
      throw errors::bad_request("Cannot create a child of a resource with a greedy path variable: " +
                                resources[parent].value("pathPart", ""));
    }
    check_siblings(resources, parent, part);
    std::string id = random_id(6);
    resources[id] = {{"id", id}, {"parentId", parent}, {"pathPart", part},
                     {"path", child_path(resources[parent]["path"], part)}};
    return resource_view(resources[id], true);
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::get_resource(RequestContext& context, const Json& in) {
  Json document = api_document(context, in.value("restApiId", ""));
  std::string id = in.value("resourceId", "");
  if (!document["resources"].contains(id)) throw errors::resource_not_found();
  co_return resource_view(document["resources"][id], true);
}

awaitable<Json> RestApiService::get_resources(RequestContext& context, const Json& in) {
  Json document = api_document(context, in.value("restApiId", ""));
  bool embed = false;
  for (const auto& value : in.value("embed", Json::array())) embed = embed || value == "methods";
  std::vector<Json> items;
  for (const auto& [id, resource] : document["resources"].items()) items.push_back(resource_view(resource, embed));
  std::sort(items.begin(), items.end(), [](const Json& a, const Json& b) { return a["path"] < b["path"]; });
  co_return page(items, in);
}

awaitable<Json> RestApiService::update_resource(RequestContext& context, const Json& in) {
  std::string id = in.value("resourceId", "");
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    Json& resources = document["resources"];
    if (!resources.contains(id)) throw errors::resource_not_found();
    Json& resource = resources[id];
    const Json operations = in.value("patchOperations", Json::array());
    if (!resource.contains("parentId")) {
      for (const auto& operation : operations) {
        std::string path = operation.value("path", "");
        if (path == "/parentId" || path == "/pathPart") {
          throw errors::bad_request("Root resource cannot update its " + path.substr(1) + ".");
        }
      }
    }
    replace_only(operations);
    apply_patch(resource, operations, {"/parentId", "/pathPart"});
    if (!resource.contains("parentId")) return resource_view(resource, true);
    std::string part = resource.value("pathPart", "");
    std::string parent = resource.value("parentId", "");
    check_path_part(part);
    if (!resources.contains(parent)) throw errors::not_found("Invalid Resource identifier specified");
    for (std::string up = parent; !up.empty(); up = resources[up].value("parentId", "")) {
      if (up == id) throw errors::bad_request("Resources cannot be cyclical.");
    }
    check_siblings(resources, parent, part, id);
    resource["path"] = child_path(resources[parent]["path"], part);
    refresh_paths(resources, id);
    return resource_view(resource, true);
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::delete_resource(RequestContext& context, const Json& in) {
  std::string id = in.value("resourceId", "");
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    Json& resources = document["resources"];
    if (!resources.contains(id)) throw errors::resource_not_found();
    if (!resources[id].contains("parentId")) throw errors::bad_request("Cannot delete root resource");
    std::vector<std::string> doomed = {id};
    for (size_t i = 0; i < doomed.size(); ++i) {
      for (const auto& [child_id, child] : resources.items()) {
        if (child.value("parentId", "") == doomed[i]) doomed.push_back(child_id);
      }
    }
    for (const auto& gone : doomed) resources.erase(gone);
    return Json::object();
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

}  // namespace nimbus::apigateway
