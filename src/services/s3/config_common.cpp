#include "services/s3/config_common.h"

#include <cstdio>
#include <ctime>
#include <functional>

#include "core/crypto.h"

namespace nimbus::s3 {

std::optional<Json> stored_config(S3Environment& environment, const S3Call& call, std::string_view kind) {
  auto bucket = environment.buckets.require(call.bucket, call.context);
  auto it = bucket.configs.find(std::string(kind));
  if (it == bucket.configs.end() || it->is_null()) return std::nullopt;
  return *it;
}

awaitable<Bucket> store_config(S3Environment& environment, const S3Call& call, std::string kind,
                               Json value, const std::function<void(storage::WriteBatch&)>& also) {
  environment.buckets.require(call.bucket, call.context);
  // A named std::function: a lambda converted in the co_await's argument list would be a
  // temporary, which GCC 12 mishandles across the suspension.
  std::function<void(Bucket&)> change = [&](Bucket& bucket) {
    if (value.is_null()) {
      bucket.configs.erase(kind);
    } else {
      bucket.configs[kind] = value;
    }
  };
  auto stored = co_await environment.buckets.update(call.bucket, change, also);
  co_return stored;
}

std::string canonical_user_id(std::string_view account_id) {
  return crypto::sha256_hex("nimbus-canonical-user:" + std::string(account_id));
}

std::string iso8601_millis(int64_t epoch_ms) {
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(epoch_ms % 1000));
  return text;
}

std::string generated_config_id() {
  auto id = crypto::base64_encode(crypto::random_bytes(36));
  for (auto& c : id) {
    if (c == '+' || c == '/') c = 'A';
  }
  return id;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace nimbus::s3
