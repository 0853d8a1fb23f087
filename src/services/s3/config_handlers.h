#pragma once
// The bucket configuration operations that store a document and give it back: tagging, CORS,
// policy, lifecycle, public access block, ownership controls, website, encryption, logging,
// accelerate, request payment, and ACLs.

#include <functional>
#include <string>

#include "services/s3/object_access.h"
#include "services/s3/s3_environment.h"

namespace nimbus::s3 {

// `lifecycle_stored` is told about each bucket that receives a lifecycle configuration.
void register_config_handlers(HandlerTable& table, S3Environment& environment,
                              std::function<void(const std::string&)> lifecycle_stored);
void register_acl_handlers(HandlerTable& table, S3Environment& environment, ObjectAccess& objects);

// Checks a TagSet ([{"Key":…, "Value":…}]) as PutBucketTagging does (InvalidTag).
void validate_bucket_tags(const Json& tag_set);
// Checks a WebsiteConfiguration as PutBucketWebsite does.
void validate_website(const Json& configuration);

}  // namespace nimbus::s3
