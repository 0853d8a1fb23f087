#pragma once
// Values shared across the S3 service's parts: buckets, object summaries, and what a handler
// receives (S3Call) and returns (S3Result).

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/raw_http.h"
#include "core/request_context.h"
#include "protocol/protocol.h"

namespace nimbus::s3 {

using Json = nlohmann::json;
template <typename T>
using awaitable = boost::asio::awaitable<T>;

// A bucket and its configuration. Bucket names are global across accounts and regions, as on AWS.
struct Bucket {
  std::string name;
  std::string account_id;
  std::string region;
  int64_t created_ms = 0;
  std::string versioning;  // "" (never enabled), "Enabled", "Suspended"
  // Stored configurations by kind ("cors", "policy", "lifecycle", "tagging", "website",
  // "notification", "public_access_block", "ownership_controls", "acl", "encryption"...), each the
  // decoded input value of its Put operation.
  Json configs = Json::object();
};

// What is known of one object version without opening its body.
struct ObjectSummary {
  std::string bucket;
  std::string key;
  std::string version_id;  // "null" when unversioned
  std::string etag;        // quoted, as on the wire: "\"9b2cf535f27731c974343645a3985328\""
  uint64_t size = 0;
  int64_t last_modified_ms = 0;
  std::string storage_class = "STANDARD";
  std::string content_type;
  std::map<std::string, std::string> metadata;  // x-amz-meta-* without the prefix
  std::map<std::string, std::string> tags;      // object tags (lifecycle tag filters)
  bool delete_marker = false;
};

// One operation call as a handler sees it.
struct S3Call {
  RequestContext& context;
  const HttpRequest& head;  // request line + headers (body streamed separately)
  std::string bucket;                 // "" for service-level operations (ListBuckets)
  std::string key;                    // decoded object key, "" for bucket operations
  Json input;                         // decoded by the protocol layer from the model
  // The request body, for operations whose input has a streaming payload (PutObject,
  // UploadPart); null otherwise (the body was read and decoded into `input`).
  BodyReader* body = nullptr;
};

struct S3Result {
  Json output = Json::object();
  // Overrides the operation's status (206 Partial Content for ranged reads).
  std::optional<unsigned> status;
  // The response body streamed from a file (GetObject); the output's header members still apply.
  std::optional<BodyRange> body;
  // Headers outside the model (CORS answers).
  std::vector<std::pair<std::string, std::string>> extra_headers;
};

using Handler = std::function<awaitable<S3Result>(S3Call&)>;

}  // namespace nimbus::s3
