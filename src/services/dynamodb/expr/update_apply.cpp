// Applying an update to an item, as DynamoDB does: every SET value is computed from the item as it
// was, then the actions are applied; list elements removed by REMOVE go last, highest index first,
// so every index in the expression refers to the list as it was.
#include <algorithm>

#include "services/dynamodb/expr/document.h"
#include "services/dynamodb/expr/expression.h"
#include "services/dynamodb/expr/number.h"

namespace nimbus::dynamodb::expr {
namespace {

[[noreturn]] void wrong_type() {
  throw ExpressionError{"An operand in the update expression has an incorrect data type"};
}

[[noreturn]] void invalid_path() {
  throw ExpressionError{
      "The document path provided in the update expression is invalid for update"};
}

Number number_of(const Json& value) {
  if (type_of(value) != Type::N) wrong_type();
  return Number::parse(value["N"].get<std::string>());
}

Json value_of(const Operand& op, const Json& item) {
  switch (op.kind) {
    case Operand::Kind::Value:
      return op.value;
    case Operand::Kind::Path: {
      const Json* v = find(item, op.path);
      if (!v)
        throw ExpressionError{
            "The provided expression refers to an attribute that does not exist in the item"};
      return *v;
    }
    case Operand::Kind::Plus:
    case Operand::Kind::Minus: {
      Number a = number_of(value_of(op.args[0], item));
      Number b = number_of(value_of(op.args[1], item));
      return Json{{"N", (op.kind == Operand::Kind::Plus ? a.plus(b) : a.minus(b)).to_string()}};
    }
    case Operand::Kind::Function:
      if (op.name == "if_not_exists") {
        const Json* existing = find(item, op.args[0].path);
        return existing ? *existing : value_of(op.args[1], item);
      } else {
        Json a = value_of(op.args[0], item);
        Json b = value_of(op.args[1], item);
        if (type_of(a) != Type::L || type_of(b) != Type::L) wrong_type();
        for (Json& e : b["L"]) a["L"].push_back(std::move(e));
        return a;
      }
  }
  return op.value;
}

// The map or list that holds the last step of `path` (the item itself for a top-level attribute).
Json* container_of(Json& item, const Path& path) {
  if (path.size() == 1) return &item;
  Path parent_path(path.begin(), path.end() - 1);
  Json* parent = const_cast<Json*>(find(item, parent_path));
  if (!parent) invalid_path();
  const char* kind = path.back().is_index ? "L" : "M";
  auto inner = parent->find(kind);
  if (inner == parent->end()) invalid_path();
  return &*inner;
}

// The existing value at the last step, or nullptr.
Json* member(Json& container, const PathElement& step) {
  if (step.is_index) return step.index < container.size() ? &container[step.index] : nullptr;
  auto it = container.find(step.name);
  return it == container.end() ? nullptr : &*it;
}

void put(Json& container, const PathElement& step, Json value) {
  if (!step.is_index) {
    container[step.name] = std::move(value);
  } else if (step.index < container.size()) {
    container[step.index] = std::move(value);
  } else {
    container.push_back(std::move(value));  // past the end: DynamoDB appends
  }
}

void erase(Json& container, const PathElement& step) {
  if (!step.is_index) {
    container.erase(step.name);
  } else if (step.index < container.size()) {
    container.erase(step.index);
  }
}

// Elements of `b` not already in the set `a`, appended to it.
void set_union(Json& a, const Json& b) {
  Type type = type_of(a);
  std::string_view key = type_key(type);
  for (const Json& e : b.begin().value()) {
    bool present = false;
    for (const Json& existing : a[key])
      present = present || equal(Json{{key, existing}}, Json{{key, e}});
    if (!present) a[key].push_back(e);
  }
}

void set_difference(Json& a, const Json& b) {
  std::string_view key = type_key(type_of(a));
  Json kept = Json::array();
  for (const Json& existing : a[key]) {
    bool removed = false;
    for (const Json& e : b.begin().value())
      removed = removed || equal(Json{{key, existing}}, Json{{key, e}});
    if (!removed) kept.push_back(existing);
  }
  a[key] = std::move(kept);
}

void add(Json& container, const PathElement& step, const Json& value) {
  Json* existing = member(container, step);
  if (!existing) {
    put(container, step,
        type_of(value) == Type::N ? Json{{"N", Number().plus(number_of(value)).to_string()}}
                                  : value);
  } else if (type_of(*existing) != type_of(value)) {
    wrong_type();
  } else if (type_of(value) == Type::N) {
    *existing = Json{{"N", number_of(*existing).plus(number_of(value)).to_string()}};
  } else {
    set_union(*existing, value);
  }
}

void remove_elements(Json& container, const PathElement& step, const Json& value) {
  Json* existing = member(container, step);
  if (!existing) return;
  if (type_of(*existing) != type_of(value)) wrong_type();
  set_difference(*existing, value);
  if (existing->begin().value().empty()) erase(container, step);
}

}  // namespace

Json apply_update(const Update& update, const Json& item) {
  std::vector<Json> set_values;
  for (const UpdateAction& a : update.actions) {
    if (a.kind == UpdateAction::Kind::Set) set_values.push_back(value_of(a.value, item));
  }
  Json result = item;
  std::vector<const Path*> removed_elements;
  size_t next_set = 0;
  for (const UpdateAction& a : update.actions) {
    Json& container = *container_of(result, a.path);
    const PathElement& step = a.path.back();
    switch (a.kind) {
      case UpdateAction::Kind::Set:
        put(container, step, std::move(set_values[next_set++]));
        break;
      case UpdateAction::Kind::Remove:
        if (step.is_index) {
          removed_elements.push_back(&a.path);
        } else {
          erase(container, step);
        }
        break;
      case UpdateAction::Kind::Add:
        add(container, step, a.value.value);
        break;
      case UpdateAction::Kind::Delete:
        remove_elements(container, step, a.value.value);
        break;
    }
  }
  // Highest paths first: a later element of a list, or an element inside it, goes before an earlier
  // one.
  std::sort(removed_elements.begin(), removed_elements.end(), [](const Path* x, const Path* y) {
    return std::lexicographical_compare(
        y->begin(), y->end(), x->begin(), x->end(), [](const PathElement& p, const PathElement& q) {
          return p.is_index == q.is_index ? (p.is_index ? p.index < q.index : p.name < q.name)
                                          : p.is_index < q.is_index;
        });
  });
  for (const Path* path : removed_elements) erase(*container_of(result, *path), path->back());
  return result;
}

}  // namespace nimbus::dynamodb::expr
