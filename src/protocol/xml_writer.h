#pragma once
// A minimal streaming XML writer for response bodies: elements, escaped text, one xmlns.

#include <string>
#include <string_view>
#include <vector>

namespace nimbus::protocol {

// Escapes text or attribute content: & < > " ' as entities, \r \n \t (in attributes) and other
// control characters as numeric character references so parsers see them unchanged.
std::string xml_escape(std::string_view text, bool attribute = false);

// Builds an XML document element by element; end() closes the innermost open element.
class XmlWriter {
 public:
  void declaration() { out_ += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"; }
  void start(std::string_view name, std::string_view xmlns = {});
  // Adds an attribute to the element just started (before any content).
  void attribute(std::string_view name, std::string_view value);
  void text(std::string_view value);
  void end();
  void element(std::string_view name, std::string_view value) {
    start(name);
    text(value);
    end();
  }
  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void close_start_tag();

  std::string out_;
  std::vector<std::string> open_;
  bool start_tag_open_ = false;
};

}  // namespace nimbus::protocol
