#pragma once
// What an EventBridge target receives: the event itself, a constant `Input`, the part of the event
// an `InputPath` selects, or an `InputTransformer`'s filled-in template. Checked at PutTargets
// time (validate_target_input and friends), applied per matched event (shape_input).
//
// Template rules, as AWS documents and answers them:
// * a template whose first non-blank character is `{` is a JSON template; anything else is text
//   (`"<instance> is in state <state>"`, quotes included, is delivered as written, quotes and all);
// * `<name>` (letters, digits, `.`, `-`, `_`) is a placeholder; other `<` are literal text;
// * JSON template, placeholder outside a string: strings become "quoted" JSON strings, other
//   values their JSON text; a path that matched nothing gives "";
// * JSON template, placeholder inside a string: strings go in as they are (AWS does not escape
//   them), numbers/booleans/null as their JSON text, objects and arrays as their JSON text
//   (which breaks the string: AWS then drops the event);
// * text template: strings as they are, objects and arrays as JSON without any `"`
//   (`{acc_id:0a78,sf_id:baz}`, `[ACTIVE,INACTIVE]`), nothing for a path that matched nothing;
// * <aws.events.event> (the event without `detail`, `detail-type` renamed `detailType`) and
//   <aws.events.event.json> (the whole event) only as a JSON value outside strings of a JSON
//   template.
// A JSON template whose filled-in text is not valid JSON is not delivered (shape_input: nullopt).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace nimbus::events::transform {

using Json = nlohmann::json;

// A target's InputTransformer.
struct Transformer {
  std::vector<std::pair<std::string, std::string>> paths;  // InputPathsMap: variable -> JSONPath
  std::string input_template;                              // InputTemplate
};

// At most one of the three is set (validate_target_input enforces it); none = the whole event.
struct TargetInput {
  std::optional<std::string> input;        // Input: JSON text delivered as is
  std::optional<std::string> input_path;   // InputPath
  std::optional<Transformer> transformer;  // InputTransformer

  // Reads Input / InputPath / InputTransformer from a PutTargets target object (already validated).
  static TargetInput from_target(const Json& target);
};

// What the predefined variables need to know about the rule and the event's arrival.
struct RuleInfo {
  std::string arn;             // <aws.events.rule-arn>
  std::string name;            // <aws.events.rule-name>
  std::string ingestion_time;  // <aws.events.event.ingestion-time>, ISO 8601 ("2015-11-11T21:29:54Z")
};

// PutTargets checks of one target (`index` is its 1-based position in Targets, as AWS names it in
// constraint messages): at most one of Input/InputPath/InputTransformer, Input is JSON, then the
// two below. Throws nimbus::AwsError (ValidationException).
void validate_target_input(const Json& target, size_t index);
void validate_input_path(std::string_view path, std::string_view target_id);
void validate_transformer(const Json& transformer, std::string_view target_id, size_t index);

// The exact body the target receives, or nullopt when AWS delivers nothing (an InputPath that
// matches nothing; a JSON template that does not fill in to valid JSON).
std::optional<std::string> shape_input(const TargetInput& spec, const Json& event, const RuleInfo& rule);

}  // namespace nimbus::events::transform
