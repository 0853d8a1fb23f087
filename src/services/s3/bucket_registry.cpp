#include "services/s3/bucket_registry.h"

#include <mutex>

#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

constexpr std::string_view kSpace = "s3";
constexpr std::string_view kPrefix = "bucket/";

std::string record_key(std::string_view name) { return std::string(kPrefix) + std::string(name); }

}  // namespace

Json bucket_to_json(const Bucket& bucket) {
  return {{"name", bucket.name},         {"account", bucket.account_id},
          {"region", bucket.region},     {"created_ms", bucket.created_ms},
          {"versioning", bucket.versioning}, {"configs", bucket.configs}};
}

Bucket bucket_from_json(const Json& json) {
  Bucket bucket;
  bucket.name = json.at("name").get<std::string>();
  bucket.account_id = json.at("account").get<std::string>();
  bucket.region = json.at("region").get<std::string>();
  bucket.created_ms = json.at("created_ms").get<int64_t>();
  bucket.versioning = json.value("versioning", "");
  bucket.configs = json.value("configs", Json::object());
  return bucket;
}

void BucketRegistry::load() {
  std::unique_lock lock(mutex_);
  buckets_.clear();
  store_.scan(kSpace, kPrefix, [&](std::string_view, std::string_view value) {
    auto bucket = bucket_from_json(Json::parse(value));
    buckets_.emplace(bucket.name, std::move(bucket));
    return true;
  });
}

std::optional<Bucket> BucketRegistry::find(std::string_view name) const {
  std::shared_lock lock(mutex_);
  auto it = buckets_.find(name);
  if (it == buckets_.end()) return std::nullopt;
  return it->second;
}

Bucket BucketRegistry::require(std::string_view name, const RequestContext& context) const {
  auto bucket = find(name);
  if (!bucket) throw errors::no_such_bucket(std::string(name));
  // Another account's bucket: only when its policy admitted this request (access_control.h).
  if (bucket->account_id != context.account_id && !context.granted_by_policy) throw errors::access_denied();
  return *bucket;
}

std::vector<Bucket> BucketRegistry::list(std::string_view account_id) const {
  std::shared_lock lock(mutex_);
  std::vector<Bucket> owned;
  for (const auto& [name, bucket] : buckets_) {
    if (bucket.account_id == account_id) owned.push_back(bucket);
  }
  return owned;
}

awaitable<void> BucketRegistry::create(Bucket bucket) {
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::unique_lock lock(mutex_);
    if (auto it = buckets_.find(bucket.name); it != buckets_.end()) {
      if (it->second.account_id == bucket.account_id) throw errors::bucket_already_owned_by_you(bucket.name);
      throw errors::bucket_already_exists(bucket.name);
    }
    storage::WriteBatch batch;
    batch.put(kSpace, record_key(bucket.name), bucket_to_json(bucket).dump());
    pending = store_.submit(std::move(batch));
    buckets_.emplace(bucket.name, std::move(bucket));
  }
  co_await pending->wait();
}

awaitable<Bucket> BucketRegistry::update(std::string_view name,
                                         const std::function<void(Bucket&)>& change,
                                         const std::function<void(storage::WriteBatch&)>& also) {
  std::shared_ptr<storage::PendingCommit> pending;
  Bucket updated;
  {
    std::unique_lock lock(mutex_);
    auto it = buckets_.find(name);
    if (it == buckets_.end()) throw errors::no_such_bucket(std::string(name));
    updated = it->second;
    change(updated);
    storage::WriteBatch batch;
    batch.put(kSpace, record_key(name), bucket_to_json(updated).dump());
    if (also) also(batch);
    pending = store_.submit(std::move(batch));
    it->second = updated;
  }
  co_await pending->wait();
  co_return updated;
}

awaitable<void> BucketRegistry::remove(std::string_view name) {
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::unique_lock lock(mutex_);
    auto it = buckets_.find(name);
    if (it == buckets_.end()) throw errors::no_such_bucket(std::string(name));
    storage::WriteBatch batch;
    batch.remove(kSpace, record_key(name));
    pending = store_.submit(std::move(batch));
    buckets_.erase(it);
  }
  co_await pending->wait();
}

void BucketRegistry::clear() {
  std::unique_lock lock(mutex_);
  buckets_.clear();
}

}  // namespace nimbus::s3
