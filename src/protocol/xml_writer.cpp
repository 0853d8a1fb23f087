#include "protocol/xml_writer.h"

#include <cstdio>

namespace nimbus::protocol {

std::string xml_escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\r': out += "&#xD;"; break;
      case '\n': out += attribute ? "&#xA;" : "\n"; break;
      case '\t': out += attribute ? "&#x9;" : "\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "&#x%X;", static_cast<unsigned>(c));
          out += buffer;
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

void XmlWriter::close_start_tag() {
  if (start_tag_open_) {
    out_.push_back('>');
    start_tag_open_ = false;
  }
}

void XmlWriter::start(std::string_view name, std::string_view xmlns) {
  close_start_tag();
  out_.push_back('<');
  out_ += name;
  if (!xmlns.empty()) attribute("xmlns", xmlns);
  open_.emplace_back(name);
  start_tag_open_ = true;
}

void XmlWriter::attribute(std::string_view name, std::string_view value) {
  out_.push_back(' ');
  out_ += name;
  out_ += "=\"";
  out_ += xml_escape(value, true);
  out_.push_back('"');
}

void XmlWriter::text(std::string_view value) {
  close_start_tag();
  out_ += xml_escape(value);
}

void XmlWriter::end() {
  if (open_.empty()) return;
  if (start_tag_open_) {
    out_ += "/>";
    start_tag_open_ = false;
  } else {
    out_ += "</";
    out_ += open_.back();
    out_.push_back('>');
  }
  open_.pop_back();
}

}  // namespace nimbus::protocol
