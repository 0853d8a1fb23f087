// Evaluating expressions and resolving references: variables, $input / $util, .property,
// [index] and .method(args).

#include <string>
#include <utility>
#include <vector>

#include "services/apigateway/vtl/eval.h"
#include "services/apigateway/vtl/values.h"

namespace nimbus::apigateway::vtl {

bool Interp::test(const Expr& e) {
  if (e.kind == Expr::Kind::Ref) return truthy(resolve(e.ref).get());  // no copy
  Value v = eval(e);
  return truthy(&v);
}

Value Interp::eval(const Expr& e) {
  charge(1, e.pos);
  switch (e.kind) {
    case Expr::Kind::Literal:
      return e.literal;
    case Expr::Kind::Template: {
      std::string text;
      render(e.parts, text);
      charge(text.size() / 64, e.pos);
      return text;
    }
    case Expr::Kind::Ref: {
      Slot slot = resolve(e.ref);
      const Value* v = slot.get();
      if (!v) return nullptr;
      charge(value_size(*v), e.pos);
      return *v;
    }
    case Expr::Kind::List: {
      Value list = Value::array();
      for (const ExprPtr& item : e.items) {
        Value v = eval(*item);
        check_storable(v, item->pos);
        list.push_back(std::move(v));
      }
      return list;
    }
    case Expr::Kind::Range: {
      Value from = eval(*e.items[0]), to = eval(*e.items[1]);
      if (!is_integral(from) || !is_integral(to)) return nullptr;
      int64_t a = as_long(from), b = as_long(to);
      uint64_t span = a <= b ? uint64_t(b) - uint64_t(a) : uint64_t(a) - uint64_t(b);
      if (span >= inputs.work_budget)
        fail(e.pos, "range [" + std::to_string(a) + ".." + std::to_string(b) + "] too large");
      charge(span + 1, e.pos);
      Value list = Value::array();
      for (int64_t n = a;; n += a <= b ? 1 : -1) {
        list.push_back(n);
        if (n == b) break;
      }
      return list;
    }
    case Expr::Kind::Map: {
      Value map = Value::object();
      for (size_t k = 0; k + 1 < e.items.size(); k += 2) {
        Value key = eval(*e.items[k]);
        Value v = eval(*e.items[k + 1]);
        check_storable(v, e.items[k + 1]->pos);
        map[key.is_string() ? key.get<std::string>() : to_java_string(key)] = std::move(v);
      }
      return map;
    }
    case Expr::Kind::Not:
      return !test(*e.items[0]);
    case Expr::Kind::Neg:
      return negate(eval(*e.items[0]));
    case Expr::Kind::Binary: {
      const std::string& op = e.op;
      if (op == "&&") return test(*e.items[0]) && test(*e.items[1]);
      if (op == "||") return test(*e.items[0]) || test(*e.items[1]);
      Value a = eval(*e.items[0]);
      Value b = eval(*e.items[1]);
      if (op == "==") return values_equal(a, b);
      if (op == "!=") return !values_equal(a, b);
      if (op == "<" || op == ">" || op == "<=" || op == ">=") {
        std::optional<int> c = compare_numbers(a, b);
        if (!c) return false;
        if (op == "<") return *c < 0;
        if (op == ">") return *c > 0;
        if (op == "<=") return *c <= 0;
        return *c >= 0;
      }
      Value result = arithmetic(op, a, b);
      if (result.is_string()) check_string(result.get_ref<const std::string&>().size(), e.pos);
      return result;
    }
  }
  return nullptr;
}

Slot Interp::resolve(const Reference& ref, size_t count) {
  count = std::min(count, ref.segments.size());
  // Arguments are evaluated first, so that evaluating them cannot move what the chain points
  // into (an argument may call $map.put).
  std::vector<std::vector<Value>> args(count);
  for (size_t k = 0; k < count; ++k) {
    for (const ExprPtr& arg : ref.segments[k].args) args[k].push_back(eval(*arg));
  }
  size_t first = 0;
  Slot slot;
  auto var = vars.find(ref.root);
  if (var != vars.end()) {
    slot = Slot::mutable_ref(&var->second);
  } else if ((ref.root == "input" || ref.root == "util") && count > 0) {
    slot = ref.root == "input" ? input_member(ref.segments[0], args[0], ref.pos)
                               : util_method(ref.segments[0], args[0], ref.pos);
    first = 1;
  }
  for (size_t k = first; k < count; ++k) {
    if (slot.is_null()) return Slot();
    slot = apply(std::move(slot), ref.segments[k], args[k], ref.pos);
  }
  return slot;
}

Slot Interp::apply(Slot base, const Segment& segment, std::vector<Value>& args, size_t pos) {
  charge(1, pos);
  const Value& v = *base.get();
  switch (segment.kind) {
    case Segment::Kind::Property: {
      if (v.is_object()) {
        auto it = v.find(segment.name);
        return it == v.end() ? Slot() : base.child(*it);
      }
      // JavaBean getters a template may use on lists and strings: $list.empty, $s.empty.
      if ((v.is_array() || v.is_string()) && segment.name == "empty") return Slot::of(v.empty());
      return Slot();
    }
    case Segment::Kind::Index: {
      const Value& key = args[0];
      if (v.is_array() && is_integral(key)) {
        int64_t index = as_long(key);
        if (index < 0) index += static_cast<int64_t>(v.size());  // Velocity 2: [-1] is the last
        if (index < 0 || static_cast<uint64_t>(index) >= v.size()) {
          fail(pos, "index " + std::to_string(as_long(key)) + " out of range for a list of " +
                        std::to_string(v.size()));
        }
        return base.child(v[static_cast<size_t>(index)]);
      }
      if (v.is_object() && key.is_string()) {
        auto it = v.find(key.get<std::string>());
        return it == v.end() ? Slot() : base.child(*it);
      }
      return Slot();
    }
    case Segment::Kind::Method: {
      std::optional<Slot> result = call_method(*this, base, segment.name, args, pos);
      return result ? std::move(*result) : Slot();
    }
  }
  return Slot();
}

}  // namespace nimbus::apigateway::vtl
