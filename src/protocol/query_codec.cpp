// The awsQuery protocol (SQS via AWS CLI v2 / older boto3): form-encoded parameters named the way
// botocore's QuerySerializer names them, and XML <{Op}Response> documents.
#include <charconv>
#include <map>
#include <set>

#include "core/text.h"
#include "protocol/codecs.h"
#include "protocol/validation.h"
#include "protocol/wire_values.h"
#include "protocol/xml_body.h"

namespace nimbus::protocol::detail {
namespace {

using model::MemberDef;
using model::ServiceModel;
using model::ShapeDef;
using model::ShapeType;
using ParamMap = std::map<std::string, std::string, std::less<>>;

std::string join(std::string_view prefix, std::string_view name) {
  if (prefix.empty()) return std::string(name);
  std::string out(prefix);
  out.push_back('.');
  out += name;
  return out;
}

// "A.B.Entries" -> "A.B.{name}" (flattened lists named by their member's locationName).
std::string replace_last_component(std::string_view key, std::string_view name) {
  size_t dot = key.rfind('.');
  return dot == std::string_view::npos ? std::string(name) : join(key.substr(0, dot), name);
}

// Decodes one operation's parameters by walking the input shape.
class QueryDecoder {
 public:
  QueryDecoder(const ServiceModel& service, const ParamMap& params) : service_(service), params_(params) {}

  Json structure(const ShapeDef& shape, std::string_view prefix) {
    Json out = Json::object();
    for (const MemberDef& m : service_.members_of(shape)) {
      std::string key = join(prefix, m.wire_name());
      if (auto value = decode(service_.shape(m.shape), m.flattened, key)) {
        out[std::string(m.name)] = std::move(*value);
      }
    }
    return out;
  }

 private:
  std::optional<Json> decode(const ShapeDef& shape, bool flattened, const std::string& key) {
    switch (shape.type) {
      case ShapeType::Structure:
        if (!has_prefix(key + ".")) return std::nullopt;
        return structure(shape, key);
      case ShapeType::List:
        return list(shape, flattened || shape.flattened, key);
      case ShapeType::Map:
        return map(shape, flattened || shape.flattened, key);
      default:
        return scalar(shape, key);
    }
  }

  std::optional<Json> scalar(const ShapeDef& shape, const std::string& key) {
    auto it = params_.find(key);
    if (it == params_.end()) return std::nullopt;
    auto value = wire::scalar_from_text(shape, it->second);
    if (!value) {
      throw AwsError::invalid_parameter_value("Value " + it->second + " for parameter " + key +
                                              " is invalid.");
    }
    return value;
  }

  std::optional<Json> list(const ShapeDef& shape, bool flattened, const std::string& key) {
    std::string item_prefix;
    if (flattened) {
      item_prefix = shape.list_member_name.empty() ? key : replace_last_component(key, shape.list_member_name);
    } else {
      item_prefix = join(key, shape.list_member_name.empty() ? "member" : shape.list_member_name);
    }
    auto found = indices(item_prefix);
    if (found.empty()) {
      auto empty = params_.find(key);
      if (empty != params_.end() && empty->second.empty()) return Json::array();
      return std::nullopt;
    }
    Json out = Json::array();
    const ShapeDef& item_shape = service_.shape(shape.list_member);
    for (uint64_t index : found) {
      auto item = decode(item_shape, false, join(item_prefix, std::to_string(index)));
      out.push_back(item ? std::move(*item) : Json(nullptr));
    }
    return out;
  }

  std::optional<Json> map(const ShapeDef& shape, bool flattened, const std::string& key) {
    std::string entry_prefix = flattened ? key : join(key, "entry");
    auto found = indices(entry_prefix);
    if (found.empty()) return std::nullopt;
    std::string_view key_name = shape.map_key_name.empty() ? "key" : shape.map_key_name;
    std::string_view value_name = shape.map_value_name.empty() ? "value" : shape.map_value_name;
    Json out = Json::object();
    for (uint64_t index : found) {
      std::string entry = join(entry_prefix, std::to_string(index));
      auto name = params_.find(join(entry, key_name));
      if (name == params_.end()) continue;
      auto value = decode(service_.shape(shape.map_value), false, join(entry, value_name));
      out[name->second] = value ? std::move(*value) : Json(nullptr);
    }
    return out;
  }

