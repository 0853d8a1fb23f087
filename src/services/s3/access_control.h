#pragma once
// The access stage of S3 requests with --auth verify: which IAM action on which resource each
// operation needs, the request's condition keys, and the bucket policy's verdict.
//
// Rules (a single resource policy, no IAM users): an explicit Deny denies everyone; the bucket
// owner's account needs no Allow (its identity policies are implicitly "allow all") and may always
// manage the policy itself; other accounts and anonymous callers need an Allow (and even then get
// 405 MethodNotAllowed for Get/Put/DeleteBucketPolicy, as on AWS).

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "auth/access_policy.h"
#include "services/s3/bucket_registry.h"
#include "services/s3/s3_types.h"

namespace nimbus::s3 {

// One permission a call needs: IAM action on one bucket or object.
struct RequiredAccess {
  std::string bucket;
  std::string action;    // "s3:GetObject"
  std::string resource;  // "arn:aws:s3:::bucket/key"
};

// The permissions `operation` needs with this input: one, or several for CopyObject /
// UploadPartCopy (read the source) and DeleteObjects (one per key). None for ListBuckets and
// CreateBucket (no bucket policy applies).
std::vector<RequiredAccess> required_access(std::string_view operation, const std::string& bucket,
                                            const std::string& key, const Json& input);

// aws:* and s3:* condition keys of the request (lower-case names).
auth::ConditionContext condition_keys(const S3Call& call, std::string_view operation);

// DeleteObjects entries a policy refused: AWS answers them per key, beside the deleted ones.
struct RefusedKeys {
  std::vector<Json> errors;  // {"Key", "Code": "AccessDenied", "Message"[, "VersionId"]}
  // Appends the errors to the DeleteObjects output's Errors.
  void report(S3Result& result) const;
};

class ObjectAccess;

// The tags of an object's current version (none when it is absent), for the
// s3:ExistingObjectTag/<key> condition keys.
using ExistingTags = std::function<std::map<std::string, std::string>(const Bucket& bucket, const std::string& key)>;
// ExistingTags read through the object side.
ExistingTags current_tags_of(ObjectAccess& objects);

// Throws AccessDenied unless the bucket policies of the buckets involved let the caller run
// `operation`; marks context.granted_by_policy when an Allow admitted another account. For
// DeleteObjects the refused entries are taken out of call.input and returned instead. Does
// nothing unless context.access_checked (--auth verify). Buckets that do not exist are left to
// the handler (NoSuchBucket). `existing_tags` is read only when a policy is there to evaluate
// and the operation is one AWS gives s3:ExistingObjectTag for.
RefusedKeys authorize(S3Call& call, std::string_view operation, const BucketRegistry& buckets,
                      const ExistingTags& existing_tags = {});

}  // namespace nimbus::s3
