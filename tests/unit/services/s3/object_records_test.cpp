#include "services/s3/object_records.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace nimbus::s3 {
namespace {

ObjectRecord full_record() {
  ObjectRecord stored;
  stored.key = "photos/a.jpg";
  stored.version_id = "v1";
  stored.sequence = 1ull << 40;
  stored.file = "objects/ab/abc";
  stored.size = 5ull << 30;
  stored.etag = "\"e\"";
  stored.last_modified_ms = 1'700'000'000'123;
  stored.storage_class = "GLACIER";
  stored.owner = "owner";
  stored.headers = {{"ContentType", "image/jpeg"}, {"CacheControl", "no-cache"}};
  stored.metadata = {{"k", "v"}, {"empty", ""}};
  stored.tags = {{"b", "2"}, {"a", "1"}};
  stored.checksums = {{"CRC32", "AAAAAA=="}, {"SHA256", "x"}};
  stored.checksum_type = "FULL_OBJECT";
  stored.part_sizes = {1, 2, 5ull << 30};
  return stored;
}

void expect_listed_fields(const ObjectRecord& got, const ObjectRecord& stored) {
  EXPECT_EQ(got.key, stored.key);
  EXPECT_EQ(got.version_id, stored.version_id);
  EXPECT_EQ(got.sequence, stored.sequence);
  EXPECT_EQ(got.delete_marker, stored.delete_marker);
  EXPECT_EQ(got.file, stored.file);
  EXPECT_EQ(got.size, stored.size);
  EXPECT_EQ(got.etag, stored.etag);
  EXPECT_EQ(got.last_modified_ms, stored.last_modified_ms);
  EXPECT_EQ(got.storage_class, stored.storage_class);
  EXPECT_EQ(got.owner, stored.owner);
  EXPECT_EQ(got.checksums, stored.checksums);
  EXPECT_EQ(got.checksum_type, stored.checksum_type);
}

void expect_rest(const ObjectRecord& got, const ObjectRecord& stored) {
  EXPECT_EQ(got.headers, stored.headers);
  EXPECT_EQ(got.metadata, stored.metadata);
  EXPECT_EQ(got.tags, stored.tags);
  EXPECT_EQ(got.part_sizes, stored.part_sizes);
}

TEST(ObjectRecords, BinaryRecordRoundTripsEveryField) {
  auto stored = full_record();
  auto got = decode_object(encode_object(stored));
  expect_listed_fields(got, stored);
  expect_rest(got, stored);
}

TEST(ObjectRecords, DeleteMarkerWithoutHeadersRoundTrips) {
  ObjectRecord marker;
  marker.key = "k";
  marker.delete_marker = true;
  marker.etag.clear();
  marker.last_modified_ms = -5;
  auto got = decode_object(encode_object(marker));
  expect_listed_fields(got, marker);
  EXPECT_TRUE(got.headers.is_object() && got.headers.empty());
}

TEST(ObjectRecords, ListedDecodeKeepsWhatAListingShowsAndSkipsTheRest) {
  auto stored = full_record();
  auto listed = decode_listed_object(encode_object(stored));
  expect_listed_fields(listed, stored);
  EXPECT_TRUE(listed.metadata.empty());
  EXPECT_TRUE(listed.tags.empty());
  EXPECT_TRUE(listed.part_sizes.empty());
}

TEST(ObjectRecords, JsonRecordsOfEarlierReleasesStillDecode) {
  auto stored = full_record();
  auto json = to_json(stored).dump();
  auto got = decode_object(json);
  expect_listed_fields(got, stored);
  expect_rest(got, stored);
  expect_listed_fields(decode_listed_object(json), stored);
}

TEST(ObjectRecords, TruncatedOrUnknownRecordsThrow) {
  auto encoded = encode_object(full_record());
  EXPECT_THROW(decode_object(encoded.substr(0, encoded.size() / 2)), std::runtime_error);
  EXPECT_THROW(decode_listed_object(std::string_view(encoded).substr(0, 5)), std::runtime_error);
  EXPECT_THROW(decode_object("\x07garbage"), std::runtime_error);
  EXPECT_THROW(decode_object("{\"k\":"), std::exception);
}

}  // namespace
}  // namespace nimbus::s3
