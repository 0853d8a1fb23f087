#include "router/router.h"

#include <boost/beast/core/string.hpp>

#include "services/apigateway/execute_api_service.h"

namespace nimbus::router {
namespace http = boost::beast::http;
using protocol::Wire;

namespace {

std::string_view strip_port(std::string_view host) {
  if (!host.empty() && host.front() == '[') {  // [::1]:4566
    auto end = host.find(']');
    return end == std::string_view::npos ? host : host.substr(0, end + 1);
  }
  auto colon = host.rfind(':');
  return colon == std::string_view::npos ? host : host.substr(0, colon);
}

bool looks_like_region(std::string_view label) {
  // us-east-1, eu-west-2, ap-southeast-1, us-gov-west-1, cn-north-1 ...
  return label.size() >= 9 && label.find('-') != std::string_view::npos &&
         std::isdigit(static_cast<unsigned char>(label.back()));
}

std::vector<std::string_view> split_labels(std::string_view host) {
  std::vector<std::string_view> labels;
  size_t start = 0;
  while (start <= host.size()) {
    auto dot = host.find('.', start);
    if (dot == std::string_view::npos) dot = host.size();
    labels.push_back(host.substr(start, dot - start));
    start = dot + 1;
  }
  return labels;
}

bool form_encoded(const HttpRequest& request) {
  auto type = request[http::field::content_type];
  return type.substr(0, 33) == "application/x-www-form-urlencoded";
}

std::optional<std::string> find_param(std::string_view params, std::string_view name) {
  size_t start = 0;
  while (start < params.size()) {
    auto end = params.find('&', start);
    if (end == std::string_view::npos) end = params.size();
    auto pair = params.substr(start, end - start);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == name && eq != std::string_view::npos) {
      return std::string(pair.substr(eq + 1));  // action names need no percent-decoding
    }
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace

HostInfo parse_host(std::string_view raw_host) {
  HostInfo info;
  auto host = strip_port(raw_host);
  auto labels = split_labels(host);
  for (size_t i = 0; i < labels.size(); ++i) {
    auto label = labels[i];
    if (label == "execute-api" && i > 0) {
      info.service = "execute-api";  // <api-id>.execute-api.<region>.amazonaws.com: an API's invoke URL
      if (i + 1 < labels.size() && looks_like_region(labels[i + 1])) info.region = std::string(labels[i + 1]);
      break;
    }
    if (label == "lambda-url" && i > 0) {
      info.service = "lambda-url";  // <url-id>.lambda-url.<region>.on.aws: a function URL
      if (i + 1 < labels.size() && looks_like_region(labels[i + 1])) info.region = std::string(labels[i + 1]);
      break;
    }
    if (label == "sqs" || label == "queue") {
      info.service = "sqs";
    } else if (label == "s3" || label.substr(0, 3) == "s3-") {
      info.service = "s3";
    } else if (!info.service.empty() || i + 1 < labels.size()) {
      if (looks_like_region(label) && info.region.empty()) info.region = std::string(label);
      continue;
    }
    // A region right after the service label: sqs.eu-west-1..., s3.eu-west-1...
    if (i + 1 < labels.size() && looks_like_region(labels[i + 1])) {
      info.region = std::string(labels[i + 1]);
    }
    if (i > 0 && labels[i] == "queue" && looks_like_region(labels[i - 1])) {
      info.region = std::string(labels[i - 1]);  // eu-west-1.queue.amazonaws.com
    }
    break;
  }
  return info;
}

const model::ServiceInfo* aws_host_service(std::string_view raw_host) {
  static constexpr std::string_view kSuffixes[] = {".amazonaws.com", ".amazonaws.com.cn", ".api.aws",
                                                   ".localhost.localstack.cloud"};
  auto host = strip_port(raw_host);
  for (auto suffix : kSuffixes) {
    if (!host.ends_with(suffix)) continue;
    auto name = host.substr(0, host.size() - suffix.size());  // "lambda.us-east-1", "sts"
    if (auto dot = name.rfind('.'); dot != std::string_view::npos && looks_like_region(name.substr(dot + 1))) {
      name = name.substr(0, dot);
    }
    return model::find_by_endpoint_prefix(name);
  }
  return nullptr;
}

std::optional<std::string> query_action(const HttpRequest& request) {
  std::string_view target = request.target();
  auto question = target.find('?');
  if (question != std::string_view::npos) {
    if (auto action = find_param(target.substr(question + 1), "Action")) return action;
  }
  if (form_encoded(request)) return find_param(request.body(), "Action");
  return std::nullopt;
}

std::optional<Route> Router::for_service(Service* service, const HttpRequest& request) const {
  if (!service) return std::nullopt;
  const auto& model = service->model();
  if (model.protocol == "rest-xml") return Route{service, Wire::RestXml};
  if (model.protocol == "rest-json") return Route{service, Wire::RestJson};
  if (model.protocol == "query") return Route{service, Wire::Query};
  // json services: awsQueryCompatible ones (SQS) also answer the query protocol.
  if (request.find("X-Amz-Target") == request.end() && model.aws_query_compatible) {
    return Route{service, Wire::Query};
  }
  return Route{service, Wire::Json};
}

Route Router::unserved(const model::ServiceInfo& info, const HttpRequest& request) {
  // Answer in the protocol the client speaks when the request shows it (a service whose newer
  // models moved between query and json), else in the model's own.
  bool has_target = request.find("X-Amz-Target") != request.end();
  Wire wire = Wire::Json;
  if (info.protocol == "rest-json") {
    wire = Wire::RestJson;
  } else if (info.protocol == "rest-xml") {
    wire = Wire::RestXml;
  } else if (info.protocol == "json") {
    wire = !has_target && form_encoded(request) ? Wire::Query : Wire::Json;
  } else {  // query, ec2 (whose clients also read the query <ErrorResponse>)
    wire = has_target ? Wire::Json : Wire::Query;
  }
  return Route{nullptr, wire, &info};
}

std::optional<Route> Router::route(const HttpRequest& request,
                                   std::string_view scope_service) const {
  // A function URL is the function's own HTTP endpoint, whatever service a signature names; so is
  // an API Gateway invoke URL (host form, or the path form /restapis/<id>/<stage>/_user_request_/).
  auto host_service = parse_host(request[http::field::host]).service;
  if (host_service == "lambda-url" || host_service == "execute-api") {
    if (auto route = for_service(registry_.find(host_service), request)) return route;
  }
  if (apigateway::is_path_form_invoke(request.target())) {
    if (auto route = for_service(registry_.find("execute-api"), request)) return route;
  }
  auto target = request["X-Amz-Target"];
  auto target_prefix = target.substr(0, target.rfind('.'));  // "" when absent
  if (!target_prefix.empty()) {
    for (const auto& service : registry_.all()) {
      if (service->model().target_prefix == target_prefix) return Route{service.get(), Wire::Json};
    }
  }
  if (!scope_service.empty()) {
    Service* signer = nullptr;
    bool shared = false;
    for (const auto& service : registry_.all()) {
      if (service->model().signing_name != scope_service) continue;
      if (signer) {
        shared = true;
        break;
      }
      signer = service.get();
    }
    // Services sharing a signing name (API Gateway's REST and HTTP APIs: "apigateway") are told
    // apart by which one's model has an operation for the request line.
    if (shared) {
      std::string_view target = request.target();
      auto question = target.find('?');
      auto path = target.substr(0, question);
      auto query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
      for (const auto& service : registry_.all()) {
        if (service->model().signing_name == scope_service &&
            protocol::match_rest_operation(service->model(), request.method_string(), path, query, &request)) {
          return for_service(service.get(), request);
        }
      }
    }
    if (signer) return for_service(signer, request);
  }
  // The client named a service explicitly, and it is one nimbus does not serve.
  if (const auto* info = model::find_by_target_prefix(target_prefix)) return unserved(*info, request);
  if (const auto* info = model::find_by_signing_name(scope_service)) return unserved(*info, request);
  auto host_header = request[http::field::host];
  if (auto host = parse_host(host_header); !host.service.empty()) {
    if (auto route = for_service(registry_.find(host.service), request)) return route;
  }
  if (const auto* info = aws_host_service(host_header)) {
    if (auto* service = registry_.find(info->endpoint_prefix)) return for_service(service, request);
    return unserved(*info, request);
  }
  if (auto action = query_action(request)) {
    for (const auto& service : registry_.all()) {
      const auto& model = service->model();
      bool speaks_query = model.protocol == "query" || model.aws_query_compatible;
      if (speaks_query && model.find_operation(*action)) return Route{service.get(), Wire::Query};
    }
  }
  // A form-encoded POST is a query-protocol call even before its body (and Action) is read:
  // S3 never takes one (its browser uploads are multipart/form-data).
  if (request.method() == http::verb::post && form_encoded(request)) {
    for (const auto& service : registry_.all()) {
      const auto& model = service->model();
      if (model.protocol == "query" || model.aws_query_compatible) return Route{service.get(), Wire::Query};
    }
  }
  // Unsigned requests with no other hint go to S3, as on AWS's global endpoint.
  return for_service(registry_.find("s3"), request);
}

}  // namespace nimbus::router
