#pragma once
// One page of keys under a prefix, rolled up by a delimiter, after an exclusive marker: the core
// of ListObjects / ListObjectsV2 over the current-version records, in UTF-8 binary key order.

#include <cstddef>
#include <string>
#include <vector>

#include "services/s3/object_records.h"

namespace nimbus::s3 {

struct KeyPage {
  std::vector<ObjectRecord> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string last;  // the last key or common prefix on the page
};

// Keys (not delete markers) > `after`; a common prefix at or before `after` is skipped whole.
KeyPage list_keys(storage::Store& store, const std::string& bucket, const std::string& prefix,
                  const std::string& delimiter, const std::string& after, size_t max_keys);

// The common prefix `key` rolls up into under `prefix` + `delimiter`, or "".
std::string common_prefix_of(const std::string& key, const std::string& prefix, const std::string& delimiter);

}  // namespace nimbus::s3
