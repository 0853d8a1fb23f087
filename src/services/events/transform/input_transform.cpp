// Target input: PutTargets validation of Input/InputPath/InputTransformer, then shaping per event.
#include "services/events/transform/input_transform.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "core/aws_error.h"
#include "services/events/transform/json_path.h"

namespace nimbus::events::transform {
namespace {

constexpr size_t kMaxPaths = 100;
constexpr size_t kMaxPathLength = 256;
constexpr size_t kMaxKeyLength = 256;
constexpr size_t kMaxTemplateLength = 8192;
constexpr size_t kMaxInputLength = 8192;

constexpr std::string_view kRuleArn = "aws.events.rule-arn";
constexpr std::string_view kRuleName = "aws.events.rule-name";
constexpr std::string_view kIngestionTime = "aws.events.event.ingestion-time";
constexpr std::string_view kEvent = "aws.events.event";
constexpr std::string_view kEventJson = "aws.events.event.json";

AwsError validation(std::string message) { return {400, "ValidationException", std::move(message)}; }

// AWS's model-constraint wording ("1 validation error detected: Value '…' at 'targets.1.member…'").
AwsError constraint(const std::string& value, size_t index, std::string_view member, std::string_view rule) {
  return validation("1 validation error detected: Value " + value + " at 'targets." + std::to_string(index) +
                    ".member." + std::string(member) + "' failed to satisfy constraint: " + std::string(rule));
}

std::string in_quotes(std::string_view text) { return "'" + std::string(text) + "'"; }

// Characters, not bytes: AWS's limits count characters.
size_t char_count(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

std::string dump(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

bool placeholder_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
}

bool is_json_template(std::string_view text) {
  size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '{';
}

bool is_predefined(std::string_view name) {
  return name == kRuleArn || name == kRuleName || name == kIngestionTime || name == kEvent || name == kEventJson;
}

// A template cut into literal text and <placeholders>; in_string says whether a placeholder sits
// inside a JSON string (JSON templates only: text templates have no strings to be inside of).
struct Segment {
  std::string_view text;  // the literal text, or the placeholder's name
  bool placeholder = false;
  bool in_string = false;
};

std::vector<Segment> split_template(std::string_view text, bool json) {
  std::vector<Segment> segments;
  size_t literal_start = 0;
  bool in_string = false;
  bool escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (json && in_string && escaped) {
      escaped = false;
      continue;
    }
    if (json && c == '\\' && in_string) {
      escaped = true;
    } else if (json && c == '"') {
      in_string = !in_string;
    } else if (c == '<') {
      size_t end = i + 1;
      while (end < text.size() && placeholder_char(text[end])) ++end;
      if (end > i + 1 && end < text.size() && text[end] == '>') {
        if (i > literal_start) segments.push_back({text.substr(literal_start, i - literal_start)});
        segments.push_back({text.substr(i + 1, end - i - 1), true, in_string});
        i = end;
        literal_start = end + 1;
      }
    }
  }
  if (literal_start < text.size()) segments.push_back({text.substr(literal_start)});
  return segments;
}

std::string json_error_reason(const std::string& text) {
  try {
    Json parsed = Json::parse(text);
  } catch (const Json::parse_error& error) {
    return "Unexpected input at character " + std::to_string(error.byte);
  }
  return {};
}

void validate_template(std::string_view text, const Json& paths, std::string_view target_id) {
  bool json = is_json_template(text);
  std::string skeleton;  // the template with placeholders filled by stand-ins, to check JSON syntax
  for (const Segment& segment : split_template(text, json)) {
    if (!segment.placeholder) {
      skeleton += segment.text;
      continue;
    }
    std::string name(segment.text);
    if (!is_predefined(name) && !paths.contains(name)) {
      throw validation("InputTemplate for target " + std::string(target_id) + " contains invalid placeholder " + name +
                       ".");
    }
    if ((name == kEvent || name == kEventJson) && (!json || segment.in_string)) {
      throw validation("InputTemplate for target " + std::string(target_id) + " contains placeholder " + name +
                       " valid only for JSON template.");
    }
    if (!segment.in_string) skeleton += "null";
  }
  if (json) {
    std::string reason = json_error_reason(skeleton);
    if (!reason.empty()) {
      throw validation("Invalid InputTemplate for target " + std::string(target_id) + " : " + reason + ".");
    }
  }
}

// <aws.events.event>: the event's envelope without `detail`, `detail-type` spelled `detailType`.
Json envelope_of(const Json& event) {
  Json envelope = Json::object();
  if (!event.is_object()) return envelope;
  for (auto it = event.begin(); it != event.end(); ++it) {
    if (it.key() == "detail") continue;
    envelope[it.key() == "detail-type" ? std::string("detailType") : it.key()] = it.value();
  }
  return envelope;
}

std::optional<Json> variable(std::string_view name, const Transformer& transformer, const Json& event,
                             const RuleInfo& rule) {
  if (name == kRuleArn) return Json(rule.arn);
  if (name == kRuleName) return Json(rule.name);
  if (name == kIngestionTime) return Json(rule.ingestion_time);
  if (name == kEvent) return envelope_of(event);
  if (name == kEventJson) return event;
  for (const auto& [key, path_text] : transformer.paths) {
    if (key != name) continue;
    std::optional<JsonPath> path = parse_path(path_text);
    return path ? select(*path, event) : std::nullopt;
  }
  return std::nullopt;
}

// The text a value takes in a text template: strings as they are, JSON text for the rest, with
// every `"` removed from objects and arrays so they read as plain text.
std::string as_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  std::string text = dump(value);
  if (value.is_structured()) std::erase(text, '"');
  return text;
}

std::optional<std::string> fill_template(const Transformer& transformer, const Json& event, const RuleInfo& rule) {
  bool json = is_json_template(transformer.input_template);
  std::string out;
  for (const Segment& segment : split_template(transformer.input_template, json)) {
    if (!segment.placeholder) {
      out += segment.text;
      continue;
    }
    std::optional<Json> value = variable(segment.text, transformer, event, rule);
    if (!json) {
      if (value) out += as_text(*value);
    } else if (segment.in_string) {
      if (value) out += value->is_string() ? value->get<std::string>() : dump(*value);
    } else if (!value) {
      out += "\"\"";
    } else {
      // Quotes added around strings, contents left as they are: AWS does not escape values.
      out += value->is_string() ? "\"" + value->get<std::string>() + "\"" : dump(*value);
    }
  }
  if (json && !Json::accept(out)) return std::nullopt;
  return out;
}

}  // namespace

