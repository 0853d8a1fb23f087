// API Gateway's variables: $input (body, json, path, params) and $util (escapeJavaScript,
// parseJson, urlEncode, urlDecode, base64Encode, base64Decode). $context and $stageVariables
// are plain variables (eval.cpp).

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "services/apigateway/vtl/eval.h"
#include "services/apigateway/vtl/json_path.h"
#include "services/apigateway/vtl/text_util.h"
#include "services/apigateway/vtl/values.h"

namespace nimbus::apigateway::vtl {

namespace {

// Deepest bracket nesting of JSON text (strings skipped), to refuse what would nest too deeply
// before parsing it.
size_t json_nesting(std::string_view text) {
  size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// Text as JSON; nullopt if it is not JSON.
std::optional<Value> parse_json(std::string_view text) {
  if (json_nesting(text) > limits::kMaxValueDepth) return std::nullopt;
  Value v = Value::parse(text.begin(), text.end(), nullptr, false);
  if (v.is_discarded()) return std::nullopt;
  return v;
}

std::string text_of(const Value& v) {
  return v.is_string() ? v.get<std::string>() : to_java_string(v);
}

}  // namespace

// The body as JSON: an empty body is {}, a body that is not JSON is a string (so that
// $input.path('$') gives the raw text of a form post, as in API Gateway).
const Value& Interp::body() {
  if (!body_) {
    std::string_view text = inputs.body;
    size_t k = text.find_first_not_of(" \t\r\n");
    if (k == std::string_view::npos) {
      body_ = Value::object();
    } else if (std::optional<Value> parsed = parse_json(text)) {
      body_ = std::move(*parsed);
    } else {
      body_ = std::string(text);
    }
  }
  return *body_;
}

Slot Interp::input_member(const Segment& segment, std::vector<Value>& args, size_t pos) {
  const std::string& name = segment.name;
  bool method = segment.kind == Segment::Kind::Method;
  if (name == "body" && !method) {
    check_string(inputs.body.size(), pos);
    return Slot::of(inputs.body);
  }
  if (name == "params" && method && args.empty()) return Slot::readonly_ref(&params_);
  if (name == "params" && method && args.size() == 1) {
    // path, then query string, then header (a header's name in any case); "" when absent.
    std::string key = text_of(args[0]);
    for (const char* part : {"path", "querystring", "header"}) {
      const Value& map = params_[part];
      auto it = map.find(key);
      if (it != map.end() && !it->is_null()) return Slot::of(text_of(*it));
    }
    for (const auto& [header, value] : params_["header"].items()) {
      if (header.size() == key.size() &&
          std::equal(header.begin(), header.end(), key.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
          })) {
        return Slot::of(text_of(value));
      }
    }
    return Slot::of(std::string());
  }
  if ((name == "json" || name == "path") && method && args.size() == 1) {
    if (!args[0].is_string()) return Slot();
    JsonPath path;
    try {
      path = parse_json_path(args[0].get_ref<const std::string&>());
    } catch (const TemplateError& e) {
      fail(pos, e.what());
    }
    const Value& root = body();
    std::vector<const Value*> found = select(path, root, inputs.work_budget);
    charge(found.size(), pos);
    if (path.definite()) {
      if (name == "path") return found.empty() ? Slot() : Slot::readonly_ref(found[0]);
      if (found.empty()) return Slot::of(std::string());
      charge(value_size(*found[0]), pos);
      std::string text = to_json_text(*found[0]);
      check_string(text.size(), pos);
      return Slot::of(std::move(text));
    }
    Value list = Value::array();
    for (const Value* v : found) {
      charge(value_size(*v), pos);
      list.push_back(*v);
    }
    if (name == "path") return Slot::of(std::move(list));
    std::string text = to_json_text(list);
    check_string(text.size(), pos);
    return Slot::of(std::move(text));
  }
  return Slot();
}

Slot Interp::util_method(const Segment& segment, std::vector<Value>& args, size_t pos) {
  const std::string& name = segment.name;
  if (segment.kind != Segment::Kind::Method || args.size() != 1) return Slot();
  if (args[0].is_null()) return Slot();
  std::string text = text_of(args[0]);
  std::string out;
  if (name == "escapeJavaScript") {
    out = escape_javascript(text);
  } else if (name == "urlEncode") {
    out = url_encode(text);
  } else if (name == "base64Encode") {
    out = base64_encode(text);
  } else if (name == "urlDecode") {
    std::optional<std::string> decoded = url_decode(text);
    if (!decoded) fail(pos, "$util.urlDecode: malformed %-escape in '" + text.substr(0, 64) + "'");
    out = std::move(*decoded);
  } else if (name == "base64Decode") {
    std::optional<std::string> decoded = base64_decode(text);
    if (!decoded) fail(pos, "$util.base64Decode: not Base64");
    out = std::move(*decoded);
  } else if (name == "parseJson") {
    std::optional<Value> parsed = parse_json(text);
    if (!parsed)
      fail(pos, "$util.parseJson: not JSON (or nested deeper than " +
                    std::to_string(limits::kMaxValueDepth) + ")");
    charge(value_size(*parsed), pos);
    return Slot::of(std::move(*parsed));
  } else {
    return Slot();
  }
  check_string(out.size(), pos);
  return Slot::of(std::move(out));
}

}  // namespace nimbus::apigateway::vtl
