// rest-xml / rest-json requests and responses: requestUri matching, uri labels, querystring,
// header and prefix-header members, payloads, status codes.
#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

#include "core/text.h"
#include "protocol/codecs.h"
#include "protocol/event_stream.h"
#include "protocol/validation.h"
#include "protocol/wire_values.h"

namespace nimbus::protocol {
namespace {

using model::MemberDef;
using model::OperationDef;
using model::ServiceModel;
using model::ShapeDef;
using model::ShapeType;
using Labels = std::map<std::string, std::string, std::less<>>;

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  while (true) {
    size_t at = text.find(separator);
    out.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return out;
    text = text.substr(at + 1);
  }
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Matches `path` against the path part of a requestUri; fills raw (still encoded) label values.
bool match_path(std::string_view uri_template, std::string_view path, Labels& labels, int& literals) {
  std::string_view pattern = uri_template.substr(0, uri_template.find('?'));
  auto wanted = split(pattern.substr(pattern.starts_with('/') ? 1 : 0), '/');
  auto given = split(path.substr(path.starts_with('/') ? 1 : 0), '/');
  bool greedy = !wanted.empty() && wanted.back().ends_with("+}");
  // A trailing slash is optional on either side ("/2015-03-31/functions/" matches ".../functions").
  if (!greedy && given.size() > 1 && given.back().empty()) given.pop_back();
  if (wanted.size() > 1 && wanted.back().empty()) wanted.pop_back();
  if (greedy ? given.size() < wanted.size() : given.size() != wanted.size()) return false;
  literals = 0;
  for (size_t i = 0; i < wanted.size(); ++i) {
    std::string_view segment = wanted[i];
    if (segment.starts_with('{') && segment.ends_with('}')) {
      std::string_view name = segment.substr(1, segment.size() - 2);
      if (name.ends_with('+')) {
        std::string rest;
        for (size_t j = i; j < given.size(); ++j) {
          if (j > i) rest.push_back('/');
          rest += given[j];
        }
        if (rest.empty()) return false;
        labels[std::string(name.substr(0, name.size() - 1))] = rest;
        return true;
      }
      if (given[i].empty()) return false;
      labels[std::string(name)] = given[i];
    } else if (segment != given[i]) {
      return false;
    } else {
      ++literals;
    }
  }
  return true;
}

std::multimap<std::string, std::string, std::less<>> query_params(std::string_view query) {
  std::multimap<std::string, std::string, std::less<>> out;
  for (std::string_view pair : split(query, '&')) {
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto name = text::percent_decode(pair.substr(0, eq), true);
    auto value = text::percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (name && value) out.emplace(std::move(*name), std::move(*value));
  }
  return out;
}

// "?uploads" / "?list-type=2" / "?select&select-type=2" literals: how many, or -1 if unmet.
int match_query_literals(std::string_view uri_template,
                         const std::multimap<std::string, std::string, std::less<>>& params) {
  size_t question = uri_template.find('?');
  if (question == std::string_view::npos) return 0;
  int count = 0;
  for (std::string_view literal : split(uri_template.substr(question + 1), '&')) {
    size_t eq = literal.find('=');
    auto it = params.find(literal.substr(0, eq));
    if (it == params.end()) return -1;
    if (eq != std::string_view::npos && it->second != literal.substr(eq + 1)) return -1;
    ++count;
  }
  return count;
}

// Required querystring/header members present, or -1 when one is missing.
int required_members_present(const ServiceModel& service, const OperationDef& operation,
                             const std::multimap<std::string, std::string, std::less<>>& params,
                             const http::fields* headers) {
  if (operation.input == model::kNoShape) return 0;
  int count = 0;
  for (const MemberDef& m : service.members_of(service.shape(operation.input))) {
    if (!m.required) continue;
    if (m.location == "querystring") {
      if (params.find(m.wire_name()) == params.end()) return -1;
      ++count;
    } else if (m.location == "header") {
      if (headers == nullptr || headers->find(m.wire_name()) == headers->end()) return -1;
      ++count;
    }
  }
  return count;
}

std::optional<Json> scalar_or_throw(const ShapeDef& shape, std::string_view text, Wire wire,
                                    std::string_view name) {
  auto value = wire::scalar_from_text(shape, text);
  if (!value) {
    std::string message = "Invalid value for " + std::string(name) + ": " + std::string(text);
    if (wire == Wire::RestXml) throw AwsError(400, "InvalidArgument", message);
    throw AwsError::serialization(message);
  }
  return value;
}

std::optional<Json> decode_header(const ShapeDef& shape, const MemberDef& m, const http::fields& headers,
                                  Wire wire) {
  auto it = headers.find(m.wire_name());
  if (it == headers.end()) return std::nullopt;
  std::string_view text = it->value();
  if (shape.type == ShapeType::List) {
    Json list = Json::array();
    for (std::string_view item : split(text, ',')) {
      size_t first = item.find_first_not_of(' ');
      item = first == std::string_view::npos ? std::string_view{} : item.substr(first);
      item = item.substr(0, item.find_last_not_of(' ') + 1);
      list.push_back(item);
    }
    return list;
  }
  return scalar_or_throw(shape, text, wire, m.wire_name());
}

Json decode_prefix_headers(const MemberDef& m, const http::fields& headers) {
  std::string prefix = lower(m.wire_name());
  Json map = Json::object();
  for (const auto& field : headers) {
    std::string name = lower(field.name_string());
    if (name.size() > prefix.size() && name.starts_with(prefix)) {
      map[name.substr(prefix.size())] = std::string(field.value());
    }
  }
  return map;
}

std::optional<Json> decode_querystring(const ShapeDef& shape, const MemberDef& m,
                                       const std::multimap<std::string, std::string, std::less<>>& params,
                                       Wire wire) {
  if (shape.type == ShapeType::Map) {
    Json map = Json::object();
    for (const auto& [name, value] : params) map[name] = value;
    return map;
  }
  auto [first, last] = params.equal_range(m.wire_name());
  if (first == last) return std::nullopt;
  if (shape.type == ShapeType::List) {
    Json list = Json::array();
    for (auto it = first; it != last; ++it) list.push_back(it->second);
    return list;
  }
  return scalar_or_throw(shape, first->second, wire, m.wire_name());
}

void decode_payload(const ServiceModel& service, const MemberDef& m, Wire wire,
                    std::optional<std::string_view> body, Json& input) {
  const ShapeDef& shape = service.shape(m.shape);
  if (!body) return;
  if (shape.type == ShapeType::Blob || shape.type == ShapeType::String) {
    input[std::string(m.name)] = std::string(*body);
  } else if (!body->empty() && shape.type == ShapeType::Structure) {
    // A payload structure's document must be rooted at the member's element name (<Tagging>...).
    input[std::string(m.name)] =
        wire == Wire::RestXml ? detail::decode_rest_xml_body(service, shape, *body, m.wire_name())
                              : detail::decode_rest_json_body(service, shape, *body);
  }
}

std::string header_text(const ShapeDef& shape, const MemberDef& m, const Json& value) {
  if (shape.type == ShapeType::List && value.is_array()) {
    std::string joined;
    for (const Json& item : value) {
      if (!joined.empty()) joined += ", ";
      joined += item.is_string() ? item.get<std::string>() : item.dump();
    }
    return joined;
  }
  std::string_view format = m.timestamp_format.empty() ? std::string_view("rfc822") : m.timestamp_format;
  return wire::scalar_to_text(shape, value, format);
}

const MemberDef* payload_member(const ServiceModel& service, const ShapeDef& shape) {
  if (shape.payload.empty()) return nullptr;
  for (const MemberDef& m : service.members_of(shape)) {
    if (m.name == shape.payload) return &m;
  }
  return nullptr;
}

bool has_body_members(const ServiceModel& service, const ShapeDef& shape) {
  auto members = service.members_of(shape);
  return std::any_of(members.begin(), members.end(), [](const MemberDef& m) { return m.location.empty(); });
}

}  // namespace

const OperationDef* match_rest_operation(const ServiceModel& service, std::string_view method,
                                         std::string_view path, std::string_view query,
                                         const http::fields* headers) {
  auto params = query_params(query);
  const OperationDef* best = nullptr;
  std::tuple<int, int, int, int> best_score{-1, -1, -1, -1};
  for (const OperationDef& op : service.operations) {
    if (op.http_method != method) continue;
    Labels labels;
    int literals = 0;
    if (!match_path(op.request_uri, path, labels, literals)) continue;
    int query_literals = match_query_literals(op.request_uri, params);
    if (query_literals < 0) continue;
    int required = required_members_present(service, op, params, headers);
    if (required < 0) continue;
    std::tuple<int, int, int, int> score{query_literals, required, literals, op.deprecated ? 0 : 1};
    if (best == nullptr || score > best_score) {
      best = &op;
      best_score = score;
    }
  }
  return best;
}

OperationCall decode_rest_request(const ServiceModel& service, Wire wire, const OperationDef& operation,
                                  std::string_view target, const http::fields& headers,
                                  std::optional<std::string_view> body) {
  OperationCall call{&operation, Json::object()};
  if (operation.input == model::kNoShape) return call;
  size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  auto params = query_params(question == std::string_view::npos ? std::string_view{} : target.substr(question + 1));
  Labels labels;
  int literals = 0;
  match_path(operation.request_uri, path, labels, literals);

  const ShapeDef& input = service.shape(operation.input);
  const MemberDef* payload = payload_member(service, input);
  for (const MemberDef& m : service.members_of(input)) {
    const ShapeDef& shape = service.shape(m.shape);
    std::optional<Json> value;
    if (m.location == "uri") {
      auto it = labels.find(m.wire_name());
      if (it != labels.end()) {
        auto decoded = text::percent_decode(it->second, false);
        if (!decoded) throw AwsError(400, "InvalidURI", "Couldn't parse the specified URI.");
        value = scalar_or_throw(shape, *decoded, wire, m.wire_name());
      }
    } else if (m.location == "querystring") {
      value = decode_querystring(shape, m, params, wire);
    } else if (m.location == "header") {
      value = decode_header(shape, m, headers, wire);
    } else if (m.location == "headers") {
      value = decode_prefix_headers(m, headers);
    } else if (&m == payload) {
      decode_payload(service, m, wire, body, call.input);
    }
    if (value) call.input[std::string(m.name)] = std::move(*value);
  }
  if (payload == nullptr && body && !body->empty() && has_body_members(service, input)) {
    Json members = wire == Wire::RestXml ? detail::decode_rest_xml_body(service, input, *body)
                                         : detail::decode_rest_json_body(service, input, *body);
    for (auto& [name, value] : members.items()) call.input[name] = std::move(value);
  }
  validate_input(service, input, call.input, wire);
  return call;
}

void encode_rest_head(const ServiceModel& service, const OperationDef& operation, const Json& output,
                      http::response_header<>& head) {
  head.result(operation.http_status ? operation.http_status : 200);
  if (operation.output == model::kNoShape || !output.is_object()) return;
  for (const MemberDef& m : service.members_of(service.shape(operation.output))) {
    auto it = output.find(std::string(m.name));
    if (it == output.end() || it->is_null()) continue;
    const ShapeDef& shape = service.shape(m.shape);
    if (m.location == "header") {
      head.set(m.wire_name(), header_text(shape, m, *it));
    } else if (m.location == "headers" && it->is_object()) {
      for (const auto& [key, value] : it->items()) {
        head.set(std::string(m.wire_name()) + key, value.is_string() ? value.get<std::string>() : value.dump());
      }
    } else if (m.location == "statusCode" && it->is_number_integer()) {
      head.result(it->get<unsigned>());
    }
  }
}

namespace detail {

HttpResponse encode_rest(const ServiceModel& service, Wire wire, const OperationDef& operation,
                         const Json& output, std::string_view request_id) {
  HttpResponse response;
  encode_rest_head(service, operation, output, response);
  std::string content_type = wire == Wire::RestXml ? "application/xml" : "application/json";
  if (operation.output != model::kNoShape && output.is_object()) {
    const ShapeDef& shape = service.shape(operation.output);
    const MemberDef* payload = payload_member(service, shape);
    auto payload_value = payload ? output.find(std::string(payload->name)) : output.end();
    if (payload != nullptr && payload_value != output.end() && !payload_value->is_null()) {
      const ShapeDef& payload_shape = service.shape(payload->shape);
      if (payload_shape.event_stream && payload_value->is_array()) {
        response.body() = encode_event_stream(service, payload_shape, *payload_value);
        content_type = "application/vnd.amazon.eventstream";
      } else if (payload_shape.type == ShapeType::Structure) {
        std::string_view ns = !payload->xml_namespace_uri.empty() ? payload->xml_namespace_uri
                              : !payload_shape.xml_namespace.empty() ? payload_shape.xml_namespace
                                                                     : service.xml_namespace;
        response.body() = wire == Wire::RestXml
                              ? encode_rest_xml_body(service, payload->wire_name(), ns, payload_shape, *payload_value)
                              : encode_rest_json_body(service, payload_shape, *payload_value);
      } else {
        response.body() = payload_value->is_string() ? payload_value->get<std::string>() : payload_value->dump();
        content_type = "application/octet-stream";
      }
    } else if (payload == nullptr && has_body_members(service, shape)) {
      if (wire == Wire::RestJson) {
        response.body() = encode_rest_json_body(service, shape, output);
      } else {
        std::string root = shape.location_name.empty() ? std::string(operation.name) + "Result"
                                                        : std::string(shape.location_name);
        auto members = service.members_of(shape);
        auto body_member = std::find_if(members.begin(), members.end(),
                                        [](const MemberDef& m) { return m.location.empty(); });
        bool text_root = body_member->wire_name() == root && wire::is_scalar(service.shape(body_member->shape).type);
        if (text_root) {
          auto value = output.find(std::string(body_member->name));
          response.body() = encode_rest_xml_body(service, root, service.xml_namespace,
                                                 service.shape(body_member->shape),
                                                 value == output.end() ? Json("") : *value);
        } else {
          response.body() = encode_rest_xml_body(service, root, service.xml_namespace, shape, output);
        }
      }
    }
  }
  if (wire == Wire::RestXml) response.set("x-amz-request-id", request_id);
  bool sized = response.find(http::field::content_length) != response.end();
  bool typed = response.find(http::field::content_type) != response.end();
  response.set("x-amzn-RequestId", request_id);
  if (!typed && !response.body().empty()) response.set(http::field::content_type, content_type);
  if (!sized) response.prepare_payload();
  return response;
}

}  // namespace detail
}  // namespace nimbus::protocol
