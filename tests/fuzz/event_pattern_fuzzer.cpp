// libFuzzer target for EventBridge event patterns: first line = the pattern, rest = an event (used
// when it is JSON). parse() may only throw AwsError; matching never throws, and RuleIndex must
// agree with matches() on every event.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/aws_error.h"
#include "services/events/pattern/rule_index.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nimbus::events::pattern;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t newline = text.find('\n');
  std::string_view pattern_text = text.substr(0, newline);
  std::shared_ptr<const Pattern> pattern;
  try {
    pattern = parse(pattern_text);
  } catch (const nimbus::AwsError&) {
    return 0;
  }
  std::vector<Json> events = {
      Json::parse(R"({"source":"aws.ec2","detail-type":"x","detail":{"state":"running","n":5,"ip":"10.0.0.1",
                     "list":[1,"a",null,{"k":"v"}],"obj":{"k":["v",2.5]}},"resources":["arn:a","arn:b"]})"),
      Json::parse(R"({"a":[{"b":"1","c":2},{"b":"x*y","c":true}],"d":"","e":[[["deep"]]],"f":-5e9})")};
  if (newline != std::string_view::npos) {
    Json event = Json::parse(text.substr(newline + 1), nullptr, false);
    if (!event.is_discarded()) events.push_back(std::move(event));
  }
  RuleIndex index;
  index.add("fuzz", pattern);
  for (const Json& event : events) {
    bool alone = matches(*pattern, event);
    if (alone != !index.match(event).empty()) std::abort();
  }
  return 0;
}
