// REST API integrations: AWS_PROXY (Lambda, payload 1.0), AWS (Lambda with mapping templates),
// HTTP_PROXY and HTTP (through src/outbound), MOCK; request templates, integration response
// selection (selectionPattern against the status code or the Lambda error message) and response
// templates and parameters.

#include <boost/beast/http.hpp>

#include "outbound/http_client.h"
#include "services/apigateway/ascii.h"
#include "services/apigateway/rest_common.h"
#include "services/apigateway/gateway_reply.h"
#include "services/apigateway/lambda_integration.h"
#include "services/apigateway/rest_serving.h"
#include "services/apigateway/upstream_guard.h"
#include "services/apigateway/vtl/vtl.h"

namespace nimbus::apigateway {
namespace http = boost::beast::http;
namespace {

// An upstream whose circuit is open (upstream_guard.h): nimbus's own 503, through the
// INTEGRATION_FAILURE gateway response (an API's own override of that type still applies).
GatewayError circuit_open_error() {
  GatewayError error("INTEGRATION_FAILURE", "Service Unavailable");
  error.status = 503;
  error.headers.emplace_back("x-nimbus-circuit", "open");
  return error;
}


// Hop-by-hop headers a proxy does not forward, and those the outbound client sets itself.
bool forwarded_header(std::string_view name) {
  static constexpr std::string_view kSkipped[] = {"host", "connection", "keep-alive", "transfer-encoding",
                                                  "content-length", "upgrade", "proxy-connection", "te",
                                                  "expect"};
  std::string lowered = lower(name);
  for (auto skipped : kSkipped) {
    if (skipped == lowered) return false;
  }
  return true;
}

vtl::Inputs template_inputs(const RestRequest& request, const ServedStage& served, std::string body) {
  vtl::Inputs inputs;
  inputs.body = std::move(body);
  Json path = Json::object();
  for (const auto& [name, value] : request.path_parameters) path[name] = value;
  Json query = Json::object();
  for (const auto& [name, value] : request.query) query[name] = value;
  Json headers = Json::object();
  for (const auto& [name, value] : request.headers) headers[name] = value;
  inputs.params = {{"path", path}, {"querystring", query}, {"header", headers}};
  inputs.context = request.request_context;
  inputs.stage_variables = served.stage.value("variables", Json::object());
  inputs.quiet_undefined = true;  // API Gateway renders a reference to nothing as ""
  return inputs;
}

// The value a request parameter mapping expression names: 'literal', method.request.<where>.<name>,
// stageVariables.<name>, context.<name>.
std::optional<std::string> mapped_value(const std::string& expression, const RestRequest& request,
                                        const ServedStage& served) {
  if (expression.size() >= 2 && expression.front() == '\'' && expression.back() == '\'') {
    return expression.substr(1, expression.size() - 2);
  }
  auto after = [&](std::string_view prefix) -> std::optional<std::string> {
    if (expression.rfind(prefix, 0) == 0) return expression.substr(prefix.size());
    return std::nullopt;
  };
  if (auto name = after("method.request.path.")) {
    auto found = request.path_parameters.find(*name);
    if (found != request.path_parameters.end()) return found->second;
    return std::nullopt;
  }
  if (auto name = after("method.request.querystring.")) {
    for (const auto& [key, value] : request.query) {
      if (key == *name) return value;
    }
    return std::nullopt;
  }
  if (auto name = after("method.request.header.")) {
    std::string value = header_value(request, *name);
    if (!value.empty()) return value;
    return std::nullopt;
  }
  if (auto name = after("stageVariables.")) {
    const Json& variables = member_object(served.stage, "variables");
    if (variables.contains(*name)) return variables[*name].get<std::string>();
    return std::nullopt;
  }
  if (auto name = after("context.")) {
    const Json& context = request.request_context;
    if (context.contains(*name) && context[*name].is_string()) return context[*name].get<std::string>();
  }
  return std::nullopt;
}

// The request template for the request's content type (its text inside the snapshot); null to pass
// the body through.
// Throws UNSUPPORTED_MEDIA_TYPE as the passthrough behaviour says.
const std::string* request_template(const Json& integration, const RestRequest& request) {
  const Json& templates = member_object(integration, "requestTemplates");
  std::string type = lower(header_value(request, "content-type"));
  type = type.substr(0, type.find(';'));
  if (type.empty()) type = "application/json";
  std::string behaviour = integration.value("passthroughBehavior", "WHEN_NO_MATCH");
  if (templates.empty()) {
    if (behaviour == "NEVER") throw GatewayError("UNSUPPORTED_MEDIA_TYPE", "Unsupported Media Type");
    return nullptr;
  }
  for (const auto& [content_type, text] : templates.items()) {
    if (lower(content_type) == type && text.is_string()) return &text.get_ref<const std::string&>();
  }
  if (behaviour == "WHEN_NO_MATCH") return nullptr;
  throw GatewayError("UNSUPPORTED_MEDIA_TYPE", "Unsupported Media Type");
}

// A template without references, directives or escapes renders as itself (MOCK's usual
// {"statusCode": 200}): no inputs need building for it.
bool is_static(const std::string& text) { return text.find_first_of("$#\\") == std::string::npos; }

// Renders a mapping template of the stage's snapshot, parsed once per stage. A template that
// does not parse or render is the API's configuration error.
vtl::Rendered render(const ServedStage& served, const std::string& text, const vtl::Inputs& inputs) {
  std::shared_ptr<const vtl::Template> compiled;
  {
    std::lock_guard lock(served.templates_mutex);
    auto found = served.templates.find(&text);
    if (found != served.templates.end()) compiled = found->second;
  }
  try {
    if (!compiled) {
      compiled = std::make_shared<const vtl::Template>(text);
      std::lock_guard lock(served.templates_mutex);
      served.templates.emplace(&text, compiled);
    }
    return compiled->render(inputs);
  } catch (const vtl::TemplateError&) {
    throw GatewayError("API_CONFIGURATION_ERROR", "Internal server error");
  }
}

// The integration response whose selectionPattern matches `selector` (Java-style whole match),
// else the default one (no pattern).
const Json* select_response(const Json& responses, const std::optional<std::string>& selector) {
  const Json* fallback = nullptr;
  for (const auto& [code, response] : responses.items()) {
    std::string pattern = response.value("selectionPattern", "");
    if (pattern.empty()) {
      if (!fallback) fallback = &response;
      continue;
    }
    if (!selector) continue;
    if (regex_matches(pattern, *selector, true)) return &response;
  }
  return fallback;
}

struct IntegrationOutput {
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// The method's reply from an integration response: status, mapped headers, the response template.
Reply mapped_reply(const Json& response, const IntegrationOutput& output, const RestRequest& request,
                   const ServedStage& served, unsigned http_version) {
  int status = 200;
  try {
    status = std::stoi(response.value("statusCode", "200"));
  } catch (const std::exception&) {
  }
  Reply reply;
  reply.message = HttpResponse{static_cast<http::status>(status), http_version};
  reply.message.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : member_object(response, "responseParameters").items()) {
    static constexpr std::string_view kPrefix = "method.response.header.";
    if (name.rfind(kPrefix, 0) != 0 || !value.is_string()) continue;
    std::string expression = value.get<std::string>();
    std::optional<std::string> mapped;
    if (expression.size() >= 2 && expression.front() == '\'' && expression.back() == '\'') {
      mapped = expression.substr(1, expression.size() - 2);
    } else if (expression.rfind("integration.response.header.", 0) == 0) {
      std::string wanted = lower(expression.substr(28));
      for (const auto& [header, content] : output.headers) {
        if (lower(header) == wanted) mapped = content;
      }
    } else if (expression == "integration.response.body") {
      mapped = output.body;
    }
    if (mapped) reply.message.set(name.substr(kPrefix.size()), *mapped);
  }
  const Json& templates = member_object(response, "responseTemplates");
  std::string body = output.body;
  if (!templates.empty()) {
    std::string accept = lower(header_value(request, "accept"));
    const Json* chosen = nullptr;
    for (const auto& [type, text] : templates.items()) {
      if (!chosen || (!accept.empty() && accept.find(lower(type)) != std::string::npos)) chosen = &text;
      if (lower(type) == "application/json" && accept.empty()) chosen = &text;
    }
    if (chosen && chosen->is_string() && !chosen->get<std::string>().empty()) {
      const auto& text = chosen->get_ref<const std::string&>();
      vtl::Rendered rendered = is_static(text) ? vtl::Rendered{text, {}}
                                               : render(served, text, template_inputs(request, served, output.body));
      body = std::move(rendered.text);
      // $context.responseOverride.status / .header.<name> set by the template.
      if (rendered.overrides.status) reply.message.result(static_cast<http::status>(*rendered.overrides.status));
      for (const auto& [name, value] : rendered.overrides.response_headers) reply.message.set(name, value);
    }
  }
  reply.message.body() = std::move(body);
  return reply;
}

// The integration URI with {name} placeholders filled from integration.request.path mappings
// (or the method's own path parameters of that name).
std::string integration_uri(const Json& integration, const RestRequest& request, const ServedStage& served) {
  std::string uri = integration.value("uri", "");
  const Json& mappings = member_object(integration, "requestParameters");
  std::string out;
  size_t i = 0;
  while (i < uri.size()) {
    auto open = uri.find('{', i);
    if (open == std::string::npos) break;
    auto close = uri.find('}', open);
    if (close == std::string::npos) break;
    out += uri.substr(i, open - i);
    std::string name = uri.substr(open + 1, close - open - 1);
    std::optional<std::string> value;
    std::string key = "integration.request.path." + name;
    if (mappings.contains(key) && mappings[key].is_string()) value = mapped_value(mappings[key], request, served);
    if (!value) {
      std::string bare = name.ends_with("+") ? name.substr(0, name.size() - 1) : name;
      auto found = request.path_parameters.find(bare);
      if (found != request.path_parameters.end()) value = found->second;
    }
    out += value ? *value : uri.substr(open, close - open + 1);
    i = close + 1;
  }
  return out + uri.substr(i);
}

boost::asio::awaitable<IntegrationOutput> call_http(const Json& integration, const RestRequest& request,
                                                    const ServedStage& served, std::string body, bool proxy,
                                                    int* status) {
  outbound::HttpRequest outgoing;
  outgoing.method = proxy && integration.value("httpMethod", "ANY") == "ANY" ? request.method
                                                                              : integration.value("httpMethod", "GET");
  outgoing.url = integration_uri(integration, request, served);
  std::string query;
  if (proxy) {
    for (const auto& [name, value] : request.query) {
      query += (query.empty() ? "" : "&") + name + "=" + value;
    }
    for (const auto& [name, value] : request.headers) {
      if (forwarded_header(name)) outgoing.headers.emplace_back(name, value);
    }
  }
  for (const auto& [name, expression] : member_object(integration, "requestParameters").items()) {
    if (!expression.is_string()) continue;
    auto value = mapped_value(expression, request, served);
    if (!value) continue;
    if (name.rfind("integration.request.header.", 0) == 0) {
      outgoing.headers.emplace_back(name.substr(27), *value);
    } else if (name.rfind("integration.request.querystring.", 0) == 0) {
      query += (query.empty() ? "" : "&") + name.substr(32) + "=" + *value;
    }
  }
  if (!query.empty()) outgoing.url += (outgoing.url.find('?') == std::string::npos ? "?" : "&") + query;
  outgoing.body = std::move(body);
  outgoing.timeout = std::chrono::milliseconds(integration.value("timeoutInMillis", 29000));
  // Retries, backoff and the upstream's circuit breaker within timeoutInMillis (upstream_guard.h).
  auto pending = guarded_fetch(UpstreamGuard::shared(), UpstreamCaller::RestApi, std::move(outgoing));
  GuardedResponse answered = co_await std::move(pending);
  if (answered.circuit_open) throw circuit_open_error();
  if (!answered.response) {
    if (answered.failure == outbound::HttpError::Kind::Timeout) {
      throw GatewayError("INTEGRATION_TIMEOUT", "Endpoint request timed out");
    }
    throw GatewayError("INTEGRATION_FAILURE", "Internal server error");
  }
  IntegrationOutput output;
  *status = answered.response->status;
  output.body = std::move(answered.response->body);
  output.headers = std::move(answered.response->headers);
  co_return output;
}

Reply internal_error(unsigned http_version, int status) {
  return gateway_reply(http_version, status, "InternalServerErrorException", "Internal server error");
}

}  // namespace

boost::asio::awaitable<Reply> run_integration(const ServeDeps& deps, const ServedStage& served, const Json& method,
                                              RestRequest& request) {
  const Json& integration = member_object(method, "methodIntegration");
  std::string type = integration.value("type", "MOCK");
  if (type == "AWS_PROXY" || type == "AWS") {
    auto function = function_of_uri(integration.value("uri", ""));
    if (!function) throw GatewayError("API_CONFIGURATION_ERROR", "Internal server error");
    std::string payload;
    if (type == "AWS_PROXY") {
      payload = proxy_event(request, served).dump();
    } else {
      auto text = request_template(integration, request);
      payload = !text             ? request.body
                : is_static(*text) ? *text
                                   : render(served, *text, template_inputs(request, served, request.body)).text;
      if (payload.empty()) payload = "{}";
    }
    LambdaCall lambda_call{*function, std::move(payload),
                           request.method_arn.substr(0, request.method_arn.size() - request.path.size()) +
                               request.resource_path,
                           integration.contains("credentials"), integration.value("timeoutInMillis", int64_t{29000})};
    auto pending = call_lambda(deps.call, deps.owner, lambda_call);
    LambdaOutcome outcome = co_await std::move(pending);
    if (outcome.kind == LambdaOutcome::Kind::TimedOut) {
      throw GatewayError("INTEGRATION_TIMEOUT", "Endpoint request timed out");
    }
    if (outcome.kind == LambdaOutcome::Kind::Throttled) throw GatewayError("THROTTLED", "Too Many Requests");
    if (outcome.kind == LambdaOutcome::Kind::Failed) co_return internal_error(deps.http_version, 500);
    if (type == "AWS_PROXY") {
      if (outcome.kind == LambdaOutcome::Kind::FunctionError) co_return internal_error(deps.http_version, 502);
      auto reply = proxy_reply(outcome.payload, served, request, deps.http_version);
      if (!reply) co_return internal_error(deps.http_version, 502);
      co_return std::move(*reply);
    }
    std::optional<std::string> selector;
    if (outcome.kind == LambdaOutcome::Kind::FunctionError) {
      Json error = Json::parse(outcome.payload, nullptr, false);
      selector = error.is_object() ? error.value("errorMessage", "") : outcome.payload;
    }
    const Json* response = select_response(member_object(integration, "integrationResponses"), selector);
    if (!response) co_return internal_error(deps.http_version, 500);
    co_return mapped_reply(*response, {outcome.payload, {}}, request, served, deps.http_version);
  }
  if (type == "HTTP_PROXY") {
    int status = 200;
    auto pending = call_http(integration, request, served, request.body, true, &status);
    IntegrationOutput output = co_await std::move(pending);
    Reply reply;
    reply.message = HttpResponse{static_cast<http::status>(status), deps.http_version};
    for (const auto& [name, value] : output.headers) {
      if (forwarded_header(name)) reply.message.insert(name, value);
    }
    reply.message.body() = std::move(output.body);
    co_return reply;
  }
  auto text = request_template(integration, request);
  std::string rendered = !text             ? request.body
                         : is_static(*text) ? *text
                                            : render(served, *text, template_inputs(request, served, request.body)).text;
  if (type == "HTTP") {
    int status = 200;
    auto pending = call_http(integration, request, served, rendered, false, &status);
    IntegrationOutput output = co_await std::move(pending);
    const Json* response =
        select_response(member_object(integration, "integrationResponses"), std::to_string(status));
    if (!response) co_return internal_error(deps.http_version, 500);
    co_return mapped_reply(*response, output, request, served, deps.http_version);
  }
  // MOCK: the request template's statusCode selects the integration response.
  int status = 200;
  Json mock = Json::parse(rendered, nullptr, false);
  if (mock.is_object() && mock.contains("statusCode")) {
    if (mock["statusCode"].is_number_integer()) status = mock["statusCode"].get<int>();
    if (mock["statusCode"].is_string()) {
      try {
        status = std::stoi(mock["statusCode"].get<std::string>());
      } catch (const std::exception&) {
      }
    }
  }
  const Json* response = select_response(member_object(integration, "integrationResponses"), std::to_string(status));
  if (!response) co_return internal_error(deps.http_version, 500);
  co_return mapped_reply(*response, {}, request, served, deps.http_version);
}

}  // namespace nimbus::apigateway
