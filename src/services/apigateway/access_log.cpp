// Access logs of API stages: a format with $context variables rendered per request and written to
// a CloudWatch Logs group through the Logs service's own operations, off the request's path.

#include "services/apigateway/access_log.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>

#include "core/aws_error.h"
#include "core/log.h"

namespace nimbus::apigateway {
namespace {

using Json = nlohmann::json;

// The value $context.<dotted.name> names, as text; nullopt when absent.
std::optional<std::string> context_value(const Json& context, std::string_view name) {
  const Json* node = &context;
  size_t start = 0;
  while (start <= name.size()) {
    auto dot = name.find('.', start);
    if (dot == std::string_view::npos) dot = name.size();
    std::string part(name.substr(start, dot - start));
    if (!node->is_object() || !node->contains(part)) return std::nullopt;
    node = &(*node)[part];
    start = dot + 1;
  }
  if (node->is_null()) return std::nullopt;
  return node->is_string() ? node->get<std::string>() : node->dump();
}

// Replaces each $context.name (letters, digits, dots) with its value, "-" when absent, as API
// Gateway does.
std::string render_format(const std::string& format, const Json& context) {
  static constexpr std::string_view kPrefix = "$context.";
  std::string out;
  size_t i = 0;
  while (i < format.size()) {
    if (format.compare(i, kPrefix.size(), kPrefix) != 0) {
      out += format[i++];
      continue;
    }
    size_t end = i + kPrefix.size();
    while (end < format.size() && (std::isalnum(static_cast<unsigned char>(format[end])) || format[end] == '.')) ++end;
    while (end > i + kPrefix.size() && format[end - 1] == '.') --end;
    auto name = std::string_view(format).substr(i + kPrefix.size(), end - i - kPrefix.size());
    out += context_value(context, name).value_or("-");
    i = end;
  }
  return out;
}

// "arn:aws:logs:<region>:<account>:log-group:<name>[:*]" -> the group's name.
std::optional<std::string> log_group_of(const std::string& arn) {
  auto marker = arn.find(":log-group:");
  if (arn.rfind("arn:aws:logs:", 0) != 0 || marker == std::string::npos) return std::nullopt;
  std::string name = arn.substr(marker + 11);
  if (name.ends_with(":*")) name.resize(name.size() - 2);
  return name;
}

boost::asio::awaitable<void> write_log(delivery::Outbox::Invoke call, ApiOwner owner, std::string group,
                                       std::string stream, int64_t timestamp_ms, std::string line) {
  RequestContext context;
  context.account_id = owner.account;
  context.region = owner.region;
  context.invoked_by = {"apigateway.amazonaws.com", "", owner.account};
  try {
    try {
      delivery::Target create{"logs", "CreateLogStream", owner.account, owner.region,
                              Json{{"logGroupName", group}, {"logStreamName", stream}}};
      co_await call(create, context);
    } catch (const AwsError& error) {
      if (error.code != "ResourceAlreadyExistsException") throw;
    }
    delivery::Target put{"logs", "PutLogEvents", owner.account, owner.region,
                         Json{{"logGroupName", group},
                              {"logStreamName", stream},
                              {"logEvents", Json::array({{{"timestamp", timestamp_ms}, {"message", line}}})}}};
    co_await call(put, context);
  } catch (const AwsError& error) {
    NIMBUS_LOG(Warn, "apigateway: access log not written to " + group + ": " + error.message);
  }
}

}  // namespace

boost::asio::awaitable<void> log_access_line(const delivery::Outbox::Invoke& call, const ApiOwner& owner,
                                             const std::string& destination_arn, const std::string& format,
                                             const std::string& stream, const nlohmann::json& context,
                                             int64_t timestamp_ms) {
  auto group = log_group_of(destination_arn);
  if (!group || format.empty()) co_return;
  std::string line = render_format(format, context);
  auto executor = co_await boost::asio::this_coro::executor;
  boost::asio::co_spawn(executor, write_log(call, owner, *group, stream, timestamp_ms, std::move(line)),
                        boost::asio::detached);
}

}  // namespace nimbus::apigateway
