#include "services/s3/website.h"

#include "core/crypto.h"
#include "core/text.h"
#include "services/s3/access_control.h"
#include "services/s3/addressing.h"

namespace nimbus::s3 {
namespace {

namespace http = boost::beast::http;

Reply html_error(const HttpRequest& head, const RequestContext& context, http::status status,
                 const std::string& code, const std::string& message,
                 const std::vector<std::pair<std::string, std::string>>& details) {
  auto title = std::to_string(static_cast<int>(status)) + " " + std::string(http::obsolete_reason(status));
  std::string body = "<html>\n<head><title>" + title + "</title></head>\n<body>\n<h1>" + title +
                     "</h1>\n<ul>\n<li>Code: " + code + "</li>\n<li>Message: " + message + "</li>\n";
  for (const auto& [name, value] : details) body += "<li>" + name + ": " + value + "</li>\n";
  body += "<li>RequestId: " + context.request_id + "</li>\n<li>HostId: " +
          crypto::base64_encode(crypto::random_bytes(48)) + "</li>\n</ul>\n<hr/>\n</body>\n</html>\n";
  Reply reply;
  reply.message.version(head.version());
  reply.message.result(status);
  reply.message.set(http::field::content_type, "text/html; charset=utf-8");
  reply.message.set("x-amz-request-id", context.request_id);
  if (head.method() == http::verb::head) {
    reply.message.content_length(body.size());
  } else {
    reply.message.body() = std::move(body);
  }
  return reply;
}

Reply redirect_reply(const HttpRequest& head, const RequestContext& context, int status,
                     const std::string& location) {
  Reply reply;
  reply.message.version(head.version());
  reply.message.result(static_cast<unsigned>(status));
  reply.message.set(http::field::location, location);
  reply.message.set("x-amz-request-id", context.request_id);
  reply.message.content_length(0);
  return reply;
}

Reply object_reply(const HttpRequest& head, const RequestContext& context, http::status status,
                   const ObjectSummary& object, BodyRange range) {
  Reply reply;
  reply.message.version(head.version());
  reply.message.result(status);
  reply.message.set(http::field::content_type,
                    object.content_type.empty() ? "binary/octet-stream" : object.content_type);
  reply.message.set(http::field::etag, object.etag);
  reply.message.set(http::field::last_modified,
                    text::format_http_date(static_cast<double>(object.last_modified_ms) / 1000));
  reply.message.set("x-amz-request-id", context.request_id);
  for (const auto& [name, value] : object.metadata) reply.message.set("x-amz-meta-" + name, value);
  if (head.method() == http::verb::head) {
    reply.message.content_length(range.length);
  } else {
    reply.file = std::move(range);
  }
  return reply;
}

// --auth verify: the website serves only what the bucket policy lets the caller (anonymous, as
// browsers are) read with s3:GetObject.
bool website_may_read(const HttpRequest& head, const std::string& bucket, const std::string& key,
                      RequestContext& context, S3Environment& environment, ObjectAccess& objects) {
  S3Call call{context, head, bucket, key, Json::object(), nullptr};
  try {
    authorize(call, "GetObject", environment.buckets, current_tags_of(objects));
  } catch (const AwsError&) {
    return false;
  }
  return true;
}

}  // namespace

std::optional<std::pair<int, std::string>> website_redirect(const Json& configuration, const std::string& key,
                                                            int status, const std::string& host) {
  if (auto all = configuration.find("RedirectAllRequestsTo"); all != configuration.end()) {
    return std::pair{301, all->value("Protocol", "http") + "://" + all->value("HostName", host) + "/" + key};
  }
  for (const auto& rule : configuration.value("RoutingRules", Json::array())) {
    auto condition = rule.value("Condition", Json::object());
    auto prefix = condition.value("KeyPrefixEquals", std::string(""));
    auto error_code = condition.value("HttpErrorCodeReturnedEquals", std::string(""));
    if (!key.starts_with(prefix)) continue;
    if (error_code.empty() ? status != 0 : error_code != std::to_string(status)) continue;
    auto redirect = rule.value("Redirect", Json::object());
    auto target = key;
    if (redirect.contains("ReplaceKeyWith")) {
      target = redirect.value("ReplaceKeyWith", std::string(""));
    } else if (redirect.contains("ReplaceKeyPrefixWith")) {
      target = redirect.value("ReplaceKeyPrefixWith", std::string("")) + key.substr(prefix.size());
    }
    auto code = std::stoi(redirect.value("HttpRedirectCode", std::string("301")));
    return std::pair{code, redirect.value("Protocol", std::string("http")) + "://" + redirect.value("HostName", host) + "/" + target};
  }
  return std::nullopt;
}

awaitable<Reply> serve_website_request(const HttpRequest& head, const std::string& bucket_name,
                                       RequestContext& context, S3Environment& environment, ObjectAccess& objects) {
  if (head.method() != http::verb::get && head.method() != http::verb::head) {
    co_return html_error(head, context, http::status::method_not_allowed, "MethodNotAllowed",
                         "The specified method is not allowed against this resource.",
                         {{"Method", std::string(head.method_string())}, {"ResourceType", "OBJECT"}});
  }
  auto bucket = environment.buckets.find(bucket_name);
  if (!bucket) {
    co_return html_error(head, context, http::status::not_found, "NoSuchBucket", "The specified bucket does not exist",
                         {{"BucketName", bucket_name}});
  }
  auto configuration = bucket->configs.find("website");
  if (configuration == bucket->configs.end()) {
    co_return html_error(head, context, http::status::not_found, "NoSuchWebsiteConfiguration",
                         "The specified bucket does not have a website configuration", {{"BucketName", bucket_name}});
  }
  auto target = head.target();
  auto path = decode_path(target.substr(0, target.find('?')));
  std::string key = path.empty() ? std::string() : path.substr(1);
  std::string host(head[http::field::host]);
  if (auto redirect = website_redirect(*configuration, key, 0, host)) {
    co_return redirect_reply(head, context, redirect->first, redirect->second);
  }
  auto suffix = configuration->value("IndexDocument", Json::object()).value("Suffix", std::string("index.html"));
  auto lookup = key.empty() || key.ends_with('/') ? key + suffix : key;
  if (!website_may_read(head, bucket_name, lookup, context, environment, objects)) {
    co_return html_error(head, context, http::status::forbidden, "AccessDenied", "Access Denied", {});
  }
  if (auto found = objects.open(*bucket, lookup)) {
    co_return object_reply(head, context, http::status::ok, found->first, std::move(found->second));
  }
  if (!key.empty() && !key.ends_with('/') && objects.head(*bucket, key + "/" + suffix)) {
    co_return redirect_reply(head, context, 302, "/" + text::percent_encode(key, true) + "/");
  }
  if (auto redirect = website_redirect(*configuration, key, 404, host)) {
    co_return redirect_reply(head, context, redirect->first, redirect->second);
  }
  auto error_key = configuration->value("ErrorDocument", Json::object()).value("Key", std::string(""));
  if (!error_key.empty()) {
    if (auto found = objects.open(*bucket, error_key)) {
      co_return object_reply(head, context, http::status::not_found, found->first, std::move(found->second));
    }
  }
  co_return html_error(head, context, http::status::not_found, "NoSuchKey", "The specified key does not exist.",
                       {{"Key", lookup}});
}

}  // namespace nimbus::s3
