// Template-level parsing: text, references, comments, unparsed blocks and the directives
// (#set #if #elseif #else #end #foreach #break #stop), with Velocity 1.7's whitespace rules:
// whitespace before #set, and a directive's trailing blanks and line end, are not rendered.

#include <string>
#include <string_view>
#include <vector>

#include "services/apigateway/vtl/scanner.h"
#include "services/apigateway/vtl/vtl.h"

namespace nimbus::apigateway::vtl {

void Scanner::fail(const std::string& message, size_t at) const {
  throw TemplateError(message + " at " + describe_position(full, pos_of(at)));
}

std::string describe_position(std::string_view text, size_t pos) {
  size_t line = 1, column = 1;
  for (size_t k = 0; k < pos && k < text.size(); ++k) {
    if (text[k] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

namespace {

enum class Stop { Eof, End, Else, Elseif };

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The directive named at '#' (either #name or #{name}) and where its name ends; empty if none.
std::string_view directive_at(const Scanner& sc, size_t at, size_t& after) {
  std::string_view t = sc.text;
  size_t j = at + 1;
  bool braced = j < t.size() && t[j] == '{';
  if (braced) ++j;
  size_t start = j;
  while (j < t.size() && is_alpha(t[j])) ++j;
  std::string_view name = t.substr(start, j - start);
  if (braced) {
    if (j >= t.size() || t[j] != '}') return {};
    ++j;
  }
  static constexpr std::string_view kKnown[] = {"set",      "if",    "elseif",  "else",   "end",
                                                "foreach",  "break", "stop",    "macro",  "define",
                                                "evaluate", "parse", "include", "literal"};
  for (std::string_view known : kKnown) {
    if (name == known) {
      after = j;
      return name;
    }
  }
  return {};
}

class TemplateParser {
 public:
  explicit TemplateParser(Scanner& sc) : sc_(sc) {}

  // Reads nodes into `out` until the end or a #end / #else / #elseif (consumed).
  Stop block(std::vector<Node>& out, size_t& stop_pos) {
    NestingGuard guard(sc_);
    std::string text;
    size_t text_pos = sc_.pos();
    auto flush = [&] {
      if (!text.empty()) {
        Node node;
        node.kind = Node::Kind::Text;
        node.pos = text_pos;
        node.text = std::move(text);
        out.push_back(std::move(node));
        text.clear();
      }
      text_pos = sc_.pos();
    };
    while (!sc_.at_end()) {
      char c = sc_.peek();
      if (c == '$') {
        Node node;
        if (parse_reference(sc_, true, node.ref)) {
          flush();
          node.kind = Node::Kind::Ref;
          node.pos = node.ref.pos;
          out.push_back(std::move(node));
        } else {
          text += c;
          ++sc_.i;
        }
        continue;
      }
      if (c == '\\') {
        size_t start = sc_.i, j = sc_.i;
        while (j < sc_.text.size() && sc_.text[j] == '\\') ++j;
        std::string slashes(j - start, '\\');
        sc_.i = j;
        if (sc_.peek() == '$') {
          Node node;
          if (parse_reference(sc_, true, node.ref)) {
            flush();
            node.kind = Node::Kind::EscapedRef;
            node.pos = node.ref.pos;
            node.text = std::move(slashes);
            out.push_back(std::move(node));
            continue;
          }
        } else if (sc_.peek() == '#') {
          size_t after = 0;
          std::string_view name = directive_at(sc_, sc_.i, after);
          if (!name.empty()) {
            // \#if renders "#if"; \\#if renders "\" and runs the directive.
            text.append(slashes.size() / 2, '\\');
            if (slashes.size() % 2 == 1) {
              text.append(sc_.text.substr(sc_.i, after - sc_.i));
              sc_.i = after;
            }
            continue;
          }
        }
        text += slashes;
        continue;
      }
      if (c == '#') {
        Stop stop = Stop::Eof;
        if (hash(out, text, flush, stop)) {
          if (stop != Stop::Eof) {
            flush();
            stop_pos = last_directive_;
            return stop;
          }
          continue;
        }
        text += c;
        ++sc_.i;
        continue;
      }
      text += c;
      ++sc_.i;
    }
    flush();
    return Stop::Eof;
  }

 private:
  // Handles what starts at '#'; false if it is plain text.
  template <typename Flush>
  bool hash(std::vector<Node>& out, std::string& text, Flush& flush, Stop& stop) {
    size_t at = sc_.i;
    if (sc_.peek(1) == '#') {  // ## line comment, with its line end
      while (!sc_.at_end() && sc_.peek() != '\n' && sc_.peek() != '\r') ++sc_.i;
      sc_.gobble_line_end();
      return true;
    }
    if (sc_.peek(1) == '*') {  // #* block comment *#
      size_t end = sc_.text.find("*#", at + 2);
      if (end == std::string_view::npos) sc_.fail("unterminated #* comment", at);
      sc_.i = end + 2;
      return true;
    }
    if (sc_.starts_with("#[[")) {  // #[[ unparsed ]]#
      size_t end = sc_.text.find("]]#", at + 3);
      if (end == std::string_view::npos) sc_.fail("unterminated #[[ block", at);
      text.append(sc_.text.substr(at + 3, end - at - 3));
      sc_.i = end + 3;
      return true;
    }
    size_t after = 0;
    std::string_view name = directive_at(sc_, at, after);
    if (name.empty()) return false;
    last_directive_ = sc_.pos_of(at);
    sc_.i = after;
    if (name == "set") {
      while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
      flush();
      out.push_back(set_directive(at));
    } else if (name == "if") {
      flush();
      out.push_back(if_directive(at));
    } else if (name == "foreach") {
      flush();
      out.push_back(foreach_directive(at));
    } else if (name == "elseif") {
      stop = Stop::Elseif;
    } else if (name == "else") {
      sc_.gobble_line_end();
      stop = Stop::Else;
    } else if (name == "end") {
      sc_.gobble_line_end();
      stop = Stop::End;
    } else if (name == "break" || name == "stop") {
      flush();
      skip_optional_scope();
      Node node;
      node.kind = name == "break" ? Node::Kind::Break : Node::Kind::Stop;
      node.pos = sc_.pos_of(at);
      out.push_back(std::move(node));
    } else {
      sc_.fail("#" + std::string(name) + " is not supported in mapping templates", at);
    }
    return true;
  }

  // #break($foreach): the scope argument is accepted and ignored.
  void skip_optional_scope() {
    size_t save = sc_.i;
    while (sc_.peek() == ' ' || sc_.peek() == '\t') ++sc_.i;
    if (sc_.peek() == '(' && sc_.peek(1) == '$') {
      ++sc_.i;
      Reference ignored;
      sc_.skip_space();
      if (parse_reference(sc_, false, ignored)) {
        sc_.skip_space();
        if (sc_.eat(')')) return;
      }
    }
    sc_.i = save;
  }

  void open_paren(std::string_view directive, size_t at) {
    while (sc_.peek() == ' ' || sc_.peek() == '\t') ++sc_.i;
    if (!sc_.eat('(')) sc_.fail("#" + std::string(directive) + " needs '(' after its name", at);
  }
  void close_paren(std::string_view directive) {
    sc_.skip_space();
    if (!sc_.eat(')')) sc_.fail("expected ')' to close #" + std::string(directive));
    sc_.gobble_line_end();
  }

  Node set_directive(size_t at) {
    open_paren("set", at);
    sc_.skip_space();
    Node node;
    node.kind = Node::Kind::Set;
    node.pos = sc_.pos_of(at);
    if (sc_.peek() != '$' || !parse_reference(sc_, false, node.ref)) {
      sc_.fail("#set needs a reference ($name) to assign to");
    }
    if (node.ref.quiet) sc_.fail("#set cannot assign to a quiet reference ($!name)", at);
    if (!node.ref.segments.empty() && node.ref.segments.back().kind == Segment::Kind::Method) {
      sc_.fail("#set cannot assign to a method call", at);
    }
    sc_.skip_space();
    if (!sc_.eat('=')) sc_.fail("expected '=' in #set");
    node.value = parse_expression(sc_);
    close_paren("set");
    return node;
  }

  Node if_directive(size_t at) {
    Node node;
    node.kind = Node::Kind::If;
    node.pos = sc_.pos_of(at);
    std::string_view directive = "if";
    while (true) {
      Branch branch;
      open_paren(directive, at);
      branch.condition = parse_expression(sc_);
      close_paren(directive);
      size_t stop_pos = 0;
      Stop stop = block(branch.body, stop_pos);
      node.branches.push_back(std::move(branch));
      if (stop == Stop::Eof) sc_.fail("#if without #end", at);
      if (stop == Stop::End) return node;
      if (stop == Stop::Else) {
        Branch otherwise;
        Stop last = block(otherwise.body, stop_pos);
        node.branches.push_back(std::move(otherwise));
        if (last == Stop::End) return node;
        if (last == Stop::Eof) sc_.fail("#if without #end", at);
        sc_.fail(last == Stop::Else ? "#else after #else" : "#elseif after #else", stop_pos);
      }
      directive = "elseif";
      at = sc_.i;
    }
  }

  Node foreach_directive(size_t at) {
    open_paren("foreach", at);
    sc_.skip_space();
    Node node;
    node.kind = Node::Kind::Foreach;
    node.pos = sc_.pos_of(at);
    Reference var;
    if (sc_.peek() != '$' || !parse_reference(sc_, false, var) || !var.segments.empty()) {
      sc_.fail("#foreach needs a loop variable ($name)");
    }
    node.var = var.root;
    sc_.skip_space();
    if (!sc_.starts_with("in") || is_ident_char(sc_.peek(2))) sc_.fail("expected 'in' in #foreach");
    sc_.i += 2;
    node.value = parse_expression(sc_);
    close_paren("foreach");
    size_t stop_pos = 0;
    Stop stop = block(node.body, stop_pos);
    if (stop == Stop::Eof) sc_.fail("#foreach without #end", at);
    if (stop != Stop::End) sc_.fail("#else / #elseif without #if", stop_pos);
    return node;
  }

  Scanner& sc_;
  size_t last_directive_ = 0;
};

}  // namespace

std::vector<Node> parse_nodes(Scanner& sc) {
  TemplateParser parser(sc);
  std::vector<Node> nodes;
  size_t stop_pos = 0;
  Stop stop = parser.block(nodes, stop_pos);
  if (stop == Stop::End) sc.fail("#end without #if or #foreach", stop_pos);
  if (stop != Stop::Eof) sc.fail("#else / #elseif without #if", stop_pos);
  return nodes;
}

std::vector<Node> parse_template(std::string_view text) {
  Scanner sc;
  sc.text = text;
  sc.full = text;
  return parse_nodes(sc);
}

}  // namespace nimbus::apigateway::vtl
