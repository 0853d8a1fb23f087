#pragma once
// Lifecycle rules ({"Rules": [...]} as PutBucketLifecycleConfiguration decodes them): validation
// and when an Expiration action makes a current object due. No I/O.

#include <cstdint>
#include <optional>
#include <string>

#include "services/s3/s3_types.h"

namespace nimbus::s3 {

// Checks a configuration as S3 does (MalformedXML, InvalidArgument, InvalidRequest) and gives
// unnamed rules a generated ID.
void validate_lifecycle(Json& configuration);

// Whether an enabled rule's filter selects `object` (prefix, every Tag/And.Tags on the object's
// tags, object size bounds).
bool lifecycle_rule_selects(const Json& rule, const ObjectSummary& object);

// When the rule's Expiration makes an object last modified at `last_modified_ms` due: Days are
// counted from the modification time and rounded up to the next midnight UTC; a Date is due at
// that instant. nullopt when the rule has no Days/Date expiration.
std::optional<int64_t> expiration_due_ms(const Json& rule, int64_t last_modified_ms);

// The x-amz-expiration value S3 sends with `object` (PUT, COPY, Complete, GET, HEAD): the earliest
// Days/Date expiration among the enabled rules selecting it, as
// `expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="rule"` (rule id URL-encoded); nullopt
// when no rule applies.
std::optional<std::string> expiration_header(const Json& configuration, const ObjectSummary& object);
// Sets the output's Expiration member (x-amz-expiration) when `bucket`'s lifecycle expires `object`.
void describe_expiration(const Bucket& bucket, const ObjectSummary& object, Json& output);

// Whether any enabled rule expires `object` at `now_ms`.
bool lifecycle_expires(const Json& configuration, const ObjectSummary& object, int64_t now_ms);

}  // namespace nimbus::s3
