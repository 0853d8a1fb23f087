// Buckets: CreateBucket, DeleteBucket, HeadBucket, ListBuckets, GetBucketLocation and
// Put/GetBucketVersioning.

#include <algorithm>
#include <cctype>

#include "core/crypto.h"
#include "services/s3/bucket_names.h"
#include "services/s3/config_common.h"
#include "services/s3/object_operations.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

constexpr std::string_view kDefaultRegion = "us-east-1";

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool looks_like_ipv4(std::string_view name) {
  int dots = 0;
  for (char c : name) {
    if (c == '.') {
      ++dots;
    } else if (!std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return dots == 3;
}

}  // namespace

bool valid_bucket_name(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  for (char c : name) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '.' ||
          c == '-')) {
      return false;
    }
  }
  auto edge_ok = [](char c) { return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)); };
  if (!edge_ok(name.front()) || !edge_ok(name.back())) return false;
  if (name.find("..") != std::string_view::npos || looks_like_ipv4(name)) return false;
  for (auto prefix : {"xn--", "sthree-", "amzn-s3-demo-"}) {
    if (name.substr(0, std::string_view(prefix).size()) == prefix) return false;
  }
  for (auto suffix : {"-s3alias", "--ol-s3", ".mrap", "--x-s3"}) {
    if (ends_with(name, suffix)) return false;
  }
  return true;
}

nlohmann::json owner_json(std::string_view account_id) {
  return {{"ID", canonical_user_id(account_id)}, {"DisplayName", "nimbus-" + std::string(account_id)}};
}

awaitable<S3Result> ObjectOperations::create_bucket(S3Call& call) {
  const auto& name = call.bucket;
  if (!valid_bucket_name(name)) throw errors::invalid_bucket_name(name);
  std::string constraint;
  if (auto config = call.input.find("CreateBucketConfiguration"); config != call.input.end() && config->is_object()) {
    constraint = config->value("LocationConstraint", "");
  }
  std::string region = call.context.region.empty() ? std::string(kDefaultRegion) : call.context.region;
  if (region == kDefaultRegion) {
    if (constraint == kDefaultRegion) throw errors::invalid_location_constraint(constraint);
    if (constraint == "EU") constraint = "eu-west-1";
    if (!constraint.empty()) region = constraint;
  } else if (constraint.empty()) {
    throw errors::illegal_location_constraint("unspecified");
  } else if (constraint != region) {
    throw errors::illegal_location_constraint(constraint);
  }
  if (auto existing = environment_.buckets.find(name)) {
    if (existing->account_id != call.context.account_id) throw errors::bucket_already_exists(name);
    // us-east-1 answers a repeated create by the owner with 200 (legacy behaviour).
    if (existing->region != kDefaultRegion || region != kDefaultRegion) throw errors::bucket_already_owned_by_you(name);
    S3Result result;
    result.output["Location"] = "/" + name;
    co_return result;
  }
  Bucket bucket;
  bucket.name = name;
  bucket.account_id = call.context.account_id;
  bucket.region = region;
  bucket.created_ms = environment_.clock.now_ms();
  // AWS's defaults for new buckets (since April 2023), stored as the Put handlers store them:
  // every public access block on, and ACLs disabled unless x-amz-object-ownership says otherwise.
  auto ownership = call.input.value("ObjectOwnership", std::string("BucketOwnerEnforced"));
  auto acl = call.input.value("ACL", std::string(""));
  bool owner_only_acl = acl.empty() || acl == "private" || acl == "bucket-owner-full-control";
  if (ownership == "BucketOwnerEnforced" && !owner_only_acl) {
    throw AwsError{400, "InvalidBucketAclWithObjectOwnership",
                   "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"};
  }
  bucket.configs["public_access_block"] = Json{{"BlockPublicAcls", true},
                                               {"IgnorePublicAcls", true},
                                               {"BlockPublicPolicy", true},
                                               {"RestrictPublicBuckets", true}};
  bucket.configs["ownership_controls"] = Json{{"Rules", Json::array({Json{{"ObjectOwnership", ownership}}})}};
  co_await environment_.buckets.create(std::move(bucket));
  S3Result result;
  result.output["Location"] = region == kDefaultRegion ? "/" + name : "http://" + name + ".s3.amazonaws.com/";
  co_return result;
}

