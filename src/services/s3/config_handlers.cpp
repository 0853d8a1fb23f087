#include "services/s3/config_handlers.h"

#include <optional>
#include <set>

#include "services/s3/bucket_policy.h"
#include "services/s3/config_common.h"
#include "services/s3/cors.h"
#include "services/s3/lifecycle.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

constexpr size_t kMaxTags = 50;
constexpr size_t kMaxTagKey = 128;
constexpr size_t kMaxTagValue = 256;
constexpr const char* kTransitionMinimum = "all_storage_classes_128K";

using Validator = std::function<void(Json&, const S3Call&)>;

// Put{Kind}: validates input[member] and stores it as configuration `kind`; answers `status`
// (AWS: 204 for PutBucketTagging and PutBucketPolicy, 200 for the others).
Handler put_handler(S3Environment& environment, std::string kind, std::string member, Validator validate = {},
                    std::optional<unsigned> status = std::nullopt) {
  return [&environment, kind, member, validate, status](S3Call& call) -> awaitable<S3Result> {
    auto it = call.input.find(member);
    if (it == call.input.end() || it->is_null()) throw errors::malformed_xml();
    Json value = *it;
    if (validate) validate(value, call);
    std::string stored_kind = kind;
    co_await store_config(environment, call, std::move(stored_kind), std::move(value));
    S3Result result;
    result.status = status;
    co_return result;
  };
}

// Get{Kind}: the stored configuration under `member` of the output ("" = the output itself),
// `fallback` when unset (null = the 404 `missing`).
Handler get_handler(S3Environment& environment, std::string kind, std::string member, AwsError missing,
                    Json fallback = nullptr) {
  return [&environment, kind, member, missing, fallback](S3Call& call) -> awaitable<S3Result> {
    auto stored = stored_config(environment, call, kind);
    if (!stored && fallback.is_null()) {
      auto error = missing;
      error.extra.emplace_back("BucketName", call.bucket);
      throw error;
    }
    Json value = stored ? *stored : fallback;
    S3Result result;
    result.output = member.empty() ? value : Json{{member, value}};
    co_return result;
  };
}

Handler delete_handler(S3Environment& environment, std::string kind) {
  return [&environment, kind](S3Call& call) -> awaitable<S3Result> {
    std::string stored_kind = kind;
    Json none;
    co_await store_config(environment, call, std::move(stored_kind), std::move(none));
    co_return S3Result{};
  };
}

void validate_ownership(Json& controls, const S3Call&) {
  static const std::set<std::string> kValues = {"BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"};
  auto rules = controls.value("Rules", Json::array());
  if (rules.size() != 1 || !kValues.contains(rules[0].value("ObjectOwnership", std::string("")))) {
    throw errors::malformed_xml();
  }
}

void validate_encryption(Json& configuration, const S3Call&) {
  static const std::set<std::string> kAlgorithms = {"AES256", "aws:kms", "aws:kms:dsse"};
  auto rules = configuration.value("Rules", Json::array());
  if (rules.empty()) throw errors::malformed_xml();
  for (const auto& rule : rules) {
    auto by_default = rule.value("ApplyServerSideEncryptionByDefault", Json::object());
    if (!kAlgorithms.contains(by_default.value("SSEAlgorithm", std::string("")))) throw errors::malformed_xml();
  }
}

Json default_encryption() {
  return {{"Rules", Json::array({{{"ApplyServerSideEncryptionByDefault", {{"SSEAlgorithm", "AES256"}}},
                                  {"BucketKeyEnabled", false}}})}};
}

void register_policy(HandlerTable& table, S3Environment& environment) {
  table["PutBucketPolicy"] = [&environment](S3Call& call) -> awaitable<S3Result> {
    auto document = call.input.value("Policy", std::string(""));
    validate_bucket_policy(document, call.bucket);
    std::string kind = "policy";
    Json stored = document;
    co_await store_config(environment, call, std::move(kind), std::move(stored));
    S3Result result;
    result.status = 204;  // AWS answers PutBucketPolicy with 204 No Content
    co_return result;
  };
  AwsError missing{404, "NoSuchBucketPolicy", "The bucket policy does not exist"};
  table["GetBucketPolicy"] = get_handler(environment, "policy", "Policy", missing);
  table["DeleteBucketPolicy"] = delete_handler(environment, "policy");
  table["GetBucketPolicyStatus"] = [&environment, missing](S3Call& call) -> awaitable<S3Result> {
    auto stored = stored_config(environment, call, "policy");
    if (!stored) throw errors::with(missing, "BucketName", call.bucket);
    S3Result result;
    result.output = {{"PolicyStatus", {{"IsPublic", policy_is_public(Json::parse(stored->get<std::string>()))}}}};
    co_return result;
  };
}

void register_lifecycle(HandlerTable& table, S3Environment& environment,
                        std::function<void(const std::string&)> lifecycle_stored) {
  table["PutBucketLifecycleConfiguration"] = [&environment, lifecycle_stored](S3Call& call) -> awaitable<S3Result> {
    auto configuration = call.input.value("LifecycleConfiguration", Json::object());
    validate_lifecycle(configuration);
    std::string kind = "lifecycle";
    co_await store_config(environment, call, std::move(kind), std::move(configuration));
    lifecycle_stored(call.bucket);
    S3Result result;
    result.output = {{"TransitionDefaultMinimumObjectSize", kTransitionMinimum}};
    co_return result;
  };
  table["GetBucketLifecycleConfiguration"] = [&environment](S3Call& call) -> awaitable<S3Result> {
    auto stored = stored_config(environment, call, "lifecycle");
    if (!stored) {
      throw errors::no_such_configuration("NoSuchLifecycleConfiguration",
                                          "The lifecycle configuration does not exist", call.bucket);
    }
    S3Result result;
    result.output = {{"Rules", stored->value("Rules", Json::array())},
                     {"TransitionDefaultMinimumObjectSize", kTransitionMinimum}};
    co_return result;
  };
  table["DeleteBucketLifecycle"] = delete_handler(environment, "lifecycle");
}

}  // namespace

