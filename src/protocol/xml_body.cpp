#include "protocol/xml_body.h"

#include <pugixml.hpp>

#include "protocol/wire_values.h"

namespace nimbus::protocol::xml_body {
namespace {

using model::MemberDef;
using model::ServiceModel;
using model::ShapeDef;
using model::ShapeType;
using Json = nlohmann::json;

std::string_view list_item_name(const ShapeDef& list) {
  return list.list_member_name.empty() ? std::string_view("member") : list.list_member_name;
}

bool is_flattened(const MemberDef& member, const ShapeDef& shape) {
  return member.flattened || shape.flattened;
}

void write_value(XmlWriter& writer, const ServiceModel& service, const ShapeDef& shape,
                 const Json& value, std::string_view timestamp_format);

void write_map_entries(XmlWriter& writer, const ServiceModel& service, const ShapeDef& map,
                       const Json& entries, std::string_view entry_name) {
  std::string_view key_name = map.map_key_name.empty() ? "key" : map.map_key_name;
  std::string_view value_name = map.map_value_name.empty() ? "value" : map.map_value_name;
  for (const auto& [key, item] : entries.items()) {
    writer.start(entry_name);
    writer.element(key_name, key);
    writer.start(value_name);
    write_value(writer, service, service.shape(map.map_value), item, {});
    writer.end();
    writer.end();
  }
}

void write_value(XmlWriter& writer, const ServiceModel& service, const ShapeDef& shape,
                 const Json& value, std::string_view timestamp_format) {
  switch (shape.type) {
    case ShapeType::Structure:
      if (value.is_object()) write_members(writer, service, shape, value);
      return;
    case ShapeType::List: {
      if (!value.is_array()) return;
      const ShapeDef& item_shape = service.shape(shape.list_member);
      for (const Json& item : value) {
        writer.start(list_item_name(shape));
        write_value(writer, service, item_shape, item, {});
        writer.end();
      }
      return;
    }
    case ShapeType::Map:
      if (value.is_object()) write_map_entries(writer, service, shape, value, "entry");
      return;
    case ShapeType::String:
      if (value.is_string()) {
        writer.text(value.get_ref<const std::string&>());  // no copy for the common case
        return;
      }
      [[fallthrough]];
    default:
      writer.text(wire::scalar_to_text(shape, value, timestamp_format));
  }
}

void start_member_element(XmlWriter& writer, std::string_view name, const MemberDef& member) {
  writer.start(name);
  if (member.xml_namespace_uri.empty()) return;
  if (member.xml_namespace_prefix.empty()) {
    writer.attribute("xmlns", member.xml_namespace_uri);
  } else {
    writer.attribute("xmlns:" + std::string(member.xml_namespace_prefix), member.xml_namespace_uri);
  }
}

std::string_view local_name(std::string_view name) {
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::vector<pugi::xml_node> children_named(pugi::xml_node parent, std::string_view name) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node child : parent.children()) {
    if (child.type() == pugi::node_element && local_name(child.name()) == local_name(name)) {
      out.push_back(child);
    }
  }
  return out;
}

// Reads values out of a parsed document; `ok` turns false on the first unparsable scalar.
struct Reader {
  const ServiceModel& service;
  bool ok = true;

  Json value(const ShapeDef& shape, pugi::xml_node node) {
    switch (shape.type) {
      case ShapeType::Structure:
        return structure(shape, node);
      case ShapeType::List: {
        Json out = Json::array();
        for (pugi::xml_node item : children_named(node, list_item_name(shape))) {
          out.push_back(value(service.shape(shape.list_member), item));
        }
        return out;
      }
      case ShapeType::Map: {
        Json out = Json::object();
        for (pugi::xml_node entry : children_named(node, "entry")) map_entry(shape, entry, out);
        return out;
      }
      default:
        return scalar(shape, node.child_value());
    }
  }

  Json scalar(const ShapeDef& shape, std::string_view text) {
    auto parsed = wire::scalar_from_text(shape, text);
    if (!parsed) {
      ok = false;
      return nullptr;
    }
    return std::move(*parsed);
  }

  void map_entry(const ShapeDef& map, pugi::xml_node entry, Json& out) {
    std::string_view key_name = map.map_key_name.empty() ? "key" : map.map_key_name;
    std::string_view value_name = map.map_value_name.empty() ? "value" : map.map_value_name;
    auto keys = children_named(entry, key_name);
    auto values = children_named(entry, value_name);
    if (keys.empty()) return;
    Json item = values.empty() ? Json(nullptr) : value(service.shape(map.map_value), values.front());
    out[keys.front().child_value()] = std::move(item);
  }

