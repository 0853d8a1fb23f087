#pragma once
// Whether a function's resource-based policy lets another service (or account) invoke it: what
// Invoke checks when the call comes from S3, SQS, EventBridge... on someone's behalf.

#include <nlohmann/json.hpp>
#include <string>

#include "core/request_context.h"

namespace nimbus::lambda {

// True when a statement of the policy for `qualifier` ("" or "$LATEST": the unqualified
// function) allows lambda:InvokeFunction to caller.principal ("s3.amazonaws.com", an account id,
// an ARN) with its conditions met: ArnLike/ArnEquals AWS:SourceArn (with * and ? wildcards) and
// StringEquals AWS:SourceAccount. Statements with conditions nimbus cannot check do not allow.
bool function_policy_allows(const nlohmann::json& record, const std::string& qualifier,
                            const RequestContext::ServiceCaller& caller);

}  // namespace nimbus::lambda
