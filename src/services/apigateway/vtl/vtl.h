#pragma once
// API Gateway's mapping templates: the subset of Apache Velocity (VTL 1.7) that API Gateway users
// write, with API Gateway's variables ($input, $context, $stageVariables, $util). A pure library
// (nlohmann::json only) so the fuzz build compiles it directly. What is supported, and what is
// not: README.md next to this file.

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nimbus::apigateway::vtl {

using Json = nlohmann::json;

// What a template sees.
struct Inputs {
  std::string body;  // $input.body; $input.json/$input.path read it as JSON
  Json params =
      Json::object();  // {"path": {...}, "querystring": {...}, "header": {...}} for $input.params()
  Json context = Json::object();          // $context
  Json stage_variables = Json::object();  // $stageVariables
  // How a reference to nothing ($foo, $context.missing) renders: as written (Velocity's
  // default), or, when true, as "" (as if every reference were quiet: $!foo).
  bool quiet_undefined = false;
  // Work a render may do before it fails: steps, loop iterations, values copied, bytes of text
  // made. The default allows far more than real templates need and bounds a runaway one to well
  // under a second; the fuzzer lowers it.
  size_t work_budget = 4'000'000;
};

// A template that cannot be parsed or evaluated, or that exceeds a limit (nesting 64, #foreach
// 1,000 items, output 10 MB, a work budget); API Gateway answers such requests with an internal
// error and logs the message. Parse errors name the line and column.
struct TemplateError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What a template set in $context.requestOverride / $context.responseOverride, e.g.
//   #set($context.responseOverride.status = 400)
//   #set($context.responseOverride.header.X-Trace = $input.params('trace'))
//   #set($context.requestOverride.querystring.page = '2')
// Values are rendered as text (Java's toString); null values are left out.
struct Overrides {
  std::optional<int> status;  // responseOverride.status, when a number (or numeric text) 100..599
  std::map<std::string, std::string> response_headers;     // responseOverride.header
  std::map<std::string, std::string> request_headers;      // requestOverride.header
  std::map<std::string, std::string> request_querystring;  // requestOverride.querystring
  std::map<std::string, std::string> request_path;         // requestOverride.path
  bool empty() const {
    return !status && response_headers.empty() && request_headers.empty() &&
           request_querystring.empty() && request_path.empty();
  }
};

struct Rendered {
  std::string text;
  Overrides overrides;
};

struct Node;

// A template parsed once and rendered many times (API Gateway serving the same mapping template
// for every request). Immutable after construction: renders may run on several threads at once.
class Template {
 public:
  // Throws TemplateError for a template that does not parse.
  explicit Template(std::string text);
  ~Template();
  Rendered render(const Inputs& inputs) const;

 private:
  std::string text_;
  std::shared_ptr<const std::vector<Node>> nodes_;
};

// Renders `text` with `inputs`. Throws TemplateError.
std::string render(std::string_view text, const Inputs& inputs);
// The same, with the overrides the template set.
Rendered render_with_overrides(std::string_view text, const Inputs& inputs);

}  // namespace nimbus::apigateway::vtl