  void member(const MemberDef& m, pugi::xml_node node, Json& out) {
    const ShapeDef& shape = service.shape(m.shape);
    std::string name(m.wire_name());
    if (m.xml_attribute) {
      pugi::xml_attribute attribute = node.attribute(name.c_str());
      if (attribute) out[std::string(m.name)] = scalar(shape, attribute.value());
      return;
    }
    if (shape.type == ShapeType::List && is_flattened(m, shape)) {
      std::string_view item_name = shape.list_member_name.empty() ? name : shape.list_member_name;
      auto items = children_named(node, item_name);
      if (items.empty()) return;
      Json list = Json::array();
      for (pugi::xml_node item : items) list.push_back(value(service.shape(shape.list_member), item));
      out[std::string(m.name)] = std::move(list);
      return;
    }
    if (shape.type == ShapeType::Map && is_flattened(m, shape)) {
      auto entries = children_named(node, name);
      if (entries.empty()) return;
      Json map = Json::object();
      for (pugi::xml_node entry : entries) map_entry(shape, entry, map);
      out[std::string(m.name)] = std::move(map);
      return;
    }
    auto found = children_named(node, name);
    if (!found.empty()) out[std::string(m.name)] = value(shape, found.front());
  }

  Json structure(const ShapeDef& shape, pugi::xml_node node) {
    Json out = Json::object();
    for (const MemberDef& m : service.members_of(shape)) {
      if (m.location.empty()) member(m, node, out);
    }
    return out;
  }
};

}  // namespace

void write_member(XmlWriter& writer, const ServiceModel& service, const MemberDef& member,
                  const Json& value) {
  if (value.is_null()) return;
  const ShapeDef& shape = service.shape(member.shape);
  std::string_view name = member.wire_name();
  if (shape.type == ShapeType::List && is_flattened(member, shape)) {
    if (!value.is_array()) return;
    std::string_view item_name = shape.list_member_name.empty() ? name : shape.list_member_name;
    const ShapeDef& item_shape = service.shape(shape.list_member);
    for (const Json& item : value) {
      start_member_element(writer, item_name, member);
      write_value(writer, service, item_shape, item, {});
      writer.end();
    }
    return;
  }
  if (shape.type == ShapeType::Map && is_flattened(member, shape)) {
    if (value.is_object()) write_map_entries(writer, service, shape, value, name);
    return;
  }
  start_member_element(writer, name, member);
  write_value(writer, service, shape, value, member.timestamp_format);
  writer.end();
}

void write_members(XmlWriter& writer, const ServiceModel& service, const ShapeDef& structure,
                   const Json& value) {
  auto members = service.members_of(structure);
  for (const MemberDef& m : members) {
    if (!m.xml_attribute || !m.location.empty()) continue;
    auto it = value.find(m.name);
    if (it != value.end() && !it->is_null()) {
      writer.attribute(m.wire_name(), wire::scalar_to_text(service.shape(m.shape), *it));
    }
  }
  for (const MemberDef& m : members) {
    if (!m.location.empty() || m.xml_attribute) continue;
    auto it = value.find(m.name);
    if (it != value.end()) write_member(writer, service, m, *it);
  }
}

std::optional<Json> read_document(const ServiceModel& service, const ShapeDef& structure,
                                  std::string_view xml, std::string_view root_name) {
  pugi::xml_document document;
  // Whitespace is data: a key or tag value of only spaces, tabs or newlines (an element's only
  // child) is kept, where pugixml would drop it by default.
  pugi::xml_parse_result parsed =
      document.load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_ws_pcdata_single);
  if (!parsed) return std::nullopt;
  pugi::xml_node root = document.document_element();
  if (!root) return std::nullopt;
  if (!root_name.empty()) {
    std::string_view name = root.name();
    if (auto colon = name.find(':'); colon != std::string_view::npos) name.remove_prefix(colon + 1);
    if (name != root_name) return std::nullopt;
  }
  Reader reader{service};
  Json out = reader.value(structure, root);
  if (!reader.ok) return std::nullopt;
  return out;
}

}  // namespace nimbus::protocol::xml_body
