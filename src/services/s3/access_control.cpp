#include "services/s3/access_control.h"

#include <boost/beast/core/string.hpp>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "auth/amz_date.h"
#include "services/s3/config_common.h"
#include "services/s3/object_access.h"
#include "services/s3/object_http.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

// Bucket policies parsed once per distinct document (stored documents passed
// validate_bucket_policy, so they parse), not on every request that reads them.
class ParsedPolicies {
 public:
  std::shared_ptr<const auth::Policy> of(const std::string& document) {
    std::lock_guard guard(mutex_);
    if (auto it = parsed_.find(document); it != parsed_.end()) return it->second;
    if (parsed_.size() >= kMaxDocuments) parsed_.clear();  // replaced policies are not tracked
    auto policy = std::make_shared<const auth::Policy>(auth::parse_policy(Json::parse(document)));
    parsed_.emplace(document, policy);
    return policy;
  }

 private:
  static constexpr size_t kMaxDocuments = 1024;
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const auth::Policy>> parsed_;
};

ParsedPolicies& parsed_policies() {
  static ParsedPolicies policies;
  return policies;
}

// Operation -> IAM action, from AWS's "Actions, resources, and condition keys for Amazon S3".
// Operations on objects name the object ARN; the rest the bucket ARN.
struct ActionOf {
  std::string_view action;
  bool on_object;
  std::string_view versioned_action = {};  // when the request names a VersionId
  // Evaluated with the object's current tags as s3:ExistingObjectTag/<key> (reads, tagging and
  // ACLs of an object; AWS never offers them for PutObject or DeleteObject).
  bool sees_existing_tags = false;
};

