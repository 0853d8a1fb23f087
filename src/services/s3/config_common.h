#pragma once
// Helpers every configuration handler shares: reading and writing one configuration kind of a
// bucket in Bucket::configs, and the small value formats S3 configurations use.

#include <optional>
#include <string>
#include <string_view>

#include "services/s3/s3_environment.h"
#include "services/s3/s3_types.h"

namespace nimbus::s3 {

// The stored configuration `kind` of the caller's bucket; nullopt when unset. Throws
// NoSuchBucket / AccessDenied like BucketRegistry::require.
std::optional<Json> stored_config(S3Environment& environment, const S3Call& call, std::string_view kind);
// Stores (or, with a null value, removes) configuration `kind` of the caller's bucket, durably;
// `also` adds to the same batch (deliveries the change makes).
awaitable<Bucket> store_config(S3Environment& environment, const S3Call& call, std::string kind,
                               Json value, const std::function<void(storage::WriteBatch&)>& also = {});

// The canonical user id S3 shows for an account (64 hex digits, stable per account).
std::string canonical_user_id(std::string_view account_id);
// "2023-01-02T03:04:05.678Z": always with milliseconds, as S3 event records write eventTime.
std::string iso8601_millis(int64_t epoch_ms);
// An id for a rule or configuration the client left unnamed (S3 generates one).
std::string generated_config_id();
// ASCII lower-case copy.
std::string lower(std::string_view text);

}  // namespace nimbus::s3
