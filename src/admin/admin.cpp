#include "admin/admin.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace nimbus::admin {
namespace http = boost::beast::http;

namespace {

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

std::string query_param(std::string_view target, std::string_view name) {
  auto question = target.find('?');
  if (question == std::string_view::npos) return {};
  auto query = target.substr(question + 1);
  size_t start = 0;
  while (start < query.size()) {
    auto end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    auto pair = query.substr(start, end - start);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) return std::string(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    start = end + 1;
  }
  return {};
}

HttpResponse json_response(const HttpRequest& request, http::status status, const nlohmann::json& body) {
  HttpResponse response{status, request.version()};
  response.set(http::field::content_type, "application/json");
  response.body() = body.dump();
  return response;
}

HttpResponse error(const HttpRequest& request, http::status status, std::string message) {
  return json_response(request, status, {{"error", std::move(message)}});
}

}  // namespace

bool is_admin_path(std::string_view target) {
  auto path = path_of(target);
  return path.starts_with("/_nimbus/") || path.starts_with("/_localstack/");
}

AdminEndpoints::AdminEndpoints(ServiceRegistry& registry, Clock& clock, storage::ClockKeeper* clock_keeper)
    : registry_(registry), clock_(clock), clock_keeper_(clock_keeper) {}

boost::asio::awaitable<HttpResponse> AdminEndpoints::handle(const HttpRequest& request) {
  auto path = path_of(request.target());
  bool get = request.method() == http::verb::get || request.method() == http::verb::head;
  bool post = request.method() == http::verb::post;
  if ((path == "/_nimbus/health" || path == "/_localstack/health") && get) co_return health(request);
  if (path == "/_nimbus/reset" && post) co_return co_await reset(request);
  if (path == "/_nimbus/clock" && (post || get)) co_return co_await clock(request);
  if (path == "/_nimbus/deliveries" && get) {
    co_return json_response(request, http::status::ok, registry_.outbox().report());
  }
  if (auto answer = jwt_issuer_.handle(request, clock_.now_seconds())) co_return std::move(*answer);
  if (path.starts_with("/_nimbus/") && (get || post)) {
    auto found = registry_.admin_controls().find(path.substr(9));
    if (found != registry_.admin_controls().end()) co_return control(request, found->second);
  }
  co_return error(request, http::status::not_found, "no such nimbus endpoint");
}

HttpResponse AdminEndpoints::health(const HttpRequest& request) const {
  nlohmann::json services = nlohmann::json::object();
  nlohmann::json details = nlohmann::json::object();
  for (const auto& service : registry_.all()) {
    auto state = service->health();
    services[std::string(service->name())] = state.value("state", "running");
    details[std::string(service->name())] = std::move(state);
  }
  auto uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  return json_response(request, http::status::ok,
                       {{"version", NIMBUS_VERSION},
                        {"edition", "nimbus"},
                        {"uptime_seconds", uptime},
                        {"services", services},
                        {"details", details}});
}

HttpResponse AdminEndpoints::control(const HttpRequest& request, const ServiceRegistry::AdminControl& named) {
  if (request.method() != http::verb::post) return json_response(request, http::status::ok, named(nullptr));
  auto settings = nlohmann::json::parse(request.body(), nullptr, false);
  if (!settings.is_object()) return error(request, http::status::bad_request, "expected a JSON object of settings");
  try {
    return json_response(request, http::status::ok, named(&settings));
  } catch (const std::invalid_argument& refused) {
    return error(request, http::status::bad_request, refused.what());
  }
}

boost::asio::awaitable<HttpResponse> AdminEndpoints::reset(const HttpRequest& request) {
  auto only = query_param(request.target(), "service");
  if (!only.empty() && !registry_.find(only)) {
    co_return error(request, http::status::bad_request, "unknown service: " + only);
  }
  nlohmann::json done = nlohmann::json::array();
  for (const auto& service : registry_.all()) {
    if (!only.empty() && service->name() != only) continue;
    co_await service->reset();
    done.push_back(service->name());
  }
  // A full reset is a fresh start for a test: deliveries between services go, and the clock
  // goes back to wall time.
  if (only.empty()) {
    co_await registry_.outbox().reset();
    const nlohmann::json defaults = {{"reset", true}};
    for (const auto& [name, control] : registry_.admin_controls()) control(&defaults);
    clock_.rewind();
    co_await save_clock();
  }
  co_return json_response(request, http::status::ok, {{"reset", done}});
}

boost::asio::awaitable<HttpResponse> AdminEndpoints::clock(const HttpRequest& request) {
  if (request.method() == http::verb::post) {
    auto body = nlohmann::json::parse(request.body(), nullptr, false);
    if (!body.is_object() || !body.contains("advance_seconds") || !body["advance_seconds"].is_number() ||
        body["advance_seconds"].get<double>() < 0) {
      co_return error(request, http::status::bad_request,
                      "expected a JSON body {\"advance_seconds\": N} with N >= 0");
    }
    clock_.advance(static_cast<int64_t>(body["advance_seconds"].get<double>() * 1000));
    co_await save_clock();
  }
  auto now = clock_.now_ms();
  auto wall = Clock::wall_ms();
  co_return json_response(request, http::status::ok,
                          {{"now_ms", now}, {"wall_ms", wall}, {"offset_seconds", (now - wall) / 1000.0}});
}

boost::asio::awaitable<void> AdminEndpoints::save_clock() {
  if (clock_keeper_) co_await clock_keeper_->save();
}

}  // namespace nimbus::admin
