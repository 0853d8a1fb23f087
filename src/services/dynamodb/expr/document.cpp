#include "services/dynamodb/expr/document.h"

namespace nimbus::dynamodb::expr {

const Json* find(const Json& item, const Path& path) {
  if (path.empty() || path[0].is_index) return nullptr;
  auto top = item.find(path[0].name);
  if (top == item.end()) return nullptr;
  const Json* at = &*top;
  for (size_t i = 1; i < path.size(); ++i) {
    const PathElement& step = path[i];
    if (step.is_index) {
      auto list = at->find("L");
      if (list == at->end() || step.index >= list->size()) return nullptr;
      at = &(*list)[step.index];
    } else {
      auto map = at->find("M");
      if (map == at->end()) return nullptr;
      auto member = map->find(step.name);
      if (member == map->end()) return nullptr;
      at = &*member;
    }
  }
  return at;
}

}  // namespace nimbus::dynamodb::expr
