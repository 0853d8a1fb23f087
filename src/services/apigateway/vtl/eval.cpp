// Rendering nodes: text, references (undefined ones render as written), #set, #if, #foreach
// ($foreach.index/count/hasNext/first/last, $velocityCount, $velocityHasNext), #break, #stop.

#include "services/apigateway/vtl/eval.h"

#include <string>
#include <utility>

#include "services/apigateway/vtl/values.h"

namespace nimbus::apigateway::vtl {

namespace {

void ensure_object(Value& parent, const char* key) {
  if (!parent.contains(key) || !parent[key].is_object()) parent[key] = Value::object();
}

}  // namespace

Interp::Interp(std::string_view source, const Inputs& in) : inputs(in), source_(source) {
  Value context = in.context.is_object() ? from_json(in.context) : Value::object();
  ensure_object(context, "requestOverride");
  for (const char* part : {"header", "querystring", "path"})
    ensure_object(context["requestOverride"], part);
  ensure_object(context, "responseOverride");
  ensure_object(context["responseOverride"], "header");
  vars["context"] = std::move(context);
  vars["stageVariables"] =
      in.stage_variables.is_object() ? from_json(in.stage_variables) : Value::object();
  // $input.params() lists path, querystring and header in that order, as API Gateway does.
  Value params = in.params.is_object() ? from_json(in.params) : Value::object();
  params_ = Value::object();
  for (const char* part : {"path", "querystring", "header"}) {
    params_[part] =
        params.contains(part) && params[part].is_object() ? params[part] : Value::object();
  }
  for (auto& [key, value] : params.items()) {
    if (!params_.contains(key)) params_[key] = std::move(value);
  }
}

void Interp::fail(size_t pos, const std::string& message) const {
  throw TemplateError(message + " at " + describe_position(source_, pos));
}

void Interp::charge(size_t units, size_t pos) {
  work_ += units;
  if (work_ > inputs.work_budget)
    fail(pos, "template does too much work (a loop or value too large)");
}

void Interp::check_string(size_t length, size_t pos) {
  if (length > limits::kMaxOutput)
    fail(pos, "string longer than " + std::to_string(limits::kMaxOutput) + " bytes");
  charge(length / 64, pos);
}

void Interp::append(std::string& out, std::string_view s, size_t pos) {
  if (out.size() + s.size() > limits::kMaxOutput) {
    fail(pos, "output longer than " + std::to_string(limits::kMaxOutput) + " bytes");
  }
  out.append(s);
}

void Interp::check_storable(const Value& v, size_t pos) {
  if (value_depth(v, limits::kMaxValueDepth) > limits::kMaxValueDepth) {
    fail(pos, "value nests deeper than " + std::to_string(limits::kMaxValueDepth) + " levels");
  }
}

Interp::Flow Interp::render(const std::vector<Node>& nodes, std::string& out) {
  for (const Node& node : nodes) {
    Flow flow = render_node(node, out);
    if (flow != Flow::Normal) return flow;
  }
  return Flow::Normal;
}

void Interp::render_reference(const Reference& ref, std::string& out, bool escaped,
                              size_t slashes) {
  Slot slot = resolve(ref);
  const Value* v = slot.get();
  bool defined = v && !v->is_null();
  if (escaped) {
    // \$x renders "$x" when $x is defined; undefined, the backslashes stay as written.
    if (!defined) {
      append(out, std::string(slashes, '\\'), ref.pos);
      append(out, ref.text, ref.pos);
      return;
    }
    append(out, std::string(slashes / 2, '\\'), ref.pos);
    if (slashes % 2 == 1) {
      append(out, ref.text, ref.pos);
      return;
    }
  }
  if (!defined) {
    if (!ref.quiet && !inputs.quiet_undefined) append(out, ref.text, ref.pos);
    return;
  }
  if (v->is_string()) {
    append(out, v->get_ref<const std::string&>(), ref.pos);
  } else {
    charge(value_size(*v), ref.pos);
    std::string text = to_java_string(*v);
    append(out, text, ref.pos);
  }
}

Interp::Flow Interp::render_node(const Node& node, std::string& out) {
  charge(1, node.pos);
  switch (node.kind) {
    case Node::Kind::Text:
      append(out, node.text, node.pos);
      return Flow::Normal;
    case Node::Kind::Ref:
      render_reference(node.ref, out, false, 0);
      return Flow::Normal;
    case Node::Kind::EscapedRef:
      render_reference(node.ref, out, true, node.text.size());
      return Flow::Normal;
    case Node::Kind::Set:
      assign(node);
      return Flow::Normal;
    case Node::Kind::If:
      for (const Branch& branch : node.branches) {
        if (!branch.condition || test(*branch.condition)) return render(branch.body, out);
      }
      return Flow::Normal;
    case Node::Kind::Foreach:
      return foreach (node, out);
    case Node::Kind::Break:
      return Flow::Break;
    case Node::Kind::Stop:
      return Flow::Stop;
  }
  return Flow::Normal;
}

// #set($a = v), #set($a.b.c = v), #set($a[0] = v). A null value is not assigned (Velocity 1.7).
void Interp::assign(const Node& node) {
  const Reference& target = node.ref;
  Value value = eval(*node.value);
  if (value.is_null()) return;
  check_storable(value, node.pos);
  if (target.segments.empty()) {
    vars[target.root] = std::move(value);
    return;
  }
  if (value_depth(value, limits::kMaxValueDepth) + target.segments.size() >
      limits::kMaxValueDepth) {
    fail(node.pos, "value nests deeper than " + std::to_string(limits::kMaxValueDepth) + " levels");
  }
  const Segment& last = target.segments.back();
  Value key;
  if (last.kind == Segment::Kind::Index) key = eval(*last.args[0]);
  Slot container = resolve(target, target.segments.size() - 1);
  if (!container.is_stored_mutable()) return;  // null, $input data or a computed value
  Value& into = *container.writable();
  if (last.kind == Segment::Kind::Property) {
    if (into.is_object()) into[last.name] = std::move(value);
    return;
  }
  if (into.is_object() && !key.is_null()) {
    into[key.is_string() ? key.get<std::string>() : to_java_string(key)] = std::move(value);
  } else if (into.is_array() && is_integral(key)) {
    int64_t index = as_long(key);
    if (index < 0 || static_cast<uint64_t>(index) >= into.size()) {
      fail(node.pos, "index " + std::to_string(index) + " out of range for a list of " +
                         std::to_string(into.size()));
    }
    into[static_cast<size_t>(index)] = std::move(value);
  }
}

Interp::Flow Interp::foreach (const Node& node, std::string & out) {
  Value items = eval(*node.value);
  if (items.is_object()) {  // a map iterates over its values
    Value values = Value::array();
    for (auto& [key, item] : items.items()) values.push_back(std::move(item));
    items = std::move(values);
  }
  if (!items.is_array()) return Flow::Normal;  // null or a scalar: no iterations
  if (items.size() > limits::kMaxIterations) {
    fail(node.pos, "#foreach over " + std::to_string(items.size()) + " items; the limit is " +
                       std::to_string(limits::kMaxIterations));
  }
  // The loop's own variables hide outer ones and are restored afterwards.
  const std::string saved_names[] = {node.var, "foreach", "velocityCount", "velocityHasNext"};
  std::vector<std::optional<Value>> saved;
  for (const std::string& name : saved_names) {
    auto it = vars.find(name);
    saved.push_back(it == vars.end() ? std::nullopt : std::optional<Value>(it->second));
  }
  Flow result = Flow::Normal;
  size_t count = items.size();
  for (size_t index = 0; index < count; ++index) {
    charge(4, node.pos);
    bool has_next = index + 1 < count;
    vars[node.var] = std::move(items[index]);
    Value& loop = vars["foreach"];
    if (!loop.is_object() || loop.size() != 5) loop = Value::object();
    loop["index"] = index;
    loop["count"] = index + 1;
    loop["hasNext"] = has_next;
    loop["first"] = index == 0;
    loop["last"] = !has_next;
    vars["velocityCount"] = index + 1;
    vars["velocityHasNext"] = has_next;
    Flow flow = render(node.body, out);
    if (flow == Flow::Break) break;
    if (flow == Flow::Stop) {
      result = Flow::Stop;
      break;
    }
  }
  for (size_t k = 0; k < saved.size(); ++k) {
    if (saved[k]) {
      vars[saved_names[k]] = std::move(*saved[k]);
    } else {
      vars.erase(saved_names[k]);
    }
  }
  return result;
}

}  // namespace nimbus::apigateway::vtl