const std::unordered_map<std::string_view, ActionOf>& action_table() {
  static const std::unordered_map<std::string_view, ActionOf> table = {
      {"GetObject", {"s3:GetObject", true, "s3:GetObjectVersion", true}},
      {"HeadObject", {"s3:GetObject", true, "s3:GetObjectVersion", true}},
      {"GetObjectAttributes", {"s3:GetObjectAttributes", true, "s3:GetObjectVersionAttributes"}},
      {"PutObject", {"s3:PutObject", true}},
      {"CopyObject", {"s3:PutObject", true}},
      {"CreateMultipartUpload", {"s3:PutObject", true}},
      {"UploadPart", {"s3:PutObject", true}},
      {"UploadPartCopy", {"s3:PutObject", true}},
      {"CompleteMultipartUpload", {"s3:PutObject", true}},
      {"AbortMultipartUpload", {"s3:AbortMultipartUpload", true}},
      {"ListParts", {"s3:ListMultipartUploadParts", true}},
      {"DeleteObject", {"s3:DeleteObject", true, "s3:DeleteObjectVersion"}},
      {"GetObjectTagging", {"s3:GetObjectTagging", true, "s3:GetObjectVersionTagging", true}},
      {"PutObjectTagging", {"s3:PutObjectTagging", true, "s3:PutObjectVersionTagging", true}},
      {"DeleteObjectTagging", {"s3:DeleteObjectTagging", true, "s3:DeleteObjectVersionTagging", true}},
      {"GetObjectAcl", {"s3:GetObjectAcl", true, "s3:GetObjectVersionAcl", true}},
      {"PutObjectAcl", {"s3:PutObjectAcl", true, "s3:PutObjectVersionAcl", true}},
      {"ListObjects", {"s3:ListBucket", false}},
      {"ListObjectsV2", {"s3:ListBucket", false}},
      {"HeadBucket", {"s3:ListBucket", false}},
      {"ListObjectVersions", {"s3:ListBucketVersions", false}},
      {"ListMultipartUploads", {"s3:ListBucketMultipartUploads", false}},
      {"DeleteBucket", {"s3:DeleteBucket", false}},
      {"GetBucketLocation", {"s3:GetBucketLocation", false}},
      {"GetBucketVersioning", {"s3:GetBucketVersioning", false}},
      {"PutBucketVersioning", {"s3:PutBucketVersioning", false}},
      {"GetBucketPolicy", {"s3:GetBucketPolicy", false}},
      {"PutBucketPolicy", {"s3:PutBucketPolicy", false}},
      {"DeleteBucketPolicy", {"s3:DeleteBucketPolicy", false}},
      {"GetBucketPolicyStatus", {"s3:GetBucketPolicyStatus", false}},
      {"GetBucketAcl", {"s3:GetBucketAcl", false}},
      {"PutBucketAcl", {"s3:PutBucketAcl", false}},
      {"GetBucketCors", {"s3:GetBucketCORS", false}},
      {"PutBucketCors", {"s3:PutBucketCORS", false}},
      {"DeleteBucketCors", {"s3:PutBucketCORS", false}},
      {"GetBucketLifecycleConfiguration", {"s3:GetLifecycleConfiguration", false}},
      {"PutBucketLifecycleConfiguration", {"s3:PutLifecycleConfiguration", false}},
      {"DeleteBucketLifecycle", {"s3:PutLifecycleConfiguration", false}},
      {"GetBucketTagging", {"s3:GetBucketTagging", false}},
      {"PutBucketTagging", {"s3:PutBucketTagging", false}},
      {"DeleteBucketTagging", {"s3:PutBucketTagging", false}},
      {"GetBucketWebsite", {"s3:GetBucketWebsite", false}},
      {"PutBucketWebsite", {"s3:PutBucketWebsite", false}},
      {"DeleteBucketWebsite", {"s3:DeleteBucketWebsite", false}},
      {"GetBucketNotificationConfiguration", {"s3:GetBucketNotification", false}},
      {"PutBucketNotificationConfiguration", {"s3:PutBucketNotification", false}},
      {"GetPublicAccessBlock", {"s3:GetBucketPublicAccessBlock", false}},
      {"PutPublicAccessBlock", {"s3:PutBucketPublicAccessBlock", false}},
      {"DeletePublicAccessBlock", {"s3:PutBucketPublicAccessBlock", false}},
      {"GetBucketOwnershipControls", {"s3:GetBucketOwnershipControls", false}},
      {"PutBucketOwnershipControls", {"s3:PutBucketOwnershipControls", false}},
      {"DeleteBucketOwnershipControls", {"s3:PutBucketOwnershipControls", false}},
      {"GetBucketEncryption", {"s3:GetEncryptionConfiguration", false}},
      {"PutBucketEncryption", {"s3:PutEncryptionConfiguration", false}},
      {"DeleteBucketEncryption", {"s3:PutEncryptionConfiguration", false}},
      {"GetBucketLogging", {"s3:GetBucketLogging", false}},
      {"PutBucketLogging", {"s3:PutBucketLogging", false}},
      {"GetBucketAccelerateConfiguration", {"s3:GetAccelerateConfiguration", false}},
      {"PutBucketAccelerateConfiguration", {"s3:PutAccelerateConfiguration", false}},
      {"GetBucketRequestPayment", {"s3:GetBucketRequestPayment", false}},
      {"PutBucketRequestPayment", {"s3:PutBucketRequestPayment", false}},
  };
  return table;
}

std::string bucket_arn(const std::string& bucket) { return "arn:aws:s3:::" + bucket; }
std::string object_arn(const std::string& bucket, const std::string& key) {
  return bucket_arn(bucket) + "/" + key;
}

// Only the bucket owner manages the policy: its root always may (a bad Deny cannot lock it out),
// another account granted the action gets 405 MethodNotAllowed.
bool manages_policy(std::string_view operation) {
  return operation == "GetBucketPolicy" || operation == "PutBucketPolicy" || operation == "DeleteBucketPolicy";
}

void add(auth::ConditionContext& keys, std::string name, std::string value) {
  keys[std::move(name)].push_back(std::move(value));
}

// s3:RequestObjectTag/<key> and s3:RequestObjectTagKeys: the tags a request sets, from the
// x-amz-tagging header (uploads, copies) or a PutObjectTagging body.
void add_request_tags(auth::ConditionContext& keys, const S3Call& call, std::string_view operation) {
  std::vector<std::pair<std::string, std::string>> tags;
  if (operation == "PutObjectTagging") {
    for (const auto& tag : call.input.value("Tagging", Json::object()).value("TagSet", Json::array())) {
      tags.emplace_back(tag.value("Key", ""), tag.value("Value", ""));
    }
  } else if (auto header = call.head.find("x-amz-tagging"); header != call.head.end()) {
    try {
      tags = parse_tagging_header(header->value());
    } catch (const AwsError&) {
      return;  // the handler reports malformed tags
    }
  }
  for (auto& [key, value] : tags) {
    add(keys, "s3:requestobjecttag/" + lower(key), std::move(value));
    add(keys, "s3:requestobjecttagkeys", std::move(key));
  }
}