  bool has_prefix(const std::string& prefix) const {
    auto it = params_.lower_bound(prefix);
    return it != params_.end() && it->first.starts_with(prefix);
  }

  // The N of every "{prefix}.N" / "{prefix}.N.*" parameter, ascending.
  std::set<uint64_t> indices(const std::string& prefix) const {
    std::set<uint64_t> out;
    std::string start = prefix + ".";
    for (auto it = params_.lower_bound(start); it != params_.end() && it->first.starts_with(start); ++it) {
      std::string_view rest = std::string_view(it->first).substr(start.size());
      rest = rest.substr(0, rest.find('.'));
      uint64_t index = 0;
      auto result = std::from_chars(rest.data(), rest.data() + rest.size(), index);
      if (!rest.empty() && result.ec == std::errc() && result.ptr == rest.data() + rest.size()) {
        out.insert(index);
      }
    }
    return out;
  }

  const ServiceModel& service_;
  const ParamMap& params_;
};

void add_params(ParamMap& params, std::string_view text) {
  auto parsed = text::parse_form(text);
  if (!parsed) throw AwsError::malformed_query_string("The query string is not well formed (bad percent-encoding).");
  for (auto& [name, value] : *parsed) params[std::move(name)] = std::move(value);
}

std::string_view query_string_of(std::string_view target) {
  size_t question = target.find('?');
  return question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
}

}  // namespace

OperationCall decode_query(const ServiceModel& service, const HttpRequest& request) {
  ParamMap params;
  add_params(params, query_string_of(request.target()));
  add_params(params, request.body());
  auto action = params.find("Action");
  if (action == params.end() || action->second.empty()) {
    throw AwsError(400, "MissingAction", "The request must contain the parameter Action.");
  }
  const model::OperationDef* operation = service.find_operation(action->second);
  if (operation == nullptr) {
    throw AwsError::invalid_action("The action " + action->second + " is not valid for this endpoint.");
  }
  OperationCall call{operation, Json::object()};
  if (operation->input != model::kNoShape) {
    const ShapeDef& input = service.shape(operation->input);
    call.input = QueryDecoder(service, params).structure(input, "");
    validate_input(service, input, call.input, Wire::Query);
  }
  return call;
}

HttpResponse encode_query(const ServiceModel& service, const model::OperationDef& operation,
                          const Json& output, std::string_view request_id) {
  XmlWriter writer;
  writer.declaration();
  std::string root = std::string(operation.name) + "Response";
  writer.start(root, service.xml_namespace);
  if (operation.output != model::kNoShape) {
    const ShapeDef& shape = service.shape(operation.output);
    if (shape.member_count > 0) {
      if (!operation.result_wrapper.empty()) writer.start(operation.result_wrapper);
      if (output.is_object()) xml_body::write_members(writer, service, shape, output);
      if (!operation.result_wrapper.empty()) writer.end();
    }
  }
  writer.start("ResponseMetadata");
  writer.element("RequestId", request_id);
  writer.end();
  writer.end();
  HttpResponse response{http::status::ok, 11};
  response.body() = writer.take();
  finish_response(response, "text/xml", request_id);
  return response;
}

HttpResponse encode_query_error(const ServiceModel* service, const AwsError& error,
                                std::string_view request_id) {
  XmlWriter writer;
  writer.declaration();
  writer.start("ErrorResponse", service ? service->xml_namespace : std::string_view{});
  writer.start("Error");
  writer.element("Type", error.sender_fault ? "Sender" : "Receiver");
  writer.element("Code", error.wire_query_code());
  writer.element("Message", error.wire_query_message());
  writer.start("Detail");
  writer.end();
  writer.end();
  writer.element("RequestId", request_id);
  writer.end();
  HttpResponse response{static_cast<http::status>(error.http_status), 11};
  response.body() = writer.take();
  finish_response(response, "text/xml", request_id);
  return response;
}

}  // namespace nimbus::protocol::detail
