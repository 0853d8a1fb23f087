#pragma once
// Lifecycle rules ({"Rules": [...]} as PutBucketLifecycleConfiguration decodes them): validation
// and when an Expiration action makes a current object due. No I/O.

#include <cstdint>
#include <optional>

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

// Whether any enabled rule expires `object` at `now_ms`.
bool lifecycle_expires(const Json& configuration, const ObjectSummary& object, int64_t now_ms);

}  // namespace nimbus::s3