TargetInput TargetInput::from_target(const Json& target) {
  TargetInput spec;
  if (auto it = target.find("Input"); it != target.end() && it->is_string()) spec.input = it->get<std::string>();
  if (auto it = target.find("InputPath"); it != target.end() && it->is_string()) {
    spec.input_path = it->get<std::string>();
  }
  if (auto it = target.find("InputTransformer"); it != target.end() && it->is_object()) {
    Transformer transformer;
    transformer.input_template = it->value("InputTemplate", std::string());
    if (auto paths = it->find("InputPathsMap"); paths != it->end() && paths->is_object()) {
      for (auto path = paths->begin(); path != paths->end(); ++path) {
        if (path->is_string()) transformer.paths.emplace_back(path.key(), path->get<std::string>());
      }
    }
    spec.transformer = std::move(transformer);
  }
  return spec;
}

void validate_input_path(std::string_view path, std::string_view target_id) {
  if (!parse_path(path)) throw validation("InputPath for target " + std::string(target_id) + " is invalid.");
}

void validate_transformer(const Json& transformer, std::string_view target_id, size_t index) {
  if (!transformer.is_object()) throw AwsError::serialization("InputTransformer must be an object");
  auto input_template = transformer.find("InputTemplate");
  if (input_template == transformer.end() || input_template->is_null()) {
    throw constraint("null", index, "inputTransformer.inputTemplate", "Member must not be null");
  }
  if (!input_template->is_string()) throw AwsError::serialization("InputTemplate must be a string");
  const std::string& text = input_template->get_ref<const std::string&>();
  if (text.empty()) {
    throw constraint(in_quotes(text), index, "inputTransformer.inputTemplate",
                     "Member must have length greater than or equal to 1");
  }
  if (char_count(text) > kMaxTemplateLength) {
    throw constraint(in_quotes(text), index, "inputTransformer.inputTemplate",
                     "Member must have length less than or equal to 8192");
  }
  Json paths = transformer.value("InputPathsMap", Json::object());
  if (!paths.is_object()) throw AwsError::serialization("InputPathsMap must be an object");
  std::string shown = "{";  // Java's Map.toString(), as AWS shows maps in constraint messages
  for (auto it = paths.begin(); it != paths.end(); ++it) {
    if (!it->is_string()) throw AwsError::serialization("InputPathsMap values must be strings");
    shown += (shown.size() > 1 ? ", " : "") + it.key() + "=" + it->get<std::string>();
  }
  shown += "}";
  if (paths.size() > kMaxPaths) {
    throw constraint(in_quotes(shown), index, "inputTransformer.inputPathsMap",
                     "Member must have length less than or equal to 100");
  }
  for (auto it = paths.begin(); it != paths.end(); ++it) {
    const std::string& key = it.key();
    bool pattern_ok = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
    if (!pattern_ok || char_count(key) > kMaxKeyLength) {
      throw constraint(in_quotes(shown), index, "inputTransformer.inputPathsMap",
                       "Map keys must satisfy constraint: [Member must have length less than or equal to 256, "
                       "Member must have length greater than or equal to 1, Member must satisfy regular "
                       "expression pattern: [A-Za-z0-9\\_\\-]+]");
    }
    if (char_count(it->get_ref<const std::string&>()) > kMaxPathLength) {
      throw constraint(in_quotes(shown), index, "inputTransformer.inputPathsMap",
                       "Map value must satisfy constraint: [Member must have length less than or equal to 256]");
    }
  }
  for (auto it = paths.begin(); it != paths.end(); ++it) validate_input_path(it->get<std::string>(), target_id);
  validate_template(text, paths, target_id);
}

