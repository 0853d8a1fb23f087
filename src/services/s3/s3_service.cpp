#include "services/s3/s3_service.h"

#include <boost/beast/core/string.hpp>

#include "core/log.h"
#include "core/text.h"
#include "services/s3/access_control.h"
#include "services/s3/addressing.h"
#include "services/s3/config_operations.h"
#include "services/s3/object_operations.h"
#include "services/s3/request_body.h"
#include "services/s3/s3_errors.h"
#include "services/s3/service_calls.h"

namespace nimbus::s3 {
namespace http = boost::beast::http;

namespace {

bool has_streaming_payload(const model::ServiceModel& model, const model::OperationDef& operation) {
  if (operation.input == model::kNoShape) return false;
  const auto& input = model.shape(operation.input);
  for (const auto& member : model.members_of(input)) {
    if (member.name == input.payload && (member.streaming || model.shape(member.shape).streaming)) {
      return true;
    }
  }
  return false;
}

// The bucket a path-style target names ("/bucket/key" -> "bucket").
std::string bucket_of(std::string_view path_target);

bool is_form_upload(const HttpRequest& head, const Address& address) {
  return head.method() == http::verb::post && !bucket_of(address.path_target).empty() &&
         boost::beast::iequals(head[http::field::content_type].substr(0, 19), "multipart/form-data");
}

// The bucket a path-style target names ("/bucket/key" -> "bucket").
std::string bucket_of(std::string_view path_target) {
  auto path = path_target.substr(0, path_target.find('?'));
  if (path.size() < 2) return {};
  auto end = path.find('/', 1);
  return decode_path(path.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1));
}

// Three services in one: objects, configuration, and the glue between them.
class S3Service final : public Service, private EventSink {
 public:
  S3Service(storage::Store& store, Clock& clock, std::filesystem::path files_dir,
            const auth::Credentials* credentials,
            delivery::Outbox& outbox, delivery::Outbox::Invoke call_service)
      : buckets_(store),
        environment_{store, clock, buckets_, std::move(files_dir), outbox, std::move(call_service)},
        objects_(environment_, *this),
        configs_(environment_, objects_) {
    objects_.register_handlers(handlers_);
    configs_.register_handlers(handlers_);
    configs_.set_credentials(credentials);
  }

  std::string_view name() const override { return "s3"; }
  const model::ServiceModel& model() const override { return model::s3_model(); }
  bool implements(std::string_view operation) const override { return handlers_.contains(operation); }

  // Clients reach S3 through handle_http; other services through this (service_calls.h).
  boost::asio::awaitable<Json> invoke(std::string_view operation, RequestContext& context, Json input) override {
    if (!serves_service_call(operation)) throw AwsError::internal();
    co_return co_await run_service_call(operation, context, std::move(input),
                                        [this](std::string_view name) -> const Handler& { return handlers_.at(name); });
  }

  bool serves_raw_http() const override { return true; }

  // Unsigned requests reach the service even with --auth verify: bucket policies may allow them
  // (`authorize`, also for website reads and POST uploads, whose signature is in the form);
  // CORS preflights are answered from the CORS configuration alone, as S3 does.
  bool allows_anonymous(const HttpRequest&) const override { return true; }

  boost::asio::awaitable<Reply> handle_http(HttpRequest& head, BodyReader& body,
                                            RequestContext& context) override {
    auto address = resolve_address(head[http::field::host], head.target());
    if (address.website) {
      context.operation = "WebsiteGet";
      co_return co_await configs_.serve_website(head, address.bucket, context);
    }
    if (head.method() == http::verb::options) {
      context.operation = "PreflightRequest";
      co_return co_await configs_.preflight(head, bucket_of(address.path_target), context);
    }
    std::string bucket = bucket_of(address.path_target);
    if (is_form_upload(head, address)) {
      context.operation = "PostObject";
      S3Call call{context, head, bucket, {}, Json::object(), &body};
      co_return co_await configs_.post_object(call);
    }
    const auto* operation = match_operation(head, address.path_target);
    context.operation = std::string(operation->name);
    auto handler = handlers_.find(operation->name);
    if (handler == handlers_.end()) {
      throw AwsError{501, "NotImplemented",
                     "nimbus does not implement S3 " + std::string(operation->name) + " yet."};
    }
    S3Result result;
    try {
      auto call = co_await decode(head, body, context, *operation, address);
      // Bucket policies (--auth verify).
      auto refused = authorize(call, operation->name, buckets_, current_tags_of(objects_));
      result = co_await handler->second(call);
      refused.report(result);
    } catch (const boost::system::system_error&) {
      // The body ended early or broke its framing: nothing was stored.
      throw errors::incomplete_body();
    }
    co_return encode(head, context, *operation, bucket, std::move(result));
  }

