// Projection: each named path that exists is copied into the result under the same structure;
// the elements picked from a list keep their order and are packed together, as DynamoDB returns
// them
// (`a[1], a[3]` of a five-element list is a two-element list).
#include <map>

#include "services/dynamodb/expr/document.h"
#include "services/dynamodb/expr/expression.h"

namespace nimbus::dynamodb::expr {
namespace {

// The result being built: a picked value, or the map keys / list indexes picked below this point.
struct Picked {
  Json value;
  std::map<std::string, Picked> names;
  std::map<uint32_t, Picked> indexes;
};

Json to_json(Picked& node) {
  if (!node.value.is_null()) return std::move(node.value);
  if (!node.indexes.empty()) {
    Json list = Json::array();
    for (auto& [index, child] : node.indexes) list.push_back(to_json(child));
    return Json{{"L", std::move(list)}};
  }
  Json map = Json::object();
  for (auto& [name, child] : node.names) map[name] = to_json(child);
  return Json{{"M", std::move(map)}};
}

}  // namespace

Json project(const Projection& projection, const Json& item) {
  Picked root;
  for (const Path& path : projection.paths) {
    const Json* value = find(item, path);
    if (!value) continue;
    Picked* node = &root;
    for (const PathElement& step : path)
      node = step.is_index ? &node->indexes[step.index] : &node->names[step.name];
    node->value = *value;
  }
  Json result = Json::object();
  for (auto& [name, child] : root.names) result[name] = to_json(child);
  return result;
}

}  // namespace nimbus::dynamodb::expr
