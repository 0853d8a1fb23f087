#pragma once
// What the S3 service's parts are built over.

#include <filesystem>
#include <functional>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "delivery/outbox.h"
#include "services/s3/bucket_registry.h"
#include "services/s3/s3_types.h"
#include "storage/store.h"

namespace nimbus::s3 {

struct S3Environment {
  storage::Store& store;
  Clock& clock;
  BucketRegistry& buckets;
  // Object bodies and multipart parts live as files under here (also with --memory).
  std::filesystem::path files_dir;
  // Where deliveries to other services are staged (bucket notifications), and how S3 calls
  // another service directly when it must answer with the result (destination validation).
  delivery::Outbox& outbox;
  delivery::Outbox::Invoke call_service;
};

// Operation name -> handler; each part of the service adds its operations.
using HandlerTable = std::unordered_map<std::string_view, Handler>;

}  // namespace nimbus::s3
