#pragma once
// The static website endpoint (bucket.s3-website-<region>…): index and error documents,
// RedirectAllRequestsTo, routing rules, and S3's HTML error pages.

#include "services/s3/object_access.h"
#include "services/s3/s3_environment.h"

namespace nimbus::s3 {

awaitable<Reply> serve_website_request(const HttpRequest& head, const std::string& bucket,
                                                    RequestContext& context, S3Environment& environment,
                                                    ObjectAccess& objects);

// Where a routing rule sends a request for `key` that ended with `status` (0 = before the
// lookup); nullopt when no rule applies. `host` is the request's Host.
std::optional<std::pair<int, std::string>> website_redirect(const Json& configuration, const std::string& key,
                                                            int status, const std::string& host);

}  // namespace nimbus::s3
