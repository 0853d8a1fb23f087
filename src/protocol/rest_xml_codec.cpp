// rest-xml bodies (S3): XML documents whose root is a payload structure or the output shape.
#include "protocol/codecs.h"
#include "protocol/wire_values.h"
#include "protocol/xml_body.h"

namespace nimbus::protocol::detail {

Json decode_rest_xml_body(const model::ServiceModel& service, const model::ShapeDef& shape,
                          std::string_view body, std::string_view root) {
  auto value = xml_body::read_document(service, shape, body, root);
  if (!value) {
    throw AwsError(400, "MalformedXML",
                   "The XML you provided was not well-formed or did not validate against our "
                   "published schema");
  }
  return std::move(*value);
}

std::string encode_rest_xml_body(const model::ServiceModel& service, std::string_view root,
                                 std::string_view xmlns, const model::ShapeDef& shape,
                                 const Json& value) {
  XmlWriter writer;
  writer.declaration();
  writer.start(root, xmlns);
  if (shape.type == model::ShapeType::Structure) {
    xml_body::write_members(writer, service, shape, value);
  } else {
    writer.text(wire::scalar_to_text(shape, value));
  }
  writer.end();
  return writer.take();
}

}  // namespace nimbus::protocol::detail
