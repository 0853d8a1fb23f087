#pragma once
// Where an S3 request points: virtual-hosted-style buckets (bucket.s3.localhost.localstack.cloud,
// bucket.s3.<region>.amazonaws.com, bucket.localhost) are moved into the path so that every
// request can be matched against the model's path-style requestUri templates.

#include <string>
#include <string_view>

namespace nimbus::s3 {

struct Address {
  std::string bucket;       // "" when the host names no bucket
  bool website = false;     // bucket.s3-website[.-]<region>... : the static website endpoint
  std::string path_target;  // "/bucket/key?query", still percent-encoded
};

Address resolve_address(std::string_view host, std::string_view target);

// Percent-decodes a path segment (no '+' translation: S3 keys keep '+').
std::string decode_path(std::string_view encoded);

}  // namespace nimbus::s3