void validate_bucket_tags(const Json& tag_set) {
  if (!tag_set.is_array()) throw errors::malformed_xml();
  if (tag_set.size() > kMaxTags) throw errors::invalid_tag("Bucket tag count cannot be greater than 50");
  std::set<std::string> keys;
  for (const auto& tag : tag_set) {
    auto key = tag.value("Key", std::string(""));
    auto value = tag.value("Value", std::string(""));
    if (key.empty()) throw errors::invalid_tag("The TagKey you have provided is invalid");
    if (key.size() > kMaxTagKey) throw errors::invalid_tag("The TagKey you have provided is too long, max 128");
    if (value.size() > kMaxTagValue) {
      throw errors::invalid_tag("The TagValue you have provided is too long, max 256");
    }
    if (key.starts_with("aws:")) throw errors::invalid_tag("System tags cannot be added/updated by requester");
    if (!keys.insert(key).second) throw errors::invalid_tag("Cannot provide multiple Tags with the same key");
  }
}

void validate_website(const Json& configuration) {
  if (configuration.contains("RedirectAllRequestsTo")) {
    if (configuration.size() > 1) {
      throw errors::invalid_request("RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.");
    }
    if (configuration["RedirectAllRequestsTo"].value("HostName", std::string("")).empty()) throw errors::malformed_xml();
    return;
  }
  auto suffix = configuration.value("IndexDocument", Json::object()).value("Suffix", std::string(""));
  if (suffix.empty()) {
    throw errors::invalid_argument("A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty");
  }
  if (suffix.find('/') != std::string::npos) {
    throw errors::invalid_argument("The IndexDocument Suffix is not well formed", "IndexDocument", suffix);
  }
}

void register_config_handlers(HandlerTable& table, S3Environment& environment,
                              std::function<void(const std::string&)> lifecycle_stored) {
  auto missing = [](const char* code, const char* message) { return AwsError{404, code, message}; };

  table["PutBucketTagging"] = put_handler(environment, "tagging", "Tagging", [](Json& tagging, const S3Call&) {
    validate_bucket_tags(tagging.value("TagSet", Json::array()));
  }, 204u);
  table["GetBucketTagging"] =
      get_handler(environment, "tagging", "", missing("NoSuchTagSet", "The TagSet does not exist"));
  table["DeleteBucketTagging"] = delete_handler(environment, "tagging");

  table["PutBucketCors"] = put_handler(environment, "cors", "CORSConfiguration",
                                       [](Json& cors, const S3Call&) { validate_cors(cors); });
  table["GetBucketCors"] = get_handler(environment, "cors", "",
                                       missing("NoSuchCORSConfiguration", "The CORS configuration does not exist"));
  table["DeleteBucketCors"] = delete_handler(environment, "cors");

  table["PutPublicAccessBlock"] =
      put_handler(environment, "public_access_block", "PublicAccessBlockConfiguration");
  table["GetPublicAccessBlock"] =
      get_handler(environment, "public_access_block", "PublicAccessBlockConfiguration",
                  missing("NoSuchPublicAccessBlockConfiguration",
                          "The public access block configuration was not found"));
  table["DeletePublicAccessBlock"] = delete_handler(environment, "public_access_block");

  table["PutBucketOwnershipControls"] =
      put_handler(environment, "ownership_controls", "OwnershipControls", validate_ownership);
  table["GetBucketOwnershipControls"] =
      get_handler(environment, "ownership_controls", "OwnershipControls",
                  missing("OwnershipControlsNotFoundError", "The bucket ownership controls were not found"));
  table["DeleteBucketOwnershipControls"] = delete_handler(environment, "ownership_controls");

  table["PutBucketWebsite"] = put_handler(environment, "website", "WebsiteConfiguration",
                                          [](Json& website, const S3Call&) { validate_website(website); });
  table["GetBucketWebsite"] =
      get_handler(environment, "website", "",
                  missing("NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration"));
  table["DeleteBucketWebsite"] = delete_handler(environment, "website");

  table["PutBucketEncryption"] =
      put_handler(environment, "encryption", "ServerSideEncryptionConfiguration", validate_encryption);
  table["GetBucketEncryption"] = get_handler(environment, "encryption", "ServerSideEncryptionConfiguration",
                                             missing("ServerSideEncryptionConfigurationNotFoundError",
                                                     "The server side encryption configuration was not found"),
                                             default_encryption());
  table["DeleteBucketEncryption"] = delete_handler(environment, "encryption");

  table["PutBucketLogging"] = put_handler(environment, "logging", "BucketLoggingStatus");
  table["GetBucketLogging"] = get_handler(environment, "logging", "", {404, "", ""}, Json::object());
  table["PutBucketAccelerateConfiguration"] = put_handler(environment, "accelerate", "AccelerateConfiguration");
  table["GetBucketAccelerateConfiguration"] = get_handler(environment, "accelerate", "", {404, "", ""},
                                                          Json::object());
  table["PutBucketRequestPayment"] = put_handler(environment, "request_payment", "RequestPaymentConfiguration");
  table["GetBucketRequestPayment"] = get_handler(environment, "request_payment", "", {404, "", ""},
                                                 Json{{"Payer", "BucketOwner"}});

  register_policy(table, environment);
  register_lifecycle(table, environment, std::move(lifecycle_stored));
}

}  // namespace nimbus::s3
