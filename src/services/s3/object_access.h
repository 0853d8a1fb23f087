#pragma once
// What the configuration side of S3 (lifecycle expiry, website hosting, browser POST uploads)
// needs from the object side, without knowing how objects are stored. ObjectOperations
// implements it.

#include <optional>
#include <string_view>
#include <utility>

#include "services/s3/s3_types.h"

namespace nimbus::s3 {

struct PutOptions {
  std::string content_type;
  std::map<std::string, std::string> metadata;  // x-amz-meta-* without the prefix
  std::optional<std::string> content_md5;       // base64, checked if present
};

class ObjectAccess {
 public:
  virtual ~ObjectAccess() = default;
  // The current version of an object; nullopt if absent or a delete marker.
  virtual std::optional<ObjectSummary> head(const Bucket& bucket, std::string_view key) = 0;
  // The current version and its whole body, ready to stream; nullopt if absent.
  virtual std::optional<std::pair<ObjectSummary, http_server::BodyRange>> open(const Bucket& bucket,
                                                                              std::string_view key) = 0;
  // Stores an object from a stream of exactly `length` bytes (or to its end when nullopt), as
  // PutObject does (versioning, durability, ObjectCreated:Post/Put events with `event_name`).
  virtual awaitable<ObjectSummary> put(RequestContext& context, const Bucket& bucket, std::string key,
                                       http_server::BodyReader& body, std::optional<uint64_t> length,
                                       PutOptions options, std::string_view event_name) = 0;
  // Deletes the current version as DeleteObject does (a delete marker when versioned), firing
  // ObjectRemoved events; used by lifecycle expiration.
  virtual awaitable<void> remove(RequestContext& context, const Bucket& bucket, std::string key) = 0;
  // Visits the current objects whose key starts with `prefix`, in key order, until `visit` is false.
  virtual void scan(const Bucket& bucket, std::string_view prefix,
                    const std::function<bool(const ObjectSummary&)>& visit) = 0;
};

// Where object changes are announced (bucket notifications). The configuration side implements it.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // `event_name` as in S3 event records without the "s3:" prefix: "ObjectCreated:Put",
  // "ObjectCreated:Copy", "ObjectCreated:CompleteMultipartUpload", "ObjectCreated:Post",
  // "ObjectRemoved:Delete", "ObjectRemoved:DeleteMarkerCreated". Must not block.
  virtual void object_event(const RequestContext& context, const Bucket& bucket,
                            std::string_view event_name, const ObjectSummary& object) = 0;
};

}  // namespace nimbus::s3
