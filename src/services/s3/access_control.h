#pragma once
// The access stage of S3 requests with --auth verify: which IAM action on which resource each
// operation needs, the request's condition keys, and the bucket policy's verdict.
//
// Rules (a single resource policy, no IAM users): an explicit Deny denies everyone; the bucket
// owner's account needs no Allow (its identity policies are implicitly "allow all") and may always
// manage the policy itself; other accounts and anonymous callers need an Allow (and even then get
// 405 MethodNotAllowed for Get/Put/DeleteBucketPolicy, as on AWS).

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

// Throws AccessDenied unless the bucket policies of the buckets involved let the caller run
// `operation`; marks context.granted_by_policy when an Allow admitted another account. For
// DeleteObjects the refused entries are taken out of call.input and returned instead. Does
// nothing unless context.access_checked (--auth verify). Buckets that do not exist are left to
// the handler (NoSuchBucket).
RefusedKeys authorize(S3Call& call, std::string_view operation, const BucketRegistry& buckets);

}  // namespace nimbus::s3
