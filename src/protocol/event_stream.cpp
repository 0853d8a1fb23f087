#include "protocol/event_stream.h"

#include <zlib.h>

#include "core/aws_error.h"
#include "protocol/codecs.h"

namespace nimbus::protocol {
namespace {

void put_u32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xFF));
}

uint32_t get_u32(std::string_view bytes, size_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + at);
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

uint32_t crc32_of(std::string_view bytes) {
  return static_cast<uint32_t>(::crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

constexpr uint8_t kStringHeader = 7;
constexpr size_t kPreludeBytes = 12;

}  // namespace

std::string encode_event_message(const EventHeaders& headers, std::string_view payload) {
  std::string encoded_headers;
  for (const auto& [name, value] : headers) {
    encoded_headers.push_back(static_cast<char>(name.size()));
    encoded_headers += name;
    encoded_headers.push_back(static_cast<char>(kStringHeader));
    encoded_headers.push_back(static_cast<char>((value.size() >> 8) & 0xFF));
    encoded_headers.push_back(static_cast<char>(value.size() & 0xFF));
    encoded_headers += value;
  }
  std::string message;
  uint32_t total = static_cast<uint32_t>(kPreludeBytes + encoded_headers.size() + payload.size() + 4);
  put_u32(message, total);
  put_u32(message, static_cast<uint32_t>(encoded_headers.size()));
  put_u32(message, crc32_of(message));
  message += encoded_headers;
  message += payload;
  put_u32(message, crc32_of(message));
  return message;
}

std::string encode_event_stream(const model::ServiceModel& service, const model::ShapeDef& stream_shape,
                                const nlohmann::json& events) {
  std::string body;
  for (const auto& event : events) {
    if (!event.is_object() || event.size() != 1) throw AwsError::internal();
    const std::string& name = event.begin().key();
    const nlohmann::json& value = event.begin().value();
    const model::MemberDef* event_member = nullptr;
    for (const auto& m : service.members_of(stream_shape)) {
      if (m.name == name) event_member = &m;
    }
    if (!event_member) throw AwsError::internal();
    const model::ShapeDef& event_shape = service.shape(event_member->shape);
    std::string payload;
    std::string content_type = "application/json";
    const model::MemberDef* payload_member = nullptr;
    for (const auto& m : service.members_of(event_shape)) {
      if (m.event_payload) payload_member = &m;
    }
    if (payload_member) {
      auto found = value.find(std::string(payload_member->name));
      const model::ShapeDef& payload_shape = service.shape(payload_member->shape);
      if (payload_shape.type == model::ShapeType::Blob) {
        content_type = "application/octet-stream";
        if (found != value.end() && found->is_string()) payload = found->get<std::string>();
      } else if (payload_shape.type == model::ShapeType::String) {
        content_type = "text/plain";
        if (found != value.end() && found->is_string()) payload = found->get<std::string>();
      } else if (found != value.end()) {
        payload = detail::encode_rest_json_body(service, payload_shape, *found);
      }
    } else {
      payload = detail::encode_rest_json_body(service, event_shape, value);
    }
    body += encode_event_message({{":event-type", name}, {":content-type", content_type}, {":message-type", "event"}},
                                 payload);
  }
  return body;
}

size_t decode_event_messages(std::string_view body, std::vector<DecodedEvent>& out) {
  size_t offset = 0;
  while (body.size() - offset >= kPreludeBytes + 4) {
    std::string_view rest = body.substr(offset);
    uint32_t total = get_u32(rest, 0);
    uint32_t headers_length = get_u32(rest, 4);
    if (total < kPreludeBytes + 4 || total > rest.size() || headers_length > total - kPreludeBytes - 4) break;
    if (crc32_of(rest.substr(0, 8)) != get_u32(rest, 8)) break;
    if (crc32_of(rest.substr(0, total - 4)) != get_u32(rest, total - 4)) break;
    DecodedEvent event;
    std::string_view headers = rest.substr(kPreludeBytes, headers_length);
    bool valid = true;
    while (!headers.empty() && valid) {
      size_t name_length = static_cast<unsigned char>(headers[0]);
      if (headers.size() < 1 + name_length + 3 || static_cast<uint8_t>(headers[1 + name_length]) != kStringHeader) {
        valid = false;
        break;
      }
      std::string name(headers.substr(1, name_length));
      size_t value_length = (static_cast<unsigned char>(headers[2 + name_length]) << 8) |
                            static_cast<unsigned char>(headers[3 + name_length]);
      if (headers.size() < 4 + name_length + value_length) {
        valid = false;
        break;
      }
      event.headers.emplace_back(std::move(name), std::string(headers.substr(4 + name_length, value_length)));
      headers.remove_prefix(4 + name_length + value_length);
    }
    if (!valid) break;
    event.payload = std::string(rest.substr(kPreludeBytes + headers_length, total - kPreludeBytes - headers_length - 4));
    out.push_back(std::move(event));
    offset += total;
  }
  return offset;
}

}  // namespace nimbus::protocol
