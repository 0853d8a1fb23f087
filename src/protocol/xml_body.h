#pragma once
// Model-driven conversion between decoded values and XML elements, shared by the query
// protocol's responses and rest-xml bodies (element names, flattening, attributes, namespaces).

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "protocol/model.h"
#include "protocol/xml_writer.h"

namespace nimbus::protocol::xml_body {

// Writes the body members of `structure` (members with an http location are skipped) as children
// of the element currently open in `writer`; xmlAttribute members become attributes.
void write_members(XmlWriter& writer, const model::ServiceModel& service,
                   const model::ShapeDef& structure, const nlohmann::json& value);

// Writes one member (named element, or repeated elements when flattened).
void write_member(XmlWriter& writer, const model::ServiceModel& service,
                  const model::MemberDef& member, const nlohmann::json& value);

// Reads an XML document whose root element is `structure` into its decoded value. nullopt when
// the XML is malformed, a scalar does not parse, or `root_name` is given and the root element's
// local name (any namespace prefix dropped) differs from it.
std::optional<nlohmann::json> read_document(const model::ServiceModel& service,
                                            const model::ShapeDef& structure, std::string_view xml,
                                            std::string_view root_name = {});

}  // namespace nimbus::protocol::xml_body
