#pragma once
// What other services ask of S3 through ServiceRegistry::call, as a client would ask through
// HTTP: GetObject (the whole body as "Body", or with "_InPlace" where the body lies: "_BodyFile",
// an absolute path to read in place, or "Body" for a small body kept in the record),
// ListObjectsV2, and PutObject whose body is "Body" (bytes) or "_BodyFile" (a file of the caller's
// to copy). Each runs the operation's own handler, with its checks.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string_view>

#include "services/s3/s3_types.h"

namespace nimbus::s3 {

using HandlerLookup = std::function<const Handler&(std::string_view operation)>;

bool serves_service_call(std::string_view operation);
boost::asio::awaitable<Json> run_service_call(std::string_view operation, RequestContext& context, Json input,
                                              const HandlerLookup& handler);

}  // namespace nimbus::s3
