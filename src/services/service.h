#pragma once
// What every AWS service in nimbus is: a model, a table of operation handlers over its state,
// and a lifecycle for its background workers. Handlers receive decoded input and return output
// values (see src/protocol/protocol.h); they never write the wire format.
//
// Two kinds of service share this interface:
//
// * Model-driven operation services (SQS; the default). The dispatcher buffers the whole request,
//   routes, authenticates (signature over the buffered body), decodes and validates it with the
//   protocol layer, calls invoke() with the operation name and decoded input, and encodes the
//   returned output or the AwsError thrown. The service sees only values.
//
// * Raw-HTTP services (S3 today; Lambda's Runtime API and API Gateway's invoke URLs next):
//   serves_raw_http() returns true and handle_http() answers the request itself. The contract:
//   - When: the dispatcher calls handle_http() after routing and authentication, before reading
//     the body. Authentication ran on the head alone: the payload hash is the signed
//     x-amz-content-sha256 (or UNSIGNED-PAYLOAD), and the service must check the body against it
//     (or the chunk signatures) as it reads. context.signature holds what it needs for that.
//   - What it gets: `head` (request line and headers, empty body) and `body`, a BodyReader the
//     service pulls the body from (`Expect: 100-continue` is answered on the first read, so a
//     request rejected before reading never sends its body). It may leave the body unread.
//   - What it does: decode, execute and encode itself, with the protocol layer's codec entry
//     points (protocol/protocol.h: match_rest_operation, decode_rest_request, encode_response,
//     encode_rest_head) for modelled operations, and its own code for what the model does not
//     describe (S3: CORS preflight, browser POST uploads, website endpoints). It sets
//     context.operation for the log line.
//   - What it answers: a Reply — the message (status, headers, a small body) and optionally a
//     BodyRange the server streams as the body (Content-Length set from the range). Errors are
//     thrown as AwsError; the dispatcher encodes them in the route's wire protocol (HEAD and 304
//     without a body) and turns any other exception into a logged InternalFailure 500.
//   - What it must not do: include anything from src/http (the connection is not its business)
//     or protocol internals beyond model.h and protocol.h; block the I/O thread on disk.
//   The dispatcher never calls invoke() for a raw-HTTP service (S3's throws InternalFailure).
//   Which SigV4 dialect checks the head follows the route's wire protocol (rest-xml: S3's).
//
// Services include nothing from src/http and from src/protocol only model.h and protocol.h (the
// codec entry points); tests/unit/layering/include_rules_test.cpp enforces it.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/aws_error.h"
#include "core/raw_http.h"
#include "core/request_context.h"
#include "protocol/model.h"

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
  // A raw-HTTP service (see the top of this file): the dispatcher hands it every request routed to
  // it, with a streamed body, after routing and authentication.
  virtual bool serves_raw_http() const { return false; }
  virtual boost::asio::awaitable<Reply> handle_http(HttpRequest& head, BodyReader& body,
                                                    RequestContext& context) {
    throw AwsError::internal();
  }

  // Requests that pass unsigned even when signatures are verified; the service then decides
  // (S3 lets every request through to its bucket-policy stage).
  virtual bool allows_anonymous(const HttpRequest& head) const { return false; }
  // A raw-HTTP service that verifies signatures itself, after reading the body (API Gateway's
  // invoke URLs: only AWS_IAM routes need one). The dispatcher then only reads who signed
  // (account, region, key), verifying nothing and refusing nothing.
  virtual bool checks_own_signatures() const { return false; }

  // Counters and state for GET /_nimbus/health.
  virtual Json health() const { return {{"state", "running"}}; }
};

}  // namespace nimbus
