#include "services/s3/post_upload.h"

#include <map>

#include "auth/signing.h"
#include "core/text.h"
#include "services/s3/access_control.h"
#include "services/s3/config_common.h"
#include "services/s3/post_policy.h"
#include "services/s3/post_upload_form.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

namespace http = boost::beast::http;
using Fields = std::map<std::string, std::string>;

constexpr size_t kMaxFieldBytes = 20 * 1024;
constexpr std::string_view kMetaPrefix = "x-amz-meta-";

// Enforces the policy's content-length-range while the file streams through.
class LengthCheckedReader final : public BodyReader {
 public:
  LengthCheckedReader(BodyReader& inner, PostPolicyLimits limits) : inner_(inner), limits_(limits) {}
  awaitable<size_t> read_some(std::span<char> out) override {
    auto count = co_await inner_.read_some(out);
    total_ += count;
    if (limits_.max_length && total_ > *limits_.max_length) {
      throw errors::post_entity_too_large(total_, *limits_.max_length);
    }
    if (count == 0 && limits_.min_length && total_ < *limits_.min_length) {
      throw errors::post_entity_too_small(total_, *limits_.min_length);
    }
    co_return count;
  }
  std::optional<uint64_t> content_length() const override { return std::nullopt; }
  uint64_t bytes_read() const override { return total_; }
  bool done() const override { return inner_.done(); }

 private:
  BodyReader& inner_;
  PostPolicyLimits limits_;
  uint64_t total_ = 0;
};

std::string field(const Fields& fields, const std::string& name) {
  auto it = fields.find(name);
  return it == fields.end() ? std::string() : it->second;
}

std::string missing_field_message(const std::string& name) {
  return "Bucket POST must contain a field named '" + name + "'.  If it is specified, please check the order of the fields.";
}

constexpr const char* kSignatureFields[] = {"policy", "x-amz-algorithm", "x-amz-credential", "x-amz-date",
                                            "x-amz-signature"};

bool is_signed(const Fields& fields) {
  for (const char* name : kSignatureFields) {
    if (fields.contains(name)) return true;
  }
  return false;
}

