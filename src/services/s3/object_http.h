#pragma once
// HTTP semantics of object reads and writes, free of storage: conditional headers with AWS's
// precedence, byte ranges, tagging headers, and record <-> model member mapping.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "services/s3/object_records.h"

namespace nimbus::s3 {

enum class ConditionOutcome { Proceed, NotModified, PreconditionFailed };

struct Conditions {
  std::optional<std::string> if_match;
  std::optional<std::string> if_none_match;
  std::optional<int64_t> if_modified_since;    // epoch seconds
  std::optional<int64_t> if_unmodified_since;  // epoch seconds
};

// RFC 7232 order as S3 applies it: If-Match (else If-Unmodified-Since) may fail the request with
// 412; then If-None-Match (else If-Modified-Since) may answer 304.
ConditionOutcome evaluate_conditions(const Conditions& conditions, std::string_view etag, int64_t last_modified_s);
// Conditions from members named `prefix` + "IfMatch"... ("" for GetObject, "CopySource" for copies).
Conditions conditions_from(const Json& input, std::string_view prefix);
// Whether an If-Match / If-None-Match list names `etag` ("*" names any).
bool etag_matches(std::string_view list, std::string_view etag);

struct ByteRange {
  uint64_t start = 0;
  uint64_t length = 0;
};
// A single "bytes=a-b" / "bytes=a-" / "bytes=-n" range over `size` bytes; nullopt when the header
// is absent or not a single byte range (S3 then sends the whole object). InvalidRange when
// unsatisfiable.
std::optional<ByteRange> parse_range(std::string_view header, uint64_t size);

// "k1=v1&k2=v2" (URL-encoded) -> tags; InvalidTag / InvalidArgument on bad tags.
std::vector<std::pair<std::string, std::string>> parse_tagging_header(std::string_view header);
// Checks AWS's tag limits (10 tags, unique keys, key <= 128, value <= 256 characters).
void validate_tags(const std::vector<std::pair<std::string, std::string>>& tags);
// The model's TagSet list <-> tags.
std::vector<std::pair<std::string, std::string>> tags_from_tagset(const Json& tag_set);
Json tagset_json(const std::vector<std::pair<std::string, std::string>>& tags);

// A record's content headers, metadata, storage class and tags from PutObject-like input.
ObjectRecord record_from_input(const Json& input);
// Copies the content headers (ContentType...) from input members onto a record.
void apply_content_headers(ObjectRecord& record, const Json& input);
// Output members describing a stored version (ETag, LastModified, content headers, Metadata...).
void describe_object(const ObjectRecord& record, Json& output);
// Checksum output members (+ extra headers for algorithms the model lacks).
void describe_checksums(const std::map<std::string, std::string>& checksums, Json& output,
                        std::vector<std::pair<std::string, std::string>>& extra_headers);

// KeyTooLongError (400) for keys over S3's 1024 UTF-8 bytes (PUT, copy, multipart create).
void check_key_length(const std::string& key);

// x-amz-copy-source: "[/]bucket/key[?versionId=v]", percent-encoded.
struct CopySource {
  std::string bucket;
  std::string key;
  std::string version_id;
};
CopySource parse_copy_source(std::string_view header);

std::string quoted_etag(std::string_view md5_raw);
// "md5(concatenated raw part MD5s)-N" from the parts' quoted ETags; nullopt if one is not an MD5.
std::optional<std::string> multipart_etag(const std::vector<std::string>& part_etags);
std::string new_version_id();
// "null" or an id of new_version_id's shape (32 characters of [A-Za-z0-9._]), as S3's own ids.
bool well_formed_version_id(std::string_view version_id);
std::string percent_decode(std::string_view text, bool plus_as_space);
// S3's encoding-type=url form of a key (RFC 3986 unreserved kept, '/' kept).
std::string url_encode_key(std::string_view key);

}  // namespace nimbus::s3