bool sees_existing_tags(std::string_view operation) {
  auto entry = action_table().find(operation);
  return entry != action_table().end() && entry->second.sees_existing_tags;
}

}  // namespace

std::vector<RequiredAccess> required_access(std::string_view operation, const std::string& bucket,
                                            const std::string& key, const Json& input) {
  if (bucket.empty() || operation == "CreateBucket") return {};
  std::vector<RequiredAccess> needed;
  if (operation == "DeleteObjects") {
    for (const auto& object : input.value("Delete", Json::object()).value("Objects", Json::array())) {
      bool versioned = !object.value("VersionId", "").empty();
      needed.push_back({bucket, versioned ? "s3:DeleteObjectVersion" : "s3:DeleteObject",
                        object_arn(bucket, object.value("Key", ""))});
    }
    return needed;
  }
  auto entry = action_table().find(operation);
  if (entry == action_table().end()) {
    // Not in the table: S3's usual naming, on the bucket.
    needed.push_back({bucket, "s3:" + std::string(operation), bucket_arn(bucket)});
    return needed;
  }
  const ActionOf& of = entry->second;
  bool versioned = !of.versioned_action.empty() && !input.value("VersionId", "").empty();
  needed.push_back({bucket, std::string(versioned ? of.versioned_action : of.action),
                    of.on_object ? object_arn(bucket, key) : bucket_arn(bucket)});
  if (operation == "CopyObject" || operation == "UploadPartCopy") {
    auto source = parse_copy_source(input.value("CopySource", ""));
    needed.push_back({source.bucket, source.version_id.empty() ? "s3:GetObject" : "s3:GetObjectVersion",
                      object_arn(source.bucket, source.key)});
  }
  return needed;
}

auth::ConditionContext condition_keys(const S3Call& call, std::string_view operation) {
  auth::ConditionContext keys;
  const auto& context = call.context;
  int64_t now_seconds = context.clock ? context.clock->now_ms() / 1000 : 0;
  add(keys, "aws:currenttime", auth::format_iso8601(now_seconds));
  add(keys, "aws:epochtime", std::to_string(now_seconds));
  add(keys, "aws:securetransport", "false");  // nimbus serves plain HTTP
  add(keys, "aws:requestedregion", context.region);
  if (!context.source_ip.empty()) add(keys, "aws:sourceip", context.source_ip);
  if (!context.access_key_id.empty()) {
    add(keys, "aws:principalaccount", context.account_id);
    add(keys, "aws:principalarn", "arn:aws:iam::" + context.account_id + ":root");
    add(keys, "aws:principaltype", "Account");
    add(keys, "aws:userid", context.account_id);
    add(keys, "s3:signatureversion", "AWS4-HMAC-SHA256");
    bool presigned = call.head.target().find("X-Amz-Signature=") != std::string_view::npos;
    add(keys, "s3:authtype", presigned ? "REST-QUERY-STRING" : "REST-HEADER");
  }
  for (const auto& field : call.head) {
    auto name = boost::beast::iequals(field.name_string().substr(0, 6), "x-amz-")
                    ? "s3:" + lower(field.name_string())
                    : std::string();
    if (!name.empty()) add(keys, std::move(name), std::string(field.value()));
  }
  if (auto agent = call.head.find(boost::beast::http::field::user_agent); agent != call.head.end()) {
    add(keys, "aws:useragent", std::string(agent->value()));
  }
  if (auto referer = call.head.find(boost::beast::http::field::referer); referer != call.head.end()) {
    add(keys, "aws:referer", std::string(referer->value()));
  }
  if (operation == "ListObjects" || operation == "ListObjectsV2" || operation == "ListObjectVersions") {
    // Present when the request carries the parameter (an empty prefix included).
    if (call.input.contains("Prefix")) add(keys, "s3:prefix", call.input["Prefix"].get<std::string>());
    if (call.input.contains("Delimiter")) add(keys, "s3:delimiter", call.input["Delimiter"].get<std::string>());
    if (call.input.contains("MaxKeys")) add(keys, "s3:max-keys", std::to_string(call.input["MaxKeys"].get<int64_t>()));
  }
  if (auto version = call.input.value("VersionId", ""); !version.empty()) add(keys, "s3:versionid", version);
  add_request_tags(keys, call, operation);
  return keys;
}