// Checks x-amz-signature over the base64 policy with the SigV4 key of x-amz-credential; the
// upload is then made as the signer.
void verify_signature(const Fields& fields, const auth::Credentials& credentials, RequestContext& context) {
  for (const char* name : kSignatureFields) {
    if (!fields.contains(name)) throw errors::invalid_argument(missing_field_message(name), name, "");
  }
  auto algorithm = field(fields, "x-amz-algorithm");
  if (algorithm != "AWS4-HMAC-SHA256") {
    throw errors::invalid_argument("Only AWS4-HMAC-SHA256 is supported", "x-amz-algorithm", algorithm);
  }
  auto credential = field(fields, "x-amz-credential");
  std::vector<std::string> scope;
  for (size_t start = 0, slash; start <= credential.size(); start = slash + 1) {
    slash = credential.find('/', start);
    scope.push_back(credential.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
  }
  if (scope.size() != 5 || scope[4] != "aws4_request") {
    throw errors::invalid_argument("Invalid credential", "x-amz-credential", credential);
  }
  const auto* known = credentials.find(scope[0]);
  if (!known) throw errors::invalid_access_key_id(scope[0]);
  auto key = auth::derive_signing_key(known->secret_access_key, scope[1], scope[2], scope[3]);
  if (!auth::constant_time_equal(auth::sign(key, field(fields, "policy")), field(fields, "x-amz-signature"))) {
    throw errors::signature_does_not_match();
  }
  context.access_key_id = known->access_key_id;
  context.account_id = known->account_id;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

Reply success_reply(const S3Call& call, const Fields& fields, const ObjectSummary& object) {
  using text::percent_encode;
  Reply reply;
  auto& message = reply.message;
  message.version(call.head.version());
  std::string host = call.context.host.empty() ? "localhost:4566" : call.context.host;
  bool virtual_hosted = host.starts_with(call.bucket + ".");
  auto location = "http://" + host + "/" + (virtual_hosted ? "" : call.bucket + "/") + percent_encode(object.key, true);
  message.set(http::field::etag, object.etag);
  message.set(http::field::location, location);
  message.set("x-amz-request-id", call.context.request_id);
  if (!object.version_id.empty() && object.version_id != "null") message.set("x-amz-version-id", object.version_id);
  auto redirect = field(fields, "success_action_redirect");
  if (redirect.empty()) redirect = field(fields, "redirect");
  auto status = field(fields, "success_action_status");
  if (!redirect.empty()) {
    message.result(http::status::see_other);
    message.set(http::field::location, redirect + (redirect.find('?') == std::string::npos ? "?" : "&") +
                                            "bucket=" + percent_encode(call.bucket, false) + "&key=" +
                                            percent_encode(object.key, false) + "&etag=" +
                                            percent_encode(object.etag, false));
  } else if (status == "201") {
    message.result(http::status::created);
    message.set(http::field::content_type, "application/xml");
    message.body() = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PostResponse><Location>" + xml_escape(location) +
                     "</Location><Bucket>" + xml_escape(call.bucket) + "</Bucket><Key>" + xml_escape(object.key) +
                     "</Key><ETag>" + xml_escape(object.etag) + "</ETag></PostResponse>";
  } else {
    message.result(status == "200" ? http::status::ok : http::status::no_content);
  }
  return reply;
}

}  // namespace

awaitable<Reply> post_upload(S3Call& call, S3Environment& environment, ObjectAccess& objects,
                                          const auth::Credentials* credentials) {
  auto bucket = environment.buckets.find(call.bucket);
  if (!bucket) throw errors::no_such_bucket(call.bucket);
  auto boundary = form_boundary(call.head[http::field::content_type]);
  if (!boundary || !call.body) throw errors::malformed_post_request();
  FormDataReader form(*call.body, *boundary);
  Fields fields;
  std::optional<FormPart> file;
  size_t field_bytes = 0;
  while (true) {
    auto part = co_await form.next_part();
    if (!part) break;
    auto name = lower(part->name);
    if (name == "file") {
      file = std::move(part);
      break;
    }
    auto value = co_await form.read_value(kMaxFieldBytes - field_bytes);
    field_bytes += value.size();
    fields.emplace(std::move(name), std::move(value));
  }
  if (!fields.contains("key")) throw errors::invalid_argument(missing_field_message("key"), "key", "");
  if (!file) throw errors::invalid_argument("POST requires exactly one file upload per request.", "file", "0");
  auto key = fields["key"];
  if (auto at = key.find("${filename}"); at != std::string::npos) key.replace(at, 11, file->filename.value_or(""));
  if (key.empty()) throw errors::invalid_argument("User key must have a length greater than 0.", "key", "");
  fields["key"] = key;
  fields["bucket"] = call.bucket;

  if (credentials) {
    // With --auth verify: a signed form uploads as its signer, an unsigned one anonymously, and
    // the bucket's owner or policy decides as for any PutObject of that key.
    if (is_signed(fields)) verify_signature(fields, *credentials, call.context);
    call.key = key;
    authorize(call, "PutObject", environment.buckets);
  }
  PostPolicyLimits limits;
  if (fields.contains("policy")) limits = check_post_policy(fields["policy"], fields, environment.clock.now_ms());

  PutOptions options;
  options.content_type = fields.contains("content-type") ? fields["content-type"] : file->content_type;
  if (options.content_type.empty()) options.content_type = "binary/octet-stream";
  if (fields.contains("content-md5")) options.content_md5 = fields["content-md5"];
  for (const auto& [name, value] : fields) {
    if (name.starts_with(kMetaPrefix)) options.metadata[name.substr(kMetaPrefix.size())] = value;
  }
  LengthCheckedReader content(form.content(), limits);
  auto object = co_await objects.put(call.context, *bucket, key, content, std::nullopt, std::move(options),
                                     "ObjectCreated:Post");
  try {
    bool more = true;
    while (more) more = (co_await form.next_part()).has_value();
  } catch (const AwsError&) {
    // Whatever follows the file is ignored, as S3 does, even when it is not well-formed.
  }
  co_return success_reply(call, fields, object);
}

}  // namespace nimbus::s3
