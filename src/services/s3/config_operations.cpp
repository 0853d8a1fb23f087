#include "services/s3/config_operations.h"

#include "services/s3/addressing.h"
#include "services/s3/config_handlers.h"
#include "services/s3/cors.h"
#include "services/s3/post_upload.h"
#include "services/s3/s3_errors.h"
#include "services/s3/website.h"

namespace nimbus::s3 {
namespace http = boost::beast::http;

ConfigOperations::ConfigOperations(S3Environment& environment, ObjectAccess& objects)
    : environment_(environment), objects_(objects), notifications_(environment), lifecycle_(environment, objects) {}

void ConfigOperations::register_handlers(HandlerTable& table) {
  register_config_handlers(table, environment_, [this](const std::string& bucket) { lifecycle_.watch(bucket); });
  register_acl_handlers(table, environment_, objects_);
  auto put = [this](S3Call& call) { return notifications_.put_configuration(call); };
  auto get = [this](S3Call& call) { return notifications_.get_configuration(call); };
  table["PutBucketNotificationConfiguration"] = put;
  table["GetBucketNotificationConfiguration"] = get;
}

void ConfigOperations::start(boost::asio::any_io_executor executor) { lifecycle_.start(executor); }

void ConfigOperations::stop() { lifecycle_.stop(); }

boost::asio::awaitable<void> ConfigOperations::reset() {
  lifecycle_.clear();
  co_return;
}

boost::asio::awaitable<Reply> ConfigOperations::preflight(const HttpRequest& head,
                                                                       const std::string& bucket_name,
                                                                       RequestContext& context) {
  auto target = resolve_address(head[http::field::host], head.target()).path_target;
  auto path = std::string_view(target).substr(0, target.find('?'));
  auto slash = path.find('/', 1);
  std::string resource_type = slash != std::string_view::npos && slash + 1 < path.size() ? "OBJECT" : "BUCKET";
  auto origin = head.find(http::field::origin);
  if (origin == head.end()) throw errors::bad_request("Insufficient information. Origin request header needed.");
  auto method = head.find(http::field::access_control_request_method);
  if (method == head.end()) throw errors::bad_request("Invalid Access-Control-Request-Method: null");
  auto bucket = environment_.buckets.find(bucket_name);
  if (!bucket) throw errors::no_such_bucket(bucket_name);
  auto configuration = bucket->configs.find("cors");
  if (configuration == bucket->configs.end()) {
    throw errors::cors_not_enabled(std::string(method->value()), resource_type);
  }
  CorsRequest request{std::string(origin->value()), std::string(method->value()),
                      split_header_list(head[http::field::access_control_request_headers]), true};
  const auto* rule = match_cors_rule(*configuration, request);
  if (!rule) throw errors::cors_forbidden(request.method, resource_type);
  Reply reply;
  reply.message.version(head.version());
  reply.message.result(http::status::ok);
  reply.message.set("x-amz-request-id", context.request_id);
  for (auto& [name, value] : cors_response_headers(*rule, request)) reply.message.set(name, value);
  co_return reply;
}

std::vector<std::pair<std::string, std::string>> ConfigOperations::cors_headers(const std::string& bucket_name,
                                                                               const HttpRequest& head) {
  auto origin = head.find(http::field::origin);
  if (origin == head.end()) return {};
  auto bucket = environment_.buckets.find(bucket_name);
  if (!bucket) return {};
  auto configuration = bucket->configs.find("cors");
  if (configuration == bucket->configs.end()) return {};
  CorsRequest request{std::string(origin->value()), std::string(head.method_string()), {}, false};
  const auto* rule = match_cors_rule(*configuration, request);
  return rule ? cors_response_headers(*rule, request) : HeaderList{};
}

boost::asio::awaitable<Reply> ConfigOperations::post_object(S3Call& call) {
  auto reply = co_await post_upload(call, environment_, objects_, credentials_);
  for (auto& [name, value] : cors_headers(call.bucket, call.head)) reply.message.set(name, value);
  co_return reply;
}

boost::asio::awaitable<Reply> ConfigOperations::serve_website(const HttpRequest& head,
                                                                           const std::string& bucket,
                                                                           RequestContext& context) {
  return serve_website_request(head, bucket, context, environment_, objects_);
}

std::vector<delivery::Delivery> ConfigOperations::object_event(const ObjectEvent& event, const ObjectSummary& object) {
  return notifications_.object_event(event, object);
}

}  // namespace nimbus::s3
