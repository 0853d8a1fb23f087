#pragma once
// What the configuration side of S3 (lifecycle expiry, website hosting, browser POST uploads)
// needs from the object side, without knowing how objects are stored. ObjectOperations
// implements it.

#include <optional>
#include <string_view>
#include <utility>

#include <vector>

#include "delivery/delivery.h"
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
  virtual std::optional<std::pair<ObjectSummary, BodyRange>> open(const Bucket& bucket,
                                                                              std::string_view key) = 0;
  // Stores an object from a stream of exactly `length` bytes (or to its end when nullopt), as
  // PutObject does (versioning, durability, ObjectCreated:Post/Put events with `event_name`).
  virtual awaitable<ObjectSummary> put(RequestContext& context, const Bucket& bucket, std::string key,
                                       BodyReader& body, std::optional<uint64_t> length,
                                       PutOptions options, std::string_view event_name) = 0;
  // Deletes the current version as DeleteObject does (a delete marker when versioned), firing
  // ObjectRemoved events; used by lifecycle expiration.
  virtual awaitable<void> remove(RequestContext& context, const Bucket& bucket, std::string key) = 0;
  // Visits the current objects whose key starts with `prefix`, in key order, until `visit` is false.
  virtual void scan(const Bucket& bucket, std::string_view prefix,
                    const std::function<bool(const ObjectSummary&)>& visit) = 0;
};

// An object change that may notify the bucket's destinations: who made it, in which bucket, and
// the S3 event name without the "s3:" prefix ("ObjectCreated:Put", "ObjectCreated:Copy",
// "ObjectCreated:CompleteMultipartUpload", "ObjectCreated:Post", "ObjectRemoved:Delete",
// "ObjectRemoved:DeleteMarkerCreated"). Empty (no context) for changes that announce nothing.
struct ObjectEvent {
  const RequestContext* context = nullptr;
  const Bucket* bucket = nullptr;
  std::string_view name;
};

// Where object changes are announced (bucket notifications). The configuration side implements it.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // The deliveries one object change makes to the bucket's matching destinations (none when it
  // has none). No I/O: the object side stages them in the store batch of the change itself.
  virtual std::vector<delivery::Delivery> object_event(const ObjectEvent& event, const ObjectSummary& object) = 0;
};

}  // namespace nimbus::s3