void validate_target_input(const Json& target, size_t index) {
  std::string id = target.value("Id", std::string());
  int kinds = 0;
  for (const char* member : {"Input", "InputPath", "InputTransformer"}) {
    auto it = target.find(member);
    kinds += it != target.end() && !it->is_null();
  }
  if (kinds > 1) {
    throw validation("Only one of Input, InputPath, or InputTransformer must be provided for target " + id + ".");
  }
  if (auto it = target.find("Input"); it != target.end() && !it->is_null()) {
    if (!it->is_string()) throw AwsError::serialization("Input must be a string");
    const std::string& input = it->get_ref<const std::string&>();
    if (char_count(input) > kMaxInputLength) {
      throw constraint(in_quotes(input), index, "input", "Member must have length less than or equal to 8192");
    }
    if (!Json::accept(input)) throw validation("Input for target " + id + " is not a valid JSON text.");
  }
  if (auto it = target.find("InputPath"); it != target.end() && !it->is_null()) {
    if (!it->is_string()) throw AwsError::serialization("InputPath must be a string");
    const std::string& path = it->get_ref<const std::string&>();
    if (char_count(path) > kMaxPathLength) {
      throw constraint(in_quotes(path), index, "inputPath", "Member must have length less than or equal to 256");
    }
    validate_input_path(path, id);
  }
  if (auto it = target.find("InputTransformer"); it != target.end() && !it->is_null()) {
    validate_transformer(*it, id, index);
  }
}

std::optional<std::string> shape_input(const TargetInput& spec, const Json& event, const RuleInfo& rule) {
  if (spec.input) return *spec.input;
  if (spec.input_path) {
    std::optional<JsonPath> path = parse_path(*spec.input_path);
    std::optional<Json> value = path ? select(*path, event) : std::nullopt;
    if (!value) return std::nullopt;
    return dump(*value);
  }
  if (spec.transformer) return fill_template(*spec.transformer, event, rule);
  return dump(event);
}

}  // namespace nimbus::events::transform
