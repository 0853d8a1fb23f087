#include "protocol/model.h"

#include <algorithm>

namespace nimbus::model {

const OperationDef* ServiceModel::find_operation(std::string_view operation_name) const {
  auto it = std::lower_bound(operations.begin(), operations.end(), operation_name,
                             [](const OperationDef& op, std::string_view name) { return op.name < name; });
  if (it == operations.end() || it->name != operation_name) return nullptr;
  return &*it;
}

const ShapeDef* ServiceModel::find_shape(std::string_view shape_name) const {
  if (shape_name.empty()) return nullptr;
  for (const ShapeDef& s : shapes) {
    if (s.name == shape_name) return &s;
  }
  return nullptr;
}

}  // namespace nimbus::model
