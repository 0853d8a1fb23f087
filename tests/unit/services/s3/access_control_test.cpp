// S3's access stage: operation -> IAM action and resource, condition keys, and the decision for
// owner, other accounts and anonymous callers (--auth verify only).

#include <gtest/gtest.h>

#include "core/aws_error.h"
#include "services/s3/access_control.h"
#include "storage/store_factory.h"
#include "test_support.h"

namespace nimbus::s3 {
namespace {

constexpr const char* kOwner = "111111111111";
constexpr const char* kOther = "222222222222";

std::pair<std::string, std::string> only(const std::vector<RequiredAccess>& needed) {
  EXPECT_EQ(needed.size(), 1u);
  return needed.empty() ? std::pair<std::string, std::string>{} : std::pair{needed[0].action, needed[0].resource};
}

TEST(S3RequiredAccess, MapsOperationsToActionsAndResources) {
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(only(required_access("GetObject", "b", "k/1", Json::object())), P("s3:GetObject", "arn:aws:s3:::b/k/1"));
  EXPECT_EQ(only(required_access("HeadObject", "b", "k", {{"VersionId", "v1"}})),
            P("s3:GetObjectVersion", "arn:aws:s3:::b/k"));
  EXPECT_EQ(only(required_access("PutObject", "b", "k", Json::object())), P("s3:PutObject", "arn:aws:s3:::b/k"));
  EXPECT_EQ(only(required_access("UploadPart", "b", "k", Json::object())), P("s3:PutObject", "arn:aws:s3:::b/k"));
  EXPECT_EQ(only(required_access("ListObjectsV2", "b", "", Json::object())), P("s3:ListBucket", "arn:aws:s3:::b"));
  EXPECT_EQ(only(required_access("HeadBucket", "b", "", Json::object())), P("s3:ListBucket", "arn:aws:s3:::b"));
  EXPECT_EQ(only(required_access("ListObjectVersions", "b", "", Json::object())),
            P("s3:ListBucketVersions", "arn:aws:s3:::b"));
  EXPECT_EQ(only(required_access("DeleteObject", "b", "k", {{"VersionId", "v"}})),
            P("s3:DeleteObjectVersion", "arn:aws:s3:::b/k"));
  EXPECT_EQ(only(required_access("DeleteBucketCors", "b", "", Json::object())), P("s3:PutBucketCORS", "arn:aws:s3:::b"));
  EXPECT_EQ(only(required_access("GetBucketPolicy", "b", "", Json::object())), P("s3:GetBucketPolicy", "arn:aws:s3:::b"));
  EXPECT_TRUE(required_access("ListBuckets", "", "", Json::object()).empty());
  EXPECT_TRUE(required_access("CreateBucket", "b", "", Json::object()).empty());
}

TEST(S3RequiredAccess, CopiesReadTheSourceAndBatchDeletesNeedEveryKey) {
  auto copy = required_access("CopyObject", "dst", "k", {{"CopySource", "src/a%20b?versionId=v1"}});
  ASSERT_EQ(copy.size(), 2u);
  EXPECT_EQ(copy[0].action, "s3:PutObject");
  EXPECT_EQ(copy[1].bucket, "src");
  EXPECT_EQ(copy[1].action, "s3:GetObjectVersion");
  EXPECT_EQ(copy[1].resource, "arn:aws:s3:::src/a b");
  auto batch = required_access("DeleteObjects", "b", "",
                               {{"Delete", {{"Objects", Json::array({{{"Key", "x"}}, {{"Key", "y"}, {"VersionId", "v"}}})}}}});
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch[0].action, "s3:DeleteObject");
  EXPECT_EQ(batch[1].action, "s3:DeleteObjectVersion");
  EXPECT_EQ(batch[1].resource, "arn:aws:s3:::b/y");
}

class S3Authorize : public ::testing::Test {
 protected:
  S3Authorize() : store_(storage::open_store({true, ""})), buckets_(*store_) {
    Bucket bucket;
    bucket.name = "owned";
    bucket.account_id = kOwner;
    bucket.region = "us-east-1";
    testing::run([&]() -> boost::asio::awaitable<int> {
      co_await buckets_.create(bucket);
      co_return 0;
    }());
  }

