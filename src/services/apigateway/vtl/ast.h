#pragma once
// The parsed form of a mapping template: text, references and directives (Node), and the
// expressions inside directives and method arguments (Expr). Built by parser.cpp, run by eval.cpp.

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace nimbus::apigateway::vtl {

// A template value: Java's null, Boolean, Integer/Long, Double, String, List and (insertion
// ordered, like LinkedHashMap) Map.
using Value = nlohmann::ordered_json;

namespace limits {
inline constexpr int kMaxNesting = 64;           // directives, parentheses, strings, arguments
inline constexpr size_t kMaxSegments = 32;       // .property / .method() / [index] per reference
inline constexpr size_t kMaxValueDepth = 128;    // nesting of a stored list / map
inline constexpr size_t kMaxIterations = 1000;   // per #foreach, as in API Gateway
inline constexpr size_t kMaxOutput = 10u << 20;  // bytes of output, and of any one string
// The work budget is Inputs::work_budget.
}  // namespace limits

struct Expr;
struct Node;
using ExprPtr = std::unique_ptr<Expr>;

struct Segment {
  enum class Kind { Property, Method, Index };
  Kind kind = Kind::Property;
  std::string name;           // Property, Method
  std::vector<ExprPtr> args;  // Method arguments; Index: the one index
};

// $name.a.b('x')[0] as written; `text` is what an undefined reference renders as.
struct Reference {
  std::string root;
  std::vector<Segment> segments;
  bool quiet = false;  // $!name
  std::string text;
  size_t pos = 0;
};

struct Expr {
  enum class Kind { Literal, Template, Ref, List, Range, Map, Not, Neg, Binary };
  Kind kind = Kind::Literal;
  size_t pos = 0;
  Value literal;               // Literal
  std::vector<Node> parts;     // Template: a "..." string holding $ or #
  Reference ref;               // Ref
  std::vector<ExprPtr> items;  // List; Map: key, value, key, value...; Range: from, to;
                               // Not / Neg: operand; Binary: left, right
  std::string op;              // Binary: || && == != < > <= >= + - * / %
};

struct Branch {
  ExprPtr condition;  // null for #else
  std::vector<Node> body;
};

struct Node {
  enum class Kind { Text, Ref, EscapedRef, Set, If, Foreach, Break, Stop };
  Kind kind = Kind::Text;
  size_t pos = 0;
  std::string text;              // Text; EscapedRef: the backslashes before the reference
  Reference ref;                 // Ref, EscapedRef; Set: the target
  ExprPtr value;                 // Set: the value; Foreach: the collection
  std::vector<Branch> branches;  // If
  std::string var;               // Foreach: the loop variable
  std::vector<Node> body;        // Foreach
};

// Parses a whole template. Throws TemplateError naming the problem and its line and column.
std::vector<Node> parse_template(std::string_view text);

// "line 3, column 7" for a byte offset into `text`.
std::string describe_position(std::string_view text, size_t pos);

}  // namespace nimbus::apigateway::vtl
