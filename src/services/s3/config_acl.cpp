// Access control lists: GetBucketAcl / PutBucketAcl (canned ACLs, grant headers or an
// AccessControlPolicy body) and GetObjectAcl (the owner's FULL_CONTROL).

#include <map>

#include "services/s3/config_common.h"
#include "services/s3/config_handlers.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

constexpr const char* kAllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
constexpr const char* kAuthenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
constexpr const char* kLogDelivery = "http://acs.amazonaws.com/groups/s3/LogDelivery";

Json owner_of(const std::string& account_id) { return {{"ID", canonical_user_id(account_id)}}; }

Json user_grant(const Json& owner, const char* permission) {
  return {{"Grantee", {{"ID", owner["ID"]}, {"Type", "CanonicalUser"}}}, {"Permission", permission}};
}

Json group_grant(const char* uri, const char* permission) {
  return {{"Grantee", {{"Type", "Group"}, {"URI", uri}}}, {"Permission", permission}};
}

Json canned_grants(const std::string& acl, const Json& owner) {
  Json grants = Json::array({user_grant(owner, "FULL_CONTROL")});
  if (acl == "private" || acl == "bucket-owner-read" || acl == "bucket-owner-full-control") return grants;
  if (acl == "public-read" || acl == "public-read-write") grants.push_back(group_grant(kAllUsers, "READ"));
  if (acl == "public-read-write") grants.push_back(group_grant(kAllUsers, "WRITE"));
  if (acl == "authenticated-read") grants.push_back(group_grant(kAuthenticatedUsers, "READ"));
  if (acl == "log-delivery-write") {
    grants.push_back(group_grant(kLogDelivery, "WRITE"));
    grants.push_back(group_grant(kLogDelivery, "READ_ACP"));
  }
  if (grants.size() == 1) throw errors::invalid_argument("", "x-amz-acl", acl);
  return grants;
}

// x-amz-grant-* headers: `id="…", uri="…", emailAddress="…"` per permission.
Json header_grants(const Json& input) {
  static const std::map<std::string, const char*> kHeaders = {
      {"GrantFullControl", "FULL_CONTROL"}, {"GrantRead", "READ"}, {"GrantReadACP", "READ_ACP"},
      {"GrantWrite", "WRITE"}, {"GrantWriteACP", "WRITE_ACP"}};
  Json grants = Json::array();
  for (const auto& [member, permission] : kHeaders) {
    std::string_view value = input.value(member, "");
    while (!value.empty()) {
      auto comma = value.find(',');
      auto item = value.substr(0, comma);
      value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
      auto equals = item.find('=');
      if (equals == std::string_view::npos) throw errors::invalid_argument("", member, std::string(item));
      auto type = lower(item.substr(item.find_first_not_of(' '), equals - item.find_first_not_of(' ')));
      std::string target(item.substr(equals + 1));
      std::erase(target, '"');
      Json grantee;
      if (type == "id") grantee = {{"ID", target}, {"Type", "CanonicalUser"}};
      else if (type == "uri") grantee = {{"URI", target}, {"Type", "Group"}};
      else if (type == "emailaddress") grantee = {{"EmailAddress", target}, {"Type", "AmazonCustomerByEmail"}};
      else throw errors::invalid_argument("", member, std::string(item));
      grants.push_back({{"Grantee", grantee}, {"Permission", permission}});
    }
  }
  return grants;
}

bool acls_disabled(const Bucket& bucket) {
  auto controls = bucket.configs.find("ownership_controls");
  if (controls == bucket.configs.end()) return false;
  for (const auto& rule : controls->value("Rules", Json::array())) {
    if (rule.value("ObjectOwnership", std::string("")) == "BucketOwnerEnforced") return true;
  }
  return false;
}

}  // namespace

void register_acl_handlers(HandlerTable& table, S3Environment& environment, ObjectAccess& objects) {
  table["GetBucketAcl"] = [&environment](S3Call& call) -> awaitable<S3Result> {
    auto bucket = environment.buckets.require(call.bucket, call.context);
    S3Result result;
    auto owner = owner_of(bucket.account_id);
    auto stored = bucket.configs.find("acl");
    result.output = {{"Owner", owner},
                     {"Grants", stored != bucket.configs.end() ? *stored : Json::array({user_grant(owner, "FULL_CONTROL")})}};
    co_return result;
  };
  table["PutBucketAcl"] = [&environment](S3Call& call) -> awaitable<S3Result> {
    auto bucket = environment.buckets.require(call.bucket, call.context);
    auto owner = owner_of(bucket.account_id);
    Json grants;
    auto canned = call.input.value("ACL", std::string(""));
    if (!canned.empty()) {
      grants = canned_grants(canned, owner);
    } else if (call.input.contains("AccessControlPolicy")) {
      grants = call.input["AccessControlPolicy"].value("Grants", Json::array());
    } else {
      grants = header_grants(call.input);
      if (grants.empty()) throw errors::malformed_xml();
    }
    bool owner_only = grants.size() == 1 && grants[0].value("Permission", std::string("")) == "FULL_CONTROL" &&
                      grants[0]["Grantee"].value("ID", std::string("")) == owner["ID"];
    if (acls_disabled(bucket) && !owner_only) {
      throw AwsError{400, "AccessControlListNotSupported", "The bucket does not allow ACLs"};
    }
    std::string kind = "acl";
    co_await store_config(environment, call, std::move(kind), std::move(grants));
    co_return S3Result{};
  };
  table["GetObjectAcl"] = [&environment, &objects](S3Call& call) -> awaitable<S3Result> {
    auto bucket = environment.buckets.require(call.bucket, call.context);
    if (!objects.head(bucket, call.key)) throw errors::no_such_key(call.key);
    auto owner = owner_of(bucket.account_id);
    S3Result result;
    result.output = {{"Owner", owner}, {"Grants", Json::array({user_grant(owner, "FULL_CONTROL")})}};
    co_return result;
  };
}

}  // namespace nimbus::s3
