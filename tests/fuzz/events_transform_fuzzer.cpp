// libFuzzer target for EventBridge target input shaping: first line = an InputTemplate (also tried
// as an InputPath), rest = the event. Validation may only throw nimbus::AwsError; shaping never
// throws, and a delivered JSON template is always valid JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/aws_error.h"
#include "services/events/transform/input_transform.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nimbus::events::transform;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t newline = text.find('\n');
  std::string input_template(text.substr(0, newline));
  Json event = Json::parse(newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1), nullptr,
                           false);
  if (event.is_discarded()) event = Json::object();
  Json paths = {{"a", "$.detail"}, {"b", "$.detail.a[0]"}, {"c", "$.*"}, {"d", "$.detail.b.c"}};
  Json target = {{"Id", "t"}, {"InputTransformer", {{"InputPathsMap", paths}, {"InputTemplate", input_template}}}};
  RuleInfo rule{"arn:aws:events:us-east-1:123456789012:rule/r", "r", "2024-01-01T00:00:00Z"};
  try {
    validate_target_input(target, 1);
    TargetInput spec = TargetInput::from_target(target);
    std::optional<std::string> body = shape_input(spec, event, rule);
    bool json_template = input_template.find_first_not_of(" \t\r\n") != std::string::npos &&
                         input_template[input_template.find_first_not_of(" \t\r\n")] == '{';
    if (body && json_template && !Json::accept(*body)) std::abort();
  } catch (const nimbus::AwsError&) {
  }
  try {
    validate_input_path(input_template, "t");
    TargetInput spec;
    spec.input_path = input_template;
    shape_input(spec, event, rule);
  } catch (const nimbus::AwsError&) {
  }
  return 0;
}
