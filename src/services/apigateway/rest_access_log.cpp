// REST API access logs: a stage's accessLogSettings turn each request into one log event
// (access_log.h); the stream is named after the API and stage.

#include "services/apigateway/access_log.h"
#include "services/apigateway/rest_api_service.h"
#include "services/apigateway/rest_common.h"
#include "services/apigateway/rest_serving.h"

namespace nimbus::apigateway {

awaitable<void> RestApiService::log_access(const ServedStage& served, const ApiOwner& owner, const Json& context,
                                           const Reply& reply, const GatewayError* failure) {
  const Json& settings = member_object(served.stage, "accessLogSettings");
  if (!settings.contains("destinationArn")) co_return;
  Json values = context;
  values["status"] = reply.message.result_int();
  values["responseLength"] = reply.message.body().size();
  values["error"] = {{"message", failure ? failure->message : ""},
                     {"messageString", failure ? Json(failure->message).dump() : ""},
                     {"responseType", failure ? failure->type : ""}};
  co_await log_access_line(call_, owner, settings.value("destinationArn", ""), settings.value("format", ""),
                           served.api_id + "_" + served.stage_name, values, clock_.wall_ms());
}

}  // namespace nimbus::apigateway
