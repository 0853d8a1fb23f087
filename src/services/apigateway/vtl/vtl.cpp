// The entry points: parse, render, and read back $context's overrides.

#include "services/apigateway/vtl/vtl.h"

#include <charconv>

#include "services/apigateway/vtl/ast.h"
#include "services/apigateway/vtl/eval.h"
#include "services/apigateway/vtl/values.h"

namespace nimbus::apigateway::vtl {

namespace {

void read_map(const Value& parent, const char* key, std::map<std::string, std::string>& out) {
  auto it = parent.find(key);
  if (it == parent.end() || !it->is_object()) return;
  for (const auto& [name, value] : it->items()) {
    if (!value.is_null())
      out[name] = value.is_string() ? value.get<std::string>() : to_java_string(value);
  }
}

std::optional<int> read_status(const Value& v) {
  int64_t status = 0;
  if (is_integral(v)) {
    status = as_long(v);
  } else if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), status);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (status < 100 || status > 599) return std::nullopt;
  return static_cast<int>(status);
}

Overrides read_overrides(const Value& context) {
  Overrides out;
  if (!context.is_object()) return out;
  auto response = context.find("responseOverride");
  if (response != context.end() && response->is_object()) {
    auto status = response->find("status");
    if (status != response->end()) out.status = read_status(*status);
    read_map(*response, "header", out.response_headers);
  }
  auto request = context.find("requestOverride");
  if (request != context.end() && request->is_object()) {
    read_map(*request, "header", out.request_headers);
    read_map(*request, "querystring", out.request_querystring);
    read_map(*request, "path", out.request_path);
  }
  return out;
}

}  // namespace

namespace {

Rendered render_nodes(std::string_view text, const std::vector<Node>& nodes, const Inputs& inputs) {
  Interp interp(text, inputs);
  Rendered out;
  interp.render(nodes, out.text);
  auto context = interp.vars.find("context");
  if (context != interp.vars.end()) out.overrides = read_overrides(context->second);
  return out;
}

}  // namespace

Template::Template(std::string text) : text_(std::move(text)) {
  nodes_ = std::make_shared<const std::vector<Node>>(parse_template(text_));
}

Template::~Template() = default;

Rendered Template::render(const Inputs& inputs) const { return render_nodes(text_, *nodes_, inputs); }

Rendered render_with_overrides(std::string_view text, const Inputs& inputs) {
  std::vector<Node> nodes = parse_template(text);
  return render_nodes(text, nodes, inputs);
}

std::string render(std::string_view text, const Inputs& inputs) {
  return render_with_overrides(text, inputs).text;
}

}  // namespace nimbus::apigateway::vtl
