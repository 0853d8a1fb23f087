#include "protocol/xml_writer.h"

#include <cstdio>

namespace nimbus::protocol {

namespace {

bool needs_escape(char c) {
  switch (c) {
    case '&': case '<': case '>': case '"': case '\'': return true;
    default: return static_cast<unsigned char>(c) < 0x20;
  }
}

void append_escaped(std::string& out, std::string_view text, bool attribute) {
  // Most text has nothing to escape: copy the runs between special characters whole.
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!needs_escape(c)) continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\r': out += "&#xD;"; break;
      case '\n': out += attribute ? "&#xA;" : "\n"; break;
      case '\t': out += attribute ? "&#x9;" : "\t"; break;
      default: {
        char buffer[8];
        std::snprintf(buffer, sizeof buffer, "&#x%X;", static_cast<unsigned>(c));
        out += buffer;
      }
    }
  }
  out.append(text.data() + run, text.size() - run);
}

}  // namespace

std::string xml_escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  append_escaped(out, text, attribute);
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
  append_escaped(out_, value, true);
  out_.push_back('"');
}

void XmlWriter::text(std::string_view value) {
  close_start_tag();
  append_escaped(out_, value, false);
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