void RefusedKeys::report(S3Result& result) const {
  if (errors.empty()) return;
  auto& out = result.output["Errors"];
  if (!out.is_array()) out = Json::array();
  for (const auto& error : errors) out.push_back(error);
}

ExistingTags current_tags_of(ObjectAccess& objects) {
  return [&objects](const Bucket& bucket, const std::string& key) {
    auto object = objects.head(bucket, key);
    return object ? object->tags : std::map<std::string, std::string>{};
  };
}

RefusedKeys authorize(S3Call& call, std::string_view operation, const BucketRegistry& buckets,
                      const ExistingTags& existing_tags) {
  RefusedKeys refused;
  auto& context = call.context;
  if (!context.access_checked) return refused;
  bool anonymous = context.access_key_id.empty();
  auto needed = required_access(operation, call.bucket, call.key, call.input);
  if (needed.empty()) {
    if (anonymous) throw errors::access_denied();  // ListBuckets, CreateBucket
    return refused;
  }
  // DeleteObjects needs one access per entry of Delete.Objects, in order; a refused entry is
  // reported on its own instead of failing the request.
  bool per_key = operation == "DeleteObjects";
  std::vector<size_t> refused_entries;
  auth::AccessRequest request;
  if (!anonymous) request.principal = {context.account_id, "arn:aws:iam::" + context.account_id + ":root"};
  bool keys_known = false;  // condition keys are gathered only when a policy is there to read them
  bool granted = false;
  bool owner = false;
  for (size_t i = 0; i < needed.size(); ++i) {
    const auto& access = needed[i];
    auto bucket = buckets.find(access.bucket);
    if (!bucket) continue;  // the handler answers NoSuchBucket
    owner = !anonymous && bucket->account_id == context.account_id;
    if (owner && manages_policy(operation)) continue;
    auto decision = auth::PolicyDecision::kNone;
    if (auto policy = bucket->configs.find("policy"); policy != bucket->configs.end()) {
      if (!keys_known) {
        request.keys = condition_keys(call, operation);
        if (existing_tags && sees_existing_tags(operation) && !call.key.empty()) {
          for (auto& [key, value] : existing_tags(*bucket, call.key)) {
            add(request.keys, "s3:existingobjecttag/" + lower(key), std::move(value));
          }
        }
      }
      keys_known = true;
      request.action = access.action;
      request.resource = access.resource;
      auto parsed = parsed_policies().of(policy->get_ref<const std::string&>());
      decision = auth::evaluate_policy(*parsed, request);
    }
    bool allowed = decision == auth::PolicyDecision::kAllow || (owner && decision == auth::PolicyDecision::kNone);
    if (!allowed) {
      if (!per_key) throw errors::access_denied();
      refused_entries.push_back(i);
      continue;
    }
    if (owner) continue;
    if (manages_policy(operation)) throw errors::method_not_allowed(std::string(call.head.method_string()), "BUCKET");
    granted = true;
  }
  if (!refused_entries.empty()) {
    if (!owner && !granted) throw errors::access_denied();  // nothing of the batch is allowed
    auto& objects = call.input["Delete"]["Objects"];
    for (auto index = refused_entries.rbegin(); index != refused_entries.rend(); ++index) {
      const auto& object = objects[*index];
      Json error = {{"Key", object.value("Key", "")}, {"Code", "AccessDenied"}, {"Message", "Access Denied"}};
      if (object.contains("VersionId")) error["VersionId"] = object["VersionId"];
      refused.errors.insert(refused.errors.begin(), std::move(error));
      objects.erase(*index);
    }
  }
  context.granted_by_policy = granted;
  return refused;
}

}  // namespace nimbus::s3
