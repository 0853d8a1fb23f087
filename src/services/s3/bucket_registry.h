#pragma once
// All buckets (one global namespace, as on AWS), kept in memory and written through to the
// store's "s3" space under "bucket/{name}".

#include <functional>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "services/s3/s3_types.h"
#include "storage/store.h"

namespace nimbus::s3 {

class BucketRegistry {
 public:
  explicit BucketRegistry(storage::Store& store) : store_(store) {}

  // Rebuilds memory from the store (service start).
  void load();

  std::optional<Bucket> find(std::string_view name) const;
  // The bucket if it exists and the caller's account owns it (or its policy granted this request):
  // NoSuchBucket / AccessDenied otherwise.
  Bucket require(std::string_view name, const RequestContext& context) const;
  // The account's buckets in name order.
  std::vector<Bucket> list(std::string_view account_id) const;

  // Adds a new bucket; throws BucketAlreadyOwnedByYou / BucketAlreadyExists if the name is taken.
  awaitable<void> create(Bucket bucket);
  // Applies `change` under the registry lock and persists the result; NoSuchBucket if absent.
  awaitable<Bucket> update(std::string_view name, const std::function<void(Bucket&)>& change,
                           const std::function<void(storage::WriteBatch&)>& also = {});
  awaitable<void> remove(std::string_view name);
  // Forgets every bucket (reset); the caller wipes the space.
  void clear();

 private:
  storage::Store& store_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, Bucket, std::less<>> buckets_;
};

Json bucket_to_json(const Bucket& bucket);
Bucket bucket_from_json(const Json& json);

}  // namespace nimbus::s3
