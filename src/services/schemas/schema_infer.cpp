#include "services/schemas/schema_infer.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "services/schemas/schemas_names.h"

namespace nimbus::schemas {
namespace {

constexpr std::string_view kRefPrefix = "#/components/schemas/";

// AWS's envelope members, in the order AWS lists them as required.
const std::vector<std::string>& envelope_required() {
  static const std::vector<std::string> members = {"detail-type", "resources", "detail", "id",     "source",
                                                   "time",        "region",    "version", "account"};
  return members;
}

Json merge_schema(const Json& base, const Json& added);

// Objects of one name share one component (their members merged).
std::string component_name(const std::string& wanted) { return wanted.empty() ? "Object" : wanted; }

Json infer_value(const Json& value, const std::string& member, Json& components);

Json infer_object(const Json& object, const std::string& name, Json& components) {
  Json schema = {{"type", "object"}};
  Json required = Json::array();
  Json properties = Json::object();
  for (auto it = object.begin(); it != object.end(); ++it) {
    required.push_back(it.key());
    properties[it.key()] = infer_value(it.value(), it.key(), components);
  }
  if (!required.empty()) schema["required"] = std::move(required);
  schema["properties"] = std::move(properties);
  std::string component = component_name(name);
  auto& slot = components[component];
  slot = slot.is_null() ? schema : merge_schema(slot, schema);
  return {{"$ref", std::string(kRefPrefix) + component}};
}

Json infer_value(const Json& value, const std::string& member, Json& components) {
  switch (value.type()) {
    case Json::value_t::object:
      return infer_object(value, pascal_name(member), components);
    case Json::value_t::array: {
      Json items;
      for (const auto& element : value) {
        Json inferred = infer_value(element, member, components);
        items = items.is_null() ? inferred : merge_schema(items, inferred);
      }
      if (items.is_null()) items = {{"type", "object"}};
      return {{"type", "array"}, {"items", items}};
    }
    case Json::value_t::string:
      if (is_date_time(value.get<std::string>())) return {{"type", "string"}, {"format", "date-time"}};
      return {{"type", "string"}};
    case Json::value_t::boolean:
      return {{"type", "boolean"}};
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return {{"type", "number"}};
    case Json::value_t::number_float:
      return {{"type", "number"}, {"format", "double"}};
    default:
      return Json::object();  // null: any value
  }
}

// Two inferred schemas of one member: objects merge members; otherwise the first one wins,
// except that a number with format double absorbs an integer one.
Json merge_schema(const Json& base, const Json& added) {
  if (base.is_object() && base.empty()) return added;
  if (added.is_object() && added.empty()) return base;
  if (base.value("type", "") != added.value("type", "")) return base;
  Json out = base;
  if (base.value("type", "") == "object" && (base.contains("properties") || added.contains("properties"))) {
    Json properties = base.value("properties", Json::object());
    const Json added_properties = added.value("properties", Json::object());
    for (auto it = added_properties.begin(); it != added_properties.end(); ++it) {
      properties[it.key()] = properties.contains(it.key()) ? merge_schema(properties[it.key()], it.value()) : it.value();
    }
    out["properties"] = std::move(properties);
    Json required = Json::array();
    const Json added_required = added.value("required", Json::array());
    for (const auto& member : base.value("required", Json::array())) {
      if (std::find(added_required.begin(), added_required.end(), member) != added_required.end()) {
        required.push_back(member);
      }
    }
    if (required.empty()) {
      out.erase("required");
    } else {
      out["required"] = std::move(required);
    }
  } else if (base.value("type", "") == "array" && base.contains("items") && added.contains("items")) {
    out["items"] = merge_schema(base["items"], added["items"]);
  } else if (base.value("type", "") == "number" && added.contains("format")) {
    out["format"] = added["format"];
  }
  return out;
}

bool digits(const std::string& text, size_t at, size_t count) {
  if (at + count > text.size()) return false;
  for (size_t i = at; i < at + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

}  // namespace

bool is_date_time(const std::string& text) {
  // yyyy-mm-ddThh:mm:ss[.fraction](Z|±hh:mm)
  if (!digits(text, 0, 4) || text.size() < 20 || text[4] != '-' || !digits(text, 5, 2) || text[7] != '-' ||
      !digits(text, 8, 2) || (text[10] != 'T' && text[10] != 't') || !digits(text, 11, 2) || text[13] != ':' ||
      !digits(text, 14, 2) || text[16] != ':' || !digits(text, 17, 2)) {
    return false;
  }
  size_t at = 19;
  if (at < text.size() && text[at] == '.') {
    ++at;
    size_t start = at;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) ++at;
    if (at == start) return false;
  }
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) return at + 1 == text.size();
  return at + 6 == text.size() && (text[at] == '+' || text[at] == '-') && digits(text, at + 1, 2) &&
         text[at + 3] == ':' && digits(text, at + 4, 2);
}

Json infer_openapi(const Json& event) {
  if (!event.is_object()) throw std::invalid_argument("an event must be a JSON object");
  Json components = Json::object();
  std::string title = "Event";
  bool envelope = event.contains("source") && event["source"].is_string() && event.contains("detail-type") &&
                  event["detail-type"].is_string() && event.contains("detail") && event["detail"].is_object();
  if (envelope) {
    std::string detail_type = event["detail-type"].get<std::string>();
    title = pascal_name(detail_type);
    if (title.empty()) title = "Detail";
    Json properties = Json::object();
    for (auto it = event.begin(); it != event.end(); ++it) {
      if (it.key() == "detail") continue;
      properties[it.key()] = infer_value(it.value(), it.key(), components);
    }
    // The envelope's own members have fixed types, whatever this event carries.
    for (const char* member : {"account", "detail-type", "id", "region", "source", "version"}) {
      properties[member] = {{"type", "string"}};
    }
    properties["time"] = {{"type", "string"}, {"format", "date-time"}};
    properties["resources"] = {{"type", "array"}, {"items", {{"type", "string"}}}};
    properties["detail"] = infer_object(event["detail"], title, components);
    Json required = Json::array();
    for (const auto& member : envelope_required()) required.push_back(member);
    components["AWSEvent"] = {{"type", "object"},
                              {"required", required},
                              {"x-amazon-events-detail-type", detail_type},
                              {"x-amazon-events-source", event["source"]},
                              {"properties", properties}};
  } else {
    infer_object(event, "Event", components);
  }
  return {{"openapi", "3.0.0"},
          {"info", {{"version", "1.0.0"}, {"title", title}}},
          {"paths", Json::object()},
          {"components", {{"schemas", components}}}};
}

Json infer_openapi(const std::vector<Json>& events) {
  Json out;
  for (const auto& event : events) {
    Json inferred = infer_openapi(event);
    out = out.is_null() ? inferred : merge_openapi(out, inferred);
  }
  return out;
}

Json merge_openapi(const Json& base, const Json& added) {
  Json out = base;
  Json& components = out["components"]["schemas"];
  if (!components.is_object()) components = Json::object();
  const Json more = added.contains("components") ? added["components"].value("schemas", Json::object()) : Json::object();
  for (auto it = more.begin(); it != more.end(); ++it) {
    components[it.key()] = components.contains(it.key()) ? merge_schema(components[it.key()], it.value()) : it.value();
  }
  return out;
}

}  // namespace nimbus::schemas