  void start(boost::asio::any_io_executor executor) override {
    buckets_.load();
    objects_.start(executor);
    configs_.start(executor);
  }
  void stop() override {
    configs_.stop();
    objects_.stop();
  }
  boost::asio::awaitable<void> reset() override {
    co_await configs_.reset();
    co_await objects_.reset();
    buckets_.clear();
    co_await environment_.store.wipe("s3");
  }
  Json health() const override {
    Json state = objects_.health();
    state["state"] = "running";
    return state;
  }

 private:
  const model::OperationDef* match_operation(const HttpRequest& head, std::string_view path_target) {
    auto question = path_target.find('?');
    auto path = path_target.substr(0, question);
    auto query = question == std::string_view::npos ? std::string_view() : path_target.substr(question + 1);
    auto* operation = protocol::match_rest_operation(model(), head.method_string(), path, query, &head);
    if (!operation) {
      throw errors::method_not_allowed(std::string(head.method_string()),
                                       path.find('/', 1) == std::string_view::npos ? "BUCKET" : "OBJECT");
    }
    return operation;
  }

  boost::asio::awaitable<S3Call> decode(const HttpRequest& head, BodyReader& body,
                                        RequestContext& context, const model::OperationDef& operation,
                                        const Address& address) {
    std::optional<std::string> small_body;
    if (!has_streaming_payload(model(), operation)) {
      small_body = co_await read_small_body(head, body, context);
    }
    auto decoded = protocol::decode_rest_request(
        model(), protocol::Wire::RestXml, operation, address.path_target, head,
        small_body ? std::optional<std::string_view>(*small_body) : std::nullopt);
    S3Call call{context, head, decoded.input.value("Bucket", ""), decoded.input.value("Key", ""),
                std::move(decoded.input), small_body ? nullptr : &body};
    co_return call;
  }

  Reply encode(const HttpRequest& head, RequestContext& context, const model::OperationDef& operation,
               const std::string& bucket, S3Result result) {
    Reply reply;
    if (result.body) {
      reply.message.version(head.version());
      protocol::encode_rest_head(model(), operation, result.output, reply.message.base());
      reply.message.set("x-amz-request-id", context.request_id);
      reply.file = std::move(result.body);
    } else {
      reply.message = protocol::encode_response(model(), protocol::Wire::RestXml, operation,
                                                result.output, context.request_id, head.version(),
                                                head.keep_alive());
    }
    if (result.status) reply.message.result(*result.status);
    for (auto& [name, value] : result.extra_headers) reply.message.set(name, value);
    if (!bucket.empty() && head.find(http::field::origin) != head.end()) {
      for (auto& [name, value] : configs_.cors_headers(bucket, head)) reply.message.set(name, value);
    }
    return reply;
  }

  std::vector<delivery::Delivery> object_event(const ObjectEvent& event, const ObjectSummary& object) override {
    return configs_.object_event(event, object);
  }

  BucketRegistry buckets_;
  S3Environment environment_;
  ObjectOperations objects_;
  ConfigOperations configs_;
  HandlerTable handlers_;
};

}  // namespace

std::unique_ptr<Service> make_s3_service(storage::Store& store, Clock& clock,
                                         std::filesystem::path files_dir,
                                         const auth::Credentials* credentials,
                                         delivery::Outbox& outbox, delivery::Outbox::Invoke call_service) {
  return std::make_unique<S3Service>(store, clock, std::move(files_dir), credentials, outbox,
                                     std::move(call_service));
}

}  // namespace nimbus::s3
