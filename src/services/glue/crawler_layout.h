#pragma once
// How a crawler groups the objects under an S3 target into tables and partitions, a pure library:
// exclusion globs, hidden files, which folders are table roots (a folder holding files, a folder
// whose subfolders are all Hive `key=value` folders, or a folder whose data files all share one
// format and similar columns; otherwise each subfolder is looked at in turn), the partitions of a
// table from its folders (`year=2024/month=1/` -> keys year, month; unnamed folders ->
// partition_0, partition_1, ...) and the table's name from its folder.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "services/glue/crawler_schema.h"

namespace nimbus::glue::crawler {

struct ObjectInfo {
  std::string key;
  int64_t size = 0;
};

// "s3://bucket/a/b" -> bucket "bucket", prefix "a/b/" (empty for the whole bucket).
struct S3Path {
  std::string bucket;
  std::string prefix;
};
// Throws std::invalid_argument when `path` is not an s3:// path with a bucket.
S3Path parse_s3_path(std::string_view path);

// Glue's exclusion globs, matched against the key relative to the target path: `*` any run within
// one folder name, `**` any run across folders, `?` one character, `[a-z]` / `[!a]` a class,
// `{a,b}` alternatives, `\` escapes the next character.
bool glob_matches(std::string_view pattern, std::string_view text);

// Objects Glue leaves out: folder markers, hidden files and folders (`_` or `.` first, such as
// _SUCCESS), and those an exclusion matches. `relative` is the key below the target prefix.
bool skipped(std::string_view relative, const std::vector<std::string>& exclusions);

// What a folder's data looks like, to tell one table's partitions from separate tables.
struct Signature {
  DataFormat format = DataFormat::Csv;
  std::set<std::string> columns;
};
// Same format and at least 70% of the larger column set in common.
bool similar(const Signature& a, const Signature& b);

// The folders (key prefixes ending in '/', "" for the bucket's top) that hold data files directly.
std::map<std::string, std::vector<ObjectInfo>> leaf_folders(const std::vector<ObjectInfo>& objects);

struct PartitionPlan {
  std::vector<std::string> values;  // empty for an unpartitioned table
  std::string folder;               // key prefix ending in '/'
  std::vector<ObjectInfo> files;
};

struct TablePlan {
  std::string folder;  // the table's key prefix ending in '/', "" for the bucket's top
  std::string name;    // Glue's table name (prefix applied, lowercased)
  std::vector<std::string> keys;  // partition key names
  std::vector<PartitionPlan> partitions;  // one with no values when unpartitioned
};

// The tables under `target_prefix` (of `bucket`) from the objects kept there, given the
// signature of each leaf folder (a leaf without one counts as similar to every other).
std::vector<TablePlan> plan_tables(const std::string& bucket, const std::string& target_prefix,
                                   const std::vector<ObjectInfo>& objects,
                                   const std::map<std::string, Signature>& signatures,
                                   const std::string& table_prefix);

// A folder name as a Glue table name: lowercased, characters other than letters, digits and '_'
// become '_'; `table_prefix` goes first.
std::string table_name(std::string_view folder_name, std::string_view table_prefix);

// A table's partitions from its files' folders below `root` (files at the most common depth; the
// others are left out). Keys are the Hive names when every folder at that level is `name=value`.
void plan_partitions(TablePlan& table, const std::vector<ObjectInfo>& files);

}  // namespace nimbus::glue::crawler