awaitable<S3Result> ObjectOperations::delete_bucket(S3Call& call) {
  auto bucket = environment_.buckets.require(call.bucket, call.context);
  bool empty = true;
  auto any = [&](std::string_view, std::string_view) {
    empty = false;
    return false;
  };
  records_.scan(record_keys::version_prefix(bucket.name), any);
  if (!empty) throw errors::bucket_not_empty(bucket.name);
  // Multipart uploads in progress do not keep a bucket: AWS discards them with it.
  std::vector<std::string> upload_ids;
  storage::WriteBatch batch;
  records_.scan(record_keys::upload_prefix(bucket.name), [&](std::string_view key, std::string_view value) {
    batch.remove(kSpace, key);
    upload_ids.push_back(upload_from_json(Json::parse(value)).upload_id);
    return true;
  });
  for (const auto& upload_id : upload_ids) {
    for (const auto& part : parts_of(upload_id)) batch.remove(kSpace, record_keys::part(upload_id, part.part_number));
  }
  if (!upload_ids.empty()) {
    RecordStore::Submitted submitted;
    {
      auto lock = records_.lock();
      submitted = records_.submit(std::move(batch));
    }
    co_await records_.finish(std::move(submitted));
    for (const auto& upload_id : upload_ids) files_.remove_upload(upload_id);
  }
  co_await environment_.buckets.remove(bucket.name);
  co_return S3Result{};
}

awaitable<S3Result> ObjectOperations::head_bucket(S3Call& call) {
  auto bucket = environment_.buckets.require(call.bucket, call.context);
  S3Result result;
  result.output["BucketRegion"] = bucket.region;
  co_return result;
}

awaitable<S3Result> ObjectOperations::list_buckets(S3Call& call) {
  auto max = call.input.value("MaxBuckets", 10000);
  if (max < 1 || max > 10000) throw errors::invalid_argument("Argument max-buckets must be an integer between 1 and 10000.", "max-buckets", std::to_string(max));
  auto prefix = call.input.value("Prefix", "");
  auto region = call.input.value("BucketRegion", "");
  std::string after;
  if (auto token = call.input.find("ContinuationToken"); token != call.input.end()) {
    auto decoded = crypto::base64_decode(token->get<std::string>());
    if (!decoded) throw errors::invalid_argument("The continuation token provided is incorrect", "continuation-token", token->get<std::string>());
    after = *decoded;
  }
  S3Result result;
  Json buckets = Json::array();
  std::string last;
  bool truncated = false;
  for (const auto& bucket : environment_.buckets.list(call.context.account_id)) {
    if (bucket.name.rfind(prefix, 0) != 0 || (!region.empty() && bucket.region != region)) continue;
    if (!after.empty() && bucket.name <= after) continue;
    if (static_cast<int64_t>(buckets.size()) == max) {
      truncated = true;
      break;
    }
    buckets.push_back({{"Name", bucket.name}, {"CreationDate", bucket.created_ms / 1000}, {"BucketRegion", bucket.region}});
    last = bucket.name;
  }
  result.output["Buckets"] = std::move(buckets);
  result.output["Owner"] = owner_json(call.context.account_id);
  if (truncated) result.output["ContinuationToken"] = crypto::base64_encode(last);
  if (!prefix.empty()) result.output["Prefix"] = prefix;
  co_return result;
}

awaitable<S3Result> ObjectOperations::get_bucket_location(S3Call& call) {
  auto bucket = environment_.buckets.require(call.bucket, call.context);
  S3Result result;
  result.output["LocationConstraint"] = bucket.region == kDefaultRegion ? "" : bucket.region;
  co_return result;
}

awaitable<S3Result> ObjectOperations::put_bucket_versioning(S3Call& call) {
  environment_.buckets.require(call.bucket, call.context);
  auto config = call.input.value("VersioningConfiguration", Json::object());
  auto status = config.value("Status", "");
  if (status != "Enabled" && status != "Suspended") throw errors::malformed_xml();
  co_await environment_.buckets.update(call.bucket, [&](Bucket& bucket) { bucket.versioning = status; });
  co_return S3Result{};
}

awaitable<S3Result> ObjectOperations::get_bucket_versioning(S3Call& call) {
  auto bucket = environment_.buckets.require(call.bucket, call.context);
  S3Result result;
  if (!bucket.versioning.empty()) result.output["Status"] = bucket.versioning;
  co_return result;
}

}  // namespace nimbus::s3