  void set_policy(const Json& statements) {
    Json policy = {{"Version", "2012-10-17"}, {"Statement", statements}};
    testing::run([&]() -> boost::asio::awaitable<int> {
      co_await buckets_.update("owned", [&](Bucket& bucket) { bucket.configs["policy"] = policy.dump(); });
      co_return 0;
    }());
  }

  // The error code authorize throws ("" when allowed); `granted` receives granted_by_policy,
  // `refused` the per-key errors and `input` what is left of the request.
  std::string attempt(const std::string& operation, const std::string& account, const std::string& key = "",
                      Json input = Json::object(), bool* granted = nullptr, RefusedKeys* refused = nullptr,
                      Json* left = nullptr) {
    RequestContext context;
    context.access_checked = true;
    context.account_id = account.empty() ? "000000000000" : account;
    context.access_key_id = account.empty() ? "" : "AKIA" + account;
    context.source_ip = "127.0.0.1";
    HttpRequest head;
    head.set("x-amz-acl", "private");
    S3Call call{context, head, "owned", key, std::move(input), nullptr};
    try {
      auto outcome = authorize(call, operation, buckets_);
      if (refused) *refused = std::move(outcome);
    } catch (const AwsError& error) {
      return error.code;
    }
    if (granted) *granted = context.granted_by_policy;
    if (left) *left = call.input;
    return "";
  }

