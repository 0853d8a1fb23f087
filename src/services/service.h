#pragma once
// What every AWS service in nimbus is: a model, a table of operation handlers over its state,
// and a lifecycle for its background workers. Handlers receive decoded input and return output
// values (see src/protocol/protocol.h); they never write the wire format.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/aws_error.h"
#include "core/request_context.h"
#include "http/streaming.h"
#include "protocol/model.h"
#include "protocol/protocol.h"

namespace nimbus {

using Json = nlohmann::json;

class Service {
 public:
  virtual ~Service() = default;

  virtual std::string_view name() const = 0;
  virtual const model::ServiceModel& model() const = 0;

  // Runs one operation. Throws AwsError for anything the client must see as an AWS error.
  virtual boost::asio::awaitable<Json> invoke(std::string_view operation, RequestContext& context,
                                              Json input) = 0;
  virtual bool implements(std::string_view operation) const = 0;

  // Loads persisted state and starts background workers on `executor`. Idempotent.
  virtual void start(boost::asio::any_io_executor executor) = 0;
  // Stops workers and wakes waiting requests; safe to call twice.
  virtual void stop() = 0;
  // Wipes all state of this service (POST /_nimbus/reset).
  virtual boost::asio::awaitable<void> reset() = 0;
  // Services that speak HTTP themselves (S3: streamed bodies, virtual-hosted buckets, CORS
  // preflight, browser POST uploads) get the whole request after routing and authentication and
  // run decode/execute/encode with the protocol layer's rest functions.
  virtual bool serves_raw_http() const { return false; }
  virtual boost::asio::awaitable<http_server::Reply> handle_http(protocol::HttpRequest& head,
                                                                 http_server::BodyReader& body,
                                                                 RequestContext& context) {
    throw AwsError::internal();
  }

  // Requests that pass unsigned even when signatures are verified; the service then decides
  // (S3 lets every request through to its bucket-policy stage).
  virtual bool allows_anonymous(const protocol::HttpRequest& head) const { return false; }

  // Counters and state for GET /_nimbus/health.
  virtual Json health() const { return {{"state", "running"}}; }
};

}  // namespace nimbus
