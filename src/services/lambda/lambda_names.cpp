#include "services/lambda/lambda_names.h"

#include <cstdio>
#include <ctime>
#include <regex>

#include "core/aws_error.h"

namespace nimbus::lambda {

namespace {

// The FunctionName pattern of the model (simplified to the forms Lambda accepts).
const std::regex& function_name_pattern() {
  static const std::regex pattern(
      R"(^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$)");
  return pattern;
}

AwsError name_validation(std::string_view text, std::string_view member) {
  return {400, "ValidationException",
          "1 validation error detected: Value '" + std::string(text) + "' at '" + std::string(member) +
              "' failed to satisfy constraint: Member must satisfy regular expression pattern: "
              "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?"
              "(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?"};
}

}  // namespace

FunctionRef parse_function_ref(std::string_view text, std::string_view member) {
  if (text.empty() || text.size() > 170 || !std::regex_match(text.begin(), text.end(), function_name_pattern())) {
    throw name_validation(text, member);
  }
  FunctionRef ref;
  std::string_view rest = text;
  if (rest.rfind("arn:", 0) == 0) {
    // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
    std::string_view parts[8];
    int count = 0;
    size_t start = 0;
    while (count < 8) {
      auto colon = rest.find(':', start);
      parts[count++] = rest.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start);
      if (colon == std::string_view::npos) break;
      start = colon + 1;
    }
    if (count < 7 || parts[5] != "function") throw name_validation(text, member);
    ref.region = parts[3];
    ref.account = parts[4];
    ref.name = parts[6];
    if (count == 8) ref.qualifier = parts[7];
    return ref;
  }
  // <account>:function:<name>[:<qualifier>] or <name>[:<qualifier>]
  auto first = rest.find(':');
  if (first == 12 && rest.substr(13, 9) == "function:") {
    ref.account = rest.substr(0, 12);
    rest.remove_prefix(22);
  }
  auto colon = rest.find(':');
  ref.name = rest.substr(0, colon);
  if (colon != std::string_view::npos) ref.qualifier = rest.substr(colon + 1);
  if (ref.name.empty()) throw name_validation(text, member);
  return ref;
}

std::string function_arn(std::string_view region, std::string_view account, std::string_view name) {
  return "arn:aws:lambda:" + std::string(region) + ":" + std::string(account) + ":function:" + std::string(name);
}

std::string layer_arn(std::string_view region, std::string_view account, std::string_view name) {
  return "arn:aws:lambda:" + std::string(region) + ":" + std::string(account) + ":layer:" + std::string(name);
}

namespace {

std::string format_ms(int64_t epoch_ms, const char* zone) {
  std::time_t seconds = epoch_ms / 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char out[80];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%s", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(epoch_ms % 1000), zone);
  return out;
}

}  // namespace

std::string lambda_timestamp(int64_t epoch_ms) { return format_ms(epoch_ms, "+0000"); }

std::string iso8601_ms(int64_t epoch_ms) { return format_ms(epoch_ms, "Z"); }

void check_function_name(std::string_view name) {
  static const std::regex pattern(R"(^[a-zA-Z0-9-_]{1,64}$)");
  if (!std::regex_match(name.begin(), name.end(), pattern)) {
    throw AwsError(400, "ValidationException",
                   "1 validation error detected: Value '" + std::string(name) +
                       "' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression "
                       "pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?"
                       "(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
  }
}

}  // namespace nimbus::lambda