  std::unique_ptr<storage::Store> store_;
  BucketRegistry buckets_;
};

Json statement(const std::string& effect, Json principal, Json action, Json resource) {
  return {{"Effect", effect}, {"Principal", principal}, {"Action", action}, {"Resource", resource}};
}

TEST_F(S3Authorize, WithoutAPolicyOnlyTheOwnerPasses) {
  EXPECT_EQ(attempt("GetObject", kOwner, "k"), "");
  EXPECT_EQ(attempt("GetObject", kOther, "k"), "AccessDenied");
  EXPECT_EQ(attempt("GetObject", "", "k"), "AccessDenied");
}

TEST_F(S3Authorize, OnlySignedCallersMayListOrCreateBuckets) {
  RequestContext context;
  context.access_checked = true;
  HttpRequest head;
  S3Call list{context, head, "", "", Json::object(), nullptr};
  EXPECT_THROW(authorize(list, "ListBuckets", buckets_), AwsError);
  S3Call create{context, head, "new-bucket", "", Json::object(), nullptr};
  EXPECT_THROW(authorize(create, "CreateBucket", buckets_), AwsError);
  context.access_key_id = "AKIAEXAMPLE";
  EXPECT_NO_THROW(authorize(list, "ListBuckets", buckets_));
  EXPECT_NO_THROW(authorize(create, "CreateBucket", buckets_));
}

TEST_F(S3Authorize, AnAllowAdmitsOtherAccountsAndAnonymousCallers) {
  set_policy(Json::array({statement("Allow", {{"AWS", kOther}}, "s3:GetObject", "arn:aws:s3:::owned/*"),
                          statement("Allow", "*", "s3:GetObject", "arn:aws:s3:::owned/public/*")}));
  bool granted = false;
  EXPECT_EQ(attempt("GetObject", kOther, "k", Json::object(), &granted), "");
  EXPECT_TRUE(granted);
  EXPECT_EQ(attempt("PutObject", kOther, "k"), "AccessDenied");
  EXPECT_EQ(attempt("GetObject", "", "k"), "AccessDenied");
  EXPECT_EQ(attempt("GetObject", "", "public/k"), "");
  granted = true;
  EXPECT_EQ(attempt("GetObject", kOwner, "k", Json::object(), &granted), "");
  EXPECT_FALSE(granted);
}

TEST_F(S3Authorize, AnExplicitDenyStopsTheOwnerTooButNeverFromManagingThePolicy) {
  set_policy(Json::array({statement("Deny", "*", "s3:*", Json::array({"arn:aws:s3:::owned", "arn:aws:s3:::owned/*"}))}));
  EXPECT_EQ(attempt("GetObject", kOwner, "k"), "AccessDenied");
  EXPECT_EQ(attempt("ListObjectsV2", kOwner), "AccessDenied");
  EXPECT_EQ(attempt("GetBucketPolicy", kOwner), "");
  EXPECT_EQ(attempt("DeleteBucketPolicy", kOwner), "");
  EXPECT_EQ(attempt("DeleteBucketPolicy", kOther), "AccessDenied");
}

TEST_F(S3Authorize, BatchDeletesReportRefusedKeysOneByOne) {
  set_policy(Json::array({statement("Deny", "*", Json::array({"s3:DeleteObject", "s3:DeleteObjectVersion"}),
                                    "arn:aws:s3:::owned/keep/*"),
                          statement("Allow", {{"AWS", kOther}}, "s3:DeleteObject", "arn:aws:s3:::owned/tmp/*")}));
  Json batch = {{"Delete", {{"Objects", Json::array({{{"Key", "keep/a"}}, {{"Key", "tmp/b"}},
                                                     {{"Key", "keep/c"}, {"VersionId", "v1"}}})}}}};
  RefusedKeys refused;
  Json left;
  EXPECT_EQ(attempt("DeleteObjects", kOwner, "", batch, nullptr, &refused, &left), "");
  ASSERT_EQ(refused.errors.size(), 2u);
  EXPECT_EQ(refused.errors[0], (Json{{"Key", "keep/a"}, {"Code", "AccessDenied"}, {"Message", "Access Denied"}}));
  EXPECT_EQ(refused.errors[1].value("VersionId", ""), "v1");
  EXPECT_EQ(left["Delete"]["Objects"], Json::array({{{"Key", "tmp/b"}}}));
  S3Result result;
  result.output["Errors"] = Json::array({{{"Key", "x"}, {"Code", "NoSuchVersion"}}});
  refused.report(result);
  EXPECT_EQ(result.output["Errors"].size(), 3u);

  bool granted = false;
  EXPECT_EQ(attempt("DeleteObjects", kOther, "", batch, &granted, &refused, &left), "");
  EXPECT_TRUE(granted);
  EXPECT_EQ(refused.errors.size(), 2u);
  Json none = {{"Delete", {{"Objects", Json::array({{{"Key", "keep/a"}}})}}}};
  EXPECT_EQ(attempt("DeleteObjects", kOther, "", none), "AccessDenied");
}

TEST_F(S3Authorize, OtherAccountsNeverManageThePolicyEvenWhenAllowed) {
  set_policy(Json::array({statement("Allow", {{"AWS", kOther}}, "s3:*", "arn:aws:s3:::owned")}));
  EXPECT_EQ(attempt("GetBucketPolicy", kOther), "MethodNotAllowed");
  EXPECT_EQ(attempt("PutBucketPolicy", kOther), "MethodNotAllowed");
  EXPECT_EQ(attempt("GetBucketTagging", kOther), "");
}

TEST_F(S3Authorize, ConditionsSeeRequestKeys) {
  Json deny = statement("Deny", "*", "s3:ListBucket", "arn:aws:s3:::owned");
  deny["Condition"] = {{"StringNotLike", {{"s3:prefix", "home/*"}}}};
  Json header = statement("Deny", "*", "s3:PutObject", "arn:aws:s3:::owned/*");
  header["Condition"] = {{"StringEquals", {{"s3:x-amz-acl", "private"}}}};
  set_policy(Json::array({deny, header}));
  EXPECT_EQ(attempt("ListObjectsV2", kOwner, "", {{"Prefix", "home/me"}}), "");
  EXPECT_EQ(attempt("ListObjectsV2", kOwner, "", {{"Prefix", "etc/"}}), "AccessDenied");
  EXPECT_EQ(attempt("ListObjectsV2", kOwner), "AccessDenied");  // no prefix: StringNotLike holds
  EXPECT_EQ(attempt("PutObject", kOwner, "k"), "AccessDenied");
}

TEST_F(S3Authorize, UnknownBucketsAreLeftToTheHandlerAndAuthOffChecksNothing) {
  RequestContext context;
  context.access_checked = true;
  HttpRequest head;
  S3Call missing{context, head, "missing", "k", Json::object(), nullptr};
  EXPECT_NO_THROW(authorize(missing, "GetObject", buckets_));
  RequestContext off;
  off.account_id = kOther;
  S3Call unchecked{off, head, "owned", "k", Json::object(), nullptr};
  EXPECT_NO_THROW(authorize(unchecked, "GetObject", buckets_));
}

TEST(S3ConditionKeys, DescribeTheCallerAndTheRequest) {
  RequestContext context;
  context.account_id = kOther;
  context.access_key_id = "AKIAEXAMPLE";
  context.source_ip = "10.1.2.3";
  HttpRequest head;
  head.target("/b?prefix=p&X-Amz-Signature=abc");
  head.set("X-Amz-Server-Side-Encryption", "AES256");
  head.set(boost::beast::http::field::user_agent, "tests");
  S3Call call{context, head, "b", "", {{"Prefix", ""}, {"MaxKeys", 10}}, nullptr};
  auto keys = condition_keys(call, "ListObjectsV2");
  EXPECT_EQ(keys["aws:sourceip"], std::vector<std::string>{"10.1.2.3"});
  EXPECT_EQ(keys["aws:securetransport"], std::vector<std::string>{"false"});
  EXPECT_EQ(keys["aws:principalaccount"], std::vector<std::string>{kOther});
  EXPECT_EQ(keys["s3:authtype"], std::vector<std::string>{"REST-QUERY-STRING"});
  EXPECT_EQ(keys["s3:x-amz-server-side-encryption"], std::vector<std::string>{"AES256"});
  EXPECT_EQ(keys["s3:prefix"], std::vector<std::string>{""});
  EXPECT_EQ(keys["s3:max-keys"], std::vector<std::string>{"10"});
  EXPECT_EQ(keys["aws:useragent"], std::vector<std::string>{"tests"});
  EXPECT_FALSE(keys.contains("s3:delimiter"));
  EXPECT_FALSE(keys.contains("s3:requestobjecttagkeys"));
}

TEST(S3ConditionKeys, RequestObjectTagsFromTheHeaderOrTheTaggingBody) {
  RequestContext context;
  HttpRequest head;
  head.set("x-amz-tagging", "Project=x&team=blue%20sky");
  S3Call put{context, head, "b", "k", Json::object(), nullptr};
  auto keys = condition_keys(put, "PutObject");
  EXPECT_EQ(keys["s3:requestobjecttag/project"], std::vector<std::string>{"x"});
  EXPECT_EQ(keys["s3:requestobjecttag/team"], std::vector<std::string>{"blue sky"});
  EXPECT_EQ(keys["s3:requestobjecttagkeys"], (std::vector<std::string>{"Project", "team"}));
  HttpRequest plain;
  S3Call tagging{context, plain, "b", "k", {{"Tagging", {{"TagSet", Json::array({{{"Key", "a"}, {"Value", "1"}}})}}}}, nullptr};
  EXPECT_EQ(condition_keys(tagging, "PutObjectTagging")["s3:requestobjecttag/a"], std::vector<std::string>{"1"});
}

}  // namespace
}  // namespace nimbus::s3
