#include "services/apigateway/execute_api_service.h"

#include <array>
#include <boost/beast/http.hpp>

#include "services/apigateway/ascii.h"
#include "services/apigateway/gateway_reply.h"

namespace nimbus::apigateway {
namespace http = boost::beast::http;
namespace {

// API Gateway's payload quota (10 MB) for REST and HTTP APIs.
constexpr size_t kMaxBody = 10 * 1024 * 1024;


std::string host_without_port(std::string_view host) {
  auto colon = host.rfind(':');
  if (colon != std::string_view::npos && host.find(']') == std::string_view::npos) host = host.substr(0, colon);
  return std::string(host);
}

// Fills api_id, stage, path and raw_query from the host and target; false when the request
// names no API.
bool parse_invoke_url(std::string_view host, std::string_view target, ApiInvocation& call) {
  auto question = target.find('?');
  std::string_view path = target.substr(0, question);
  call.raw_query = question == std::string_view::npos ? "" : std::string(target.substr(question + 1));
  if (is_path_form_invoke(target)) {
    // /restapis/<apiId>/<stage>/_user_request_/<path>
    auto rest = path.substr(std::string_view("/restapis/").size());
    auto slash = rest.find('/');
    call.api_id = lower(rest.substr(0, slash));
    rest = rest.substr(slash + 1);
    auto marker = rest.find(kUserRequest);
    call.stage = std::string(rest.substr(0, marker));
    auto after = rest.substr(marker + kUserRequest.size());
    call.path = after.empty() ? "/" : std::string(after);
    return !call.api_id.empty() && !call.stage->empty();
  }
  auto label_end = host.find(".execute-api.");
  if (label_end == std::string_view::npos || label_end == 0) return false;
  call.api_id = lower(host.substr(0, label_end));
  call.path = path.empty() ? "/" : std::string(path);
  return true;
}

class ExecuteApiService final : public Service {
 public:
  explicit ExecuteApiService(std::vector<ApiFrontEnd*> front_ends) : front_ends_(std::move(front_ends)) {}
  std::string_view name() const override { return "execute-api"; }
  // Errors outside any API (none are thrown here in practice) take API Gateway's JSON form.
  const model::ServiceModel& model() const override { return model::apigateway_model(); }
  boost::asio::awaitable<Json> invoke(std::string_view, RequestContext&, Json) override { throw AwsError::internal(); }
  bool implements(std::string_view) const override { return false; }
  void start(boost::asio::any_io_executor) override {}
  void stop() override {}
  boost::asio::awaitable<void> reset() override { co_return; }
  bool serves_raw_http() const override { return true; }
  // Each route decides (NONE, AWS_IAM, authorizers); AWS_IAM signatures are checked by the API's
  // service once the body is read.
  bool allows_anonymous(const HttpRequest&) const override { return true; }
  bool checks_own_signatures() const override { return true; }

  boost::asio::awaitable<Reply> handle_http(HttpRequest& head, BodyReader& reader, RequestContext& context) override {
    context.operation = "Invoke";
    unsigned version = head.version();
    std::string host(head[http::field::host]);
    ApiInvocation call{head, "", context, "", std::nullopt, "", "", host_without_port(host)};
    if (!parse_invoke_url(host, head.target(), call)) {
      co_return gateway_reply(version, 403, "MissingAuthenticationTokenException", "Missing Authentication Token");
    }
    ApiFrontEnd* owner_service = nullptr;
    std::optional<ApiOwner> owner;
    for (auto* front_end : front_ends_) {
      owner = front_end->find_api(call.api_id);
      if (owner) {
        owner_service = front_end;
        break;
      }
    }
    if (!owner_service) co_return gateway_reply(version, 403, "ForbiddenException", "Forbidden");
    std::array<char, 65536> chunk;
    for (;;) {
      size_t n = co_await reader.read_some(chunk);
      if (n == 0) break;
      call.body.append(chunk.data(), n);
      if (call.body.size() > kMaxBody) co_return gateway_reply(version, 413, "RequestTooLargeException", "Request Too Long");
    }
    co_return co_await owner_service->serve(call, *owner);
  }

 private:
  std::vector<ApiFrontEnd*> front_ends_;
};

}  // namespace

bool is_path_form_invoke(std::string_view target) {
  // /restapis/<apiId>/<stage>/_user_request_[/...]
  if (target.rfind("/restapis/", 0) != 0) return false;
  auto path = target.substr(0, target.find('?'));
  auto marker = path.find(kUserRequest);
  if (marker == std::string_view::npos) return false;
  auto after = path.substr(marker + kUserRequest.size());
  if (!after.empty() && after.front() != '/') return false;
  // Exactly two segments (apiId, stage) before the marker.
  auto between = path.substr(10, marker - 10);
  auto slash = between.find('/');
  return slash != std::string_view::npos && slash > 0 && slash + 1 < between.size() &&
         between.find('/', slash + 1) == std::string_view::npos;
}

std::unique_ptr<Service> make_execute_api_service(std::vector<ApiFrontEnd*> front_ends) {
  return std::make_unique<ExecuteApiService>(std::move(front_ends));
}

}  // namespace nimbus::apigateway
