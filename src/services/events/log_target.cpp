// CloudWatch Logs targets: the internal _DeliverToLogGroup operation the outbox calls for a rule
// whose target is a log group. As on AWS, each event gets a log stream named after its id.

#include "core/arn.h"
#include "services/events/events_errors.h"
#include "services/events/events_service.h"

namespace nimbus::events {

awaitable<Json> EventsService::deliver_to_log_group(RequestContext& context, const Json& in) {
  if (context.invoked_by.principal != "events.amazonaws.com") {  // only the outbox calls it
    throw AwsError::unknown_operation("The requested operation is not supported.");
  }
  auto arn = parse_arn(in.value("LogGroupArn", ""));
  if (!arn || arn->resource.rfind("log-group:", 0) != 0) throw errors::invalid_arn(in.value("LogGroupArn", ""));
  std::string group = arn->resource.substr(10);
  if (group.ends_with(":*")) group.resize(group.size() - 2);
  std::string stream = in.value("EventId", "");
  delivery::Target create{"logs", "CreateLogStream", arn->account, arn->region,
                          {{"logGroupName", group}, {"logStreamName", stream}}};
  RequestContext as_events = context;
  as_events.account_id = arn->account;
  as_events.region = arn->region;
  try {
    co_await call_(create, as_events);
  } catch (const AwsError& error) {
    if (error.code != "ResourceAlreadyExistsException") throw;  // a retry after a partial attempt
  }
  delivery::Target put{"logs", "PutLogEvents", arn->account, arn->region,
                       {{"logGroupName", group},
                        {"logStreamName", stream},
                        {"logEvents", Json::array({{{"timestamp", clock_.now_ms()}, {"message", in.value("Message", "")}}})}}};
  co_await call_(put, as_events);
  co_return Json::object();
}

}  // namespace nimbus::events
