#include "services/apigateway/gateway_reply.h"

#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace nimbus::apigateway {

Reply gateway_reply(unsigned http_version, int status, const std::string& error_type, const std::string& message) {
  Reply reply;
  reply.message = HttpResponse{static_cast<boost::beast::http::status>(status), http_version};
  reply.message.set(boost::beast::http::field::content_type, "application/json");
  if (!error_type.empty()) reply.message.set("x-amzn-ErrorType", error_type);
  reply.message.body() = nlohmann::json{{"message", message}}.dump();
  return reply;
}

}  // namespace nimbus::apigateway
