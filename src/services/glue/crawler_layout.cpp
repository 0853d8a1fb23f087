#include "services/glue/crawler_layout.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <stdexcept>

namespace nimbus::glue::crawler {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// {a,b} alternatives expanded (nested braces expand from the first).
std::vector<std::string> expand_braces(std::string_view pattern) {
  size_t open = std::string_view::npos;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
    } else if (pattern[i] == '{') {
      open = i;
      break;
    }
  }
  if (open == std::string_view::npos) return {std::string(pattern)};
  int depth = 0;
  size_t close = std::string_view::npos;
  std::vector<size_t> commas;
  for (size_t i = open; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      ++i;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      if (--depth == 0) {
        close = i;
        break;
      }
    } else if (c == ',' && depth == 1) {
      commas.push_back(i);
    }
  }
  if (close == std::string_view::npos) return {std::string(pattern)};
  std::vector<std::string> out;
  size_t start = open + 1;
  commas.push_back(close);
  for (size_t comma : commas) {
    std::string alternative = std::string(pattern.substr(0, open)) + std::string(pattern.substr(start, comma - start)) +
                              std::string(pattern.substr(close + 1));
    for (auto& expanded : expand_braces(alternative)) out.push_back(std::move(expanded));
    start = comma + 1;
  }
  return out;
}

bool match_at(std::string_view p, size_t pi, std::string_view t, size_t ti, int budget) {
  if (budget <= 0) return false;
  while (pi < p.size()) {
    char c = p[pi];
    if (c == '*') {
      bool across = pi + 1 < p.size() && p[pi + 1] == '*';
      size_t next = pi + (across ? 2 : 1);
      if (across && next < p.size() && p[next] == '/') {
        // "**/" also matches no folder at all.
        if (match_at(p, next + 1, t, ti, budget - 1)) return true;
      }
      for (size_t end = ti;; ++end) {
        if (match_at(p, next, t, end, budget - 1)) return true;
        if (end >= t.size() || (!across && t[end] == '/')) return false;
      }
    }
    if (ti >= t.size()) return false;
    if (c == '?') {
      if (t[ti] == '/') return false;
    } else if (c == '[') {
      size_t close = p.find(']', pi + 2);
      if (close == std::string_view::npos) {
        if (t[ti] != '[') return false;
      } else {
        bool negate = p[pi + 1] == '!' || p[pi + 1] == '^';
        bool found = false;
        for (size_t i = pi + 1 + (negate ? 1 : 0); i < close; ++i) {
          if (i + 2 < close && p[i + 1] == '-') {
            found |= t[ti] >= p[i] && t[ti] <= p[i + 2];
            i += 2;
          } else {
            found |= t[ti] == p[i];
          }
        }
        if (found == negate) return false;
        pi = close;
      }
    } else if (c == '\\' && pi + 1 < p.size()) {
      if (t[ti] != p[++pi]) return false;
    } else if (c != t[ti]) {
      return false;
    }
    ++pi;
    ++ti;
  }
  return ti == t.size();
}

struct Folder {
  std::map<std::string, Folder> children;
  std::vector<ObjectInfo> files;
};

void collect_files(const Folder& folder, std::vector<ObjectInfo>& out) {
  out.insert(out.end(), folder.files.begin(), folder.files.end());
  for (const auto& [name, child] : folder.children) collect_files(child, out);
}

void collect_leaves(const Folder& folder, const std::string& path, std::vector<std::string>& out) {
  if (!folder.files.empty()) out.push_back(path);
  for (const auto& [name, child] : folder.children) collect_leaves(child, path + name + "/", out);
}

bool hive_folder(std::string_view name) {
  auto eq = name.find('=');
  return eq != std::string_view::npos && eq > 0;
}

// Table roots below `folder` (at key prefix `path`).
void choose_roots(const Folder& folder, const std::string& path, const std::map<std::string, Signature>& signatures,
                  std::vector<std::pair<std::string, const Folder*>>& out) {
  bool root = !folder.files.empty() || folder.children.empty();
  if (!root) {
    root = std::all_of(folder.children.begin(), folder.children.end(),
                       [](const auto& child) { return hive_folder(child.first); });
  }
  if (!root) {
    std::vector<std::string> leaves;
    collect_leaves(folder, path, leaves);
    const Signature* first = nullptr;
    root = true;
    for (const auto& leaf : leaves) {
      auto found = signatures.find(leaf);
      if (found == signatures.end()) continue;
      if (!first) {
        first = &found->second;
      } else if (!similar(*first, found->second)) {
        root = false;
        break;
      }
    }
  }
  if (root) {
    out.emplace_back(path, &folder);
    return;
  }
  for (const auto& [name, child] : folder.children) choose_roots(child, path + name + "/", signatures, out);
}

std::vector<std::string> segments(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    out.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

}  // namespace

S3Path parse_s3_path(std::string_view path) {
  std::string_view rest;
  if (path.starts_with("s3://")) {
    rest = path.substr(5);
  } else if (path.starts_with("s3a://")) {
    rest = path.substr(6);
  } else {
    throw std::invalid_argument("not an s3 path");
  }
  auto slash = rest.find('/');
  S3Path out{std::string(rest.substr(0, slash)), ""};
  if (out.bucket.empty()) throw std::invalid_argument("no bucket");
  if (slash != std::string_view::npos) out.prefix = std::string(rest.substr(slash + 1));
  if (!out.prefix.empty() && !out.prefix.ends_with("/")) out.prefix += "/";
  return out;
}

bool glob_matches(std::string_view pattern, std::string_view text) {
  for (const auto& alternative : expand_braces(pattern)) {
    if (match_at(alternative, 0, text, 0, 100000)) return true;
  }
  return false;
}

bool skipped(std::string_view relative, const std::vector<std::string>& exclusions) {
  if (relative.empty() || relative.ends_with("/")) return true;
  for (const auto& segment : segments(relative)) {
    if (segment.starts_with("_") || segment.starts_with(".")) return true;
  }
  return std::any_of(exclusions.begin(), exclusions.end(),
                     [&](const std::string& pattern) { return glob_matches(pattern, relative); });
}

bool similar(const Signature& a, const Signature& b) {
  if (a.format != b.format) return false;
  size_t larger = std::max(a.columns.size(), b.columns.size());
  if (larger == 0) return true;
  size_t common = 0;
  for (const auto& column : a.columns) common += b.columns.count(column);
  return common * 10 >= larger * 7;
}

std::map<std::string, std::vector<ObjectInfo>> leaf_folders(const std::vector<ObjectInfo>& objects) {
  std::map<std::string, std::vector<ObjectInfo>> out;
  for (const auto& object : objects) {
    auto slash = object.key.rfind('/');
    out[slash == std::string::npos ? "" : object.key.substr(0, slash + 1)].push_back(object);
  }
  return out;
}

std::string table_name(std::string_view folder_name, std::string_view table_prefix) {
  std::string name = lower(std::string(table_prefix) + std::string(folder_name));
  for (auto& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  }
  return name;
}

void plan_partitions(TablePlan& table, const std::vector<ObjectInfo>& files) {
  // Files by their folder below the root; the most common depth wins.
  std::map<size_t, size_t> depths;
  std::map<std::string, std::vector<ObjectInfo>> folders;
  for (const auto& file : files) {
    std::string relative = file.key.substr(table.folder.size());
    auto slash = relative.rfind('/');
    std::string folder = slash == std::string::npos ? "" : relative.substr(0, slash);
    ++depths[folder.empty() ? 0 : segments(folder).size()];
    folders[folder].push_back(file);
  }
  size_t depth = 0, most = 0;
  for (const auto& [d, count] : depths) {
    if (count > most) {
      most = count;
      depth = d;
    }
  }
  table.keys.clear();
  table.partitions.clear();
  if (depth == 0) {
    table.partitions.push_back({{}, table.folder, folders[""]});
    return;
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> chosen;
  for (const auto& [folder, _] : folders) {
    auto parts = segments(folder);
    if (parts.size() == depth) chosen.emplace_back(folder, parts);
  }
  std::vector<bool> hive(depth, true);
  for (size_t level = 0; level < depth; ++level) {
    std::string key;
    for (const auto& [folder, parts] : chosen) {
      const auto& part = parts[level];
      auto eq = part.find('=');
      std::string name = eq == std::string::npos || eq == 0 ? "" : lower(part.substr(0, eq));
      if (name.empty() || (!key.empty() && key != name)) {
        hive[level] = false;
        break;
      }
      key = name;
    }
    hive[level] = hive[level] && !key.empty();
    table.keys.push_back(hive[level] ? key : "partition_" + std::to_string(level));
  }
  for (const auto& [folder, parts] : chosen) {
    PartitionPlan partition;
    partition.folder = table.folder + folder + "/";
    for (size_t level = 0; level < depth; ++level) {
      const auto& part = parts[level];
      partition.values.push_back(hive[level] ? part.substr(part.find('=') + 1) : part);
    }
    partition.files = folders[folder];
    table.partitions.push_back(std::move(partition));
  }
}

std::vector<TablePlan> plan_tables(const std::string& bucket, const std::string& target_prefix,
                                   const std::vector<ObjectInfo>& objects,
                                   const std::map<std::string, Signature>& signatures,
                                   const std::string& table_prefix) {
  Folder top;
  for (const auto& object : objects) {
    if (!object.key.starts_with(target_prefix)) continue;
    auto parts = segments(std::string_view(object.key).substr(target_prefix.size()));
    Folder* folder = &top;
    for (size_t i = 0; i + 1 < parts.size(); ++i) folder = &folder->children[parts[i]];
    folder->files.push_back(object);
  }
  std::vector<TablePlan> tables;
  if (top.files.empty() && top.children.empty()) return tables;
  std::vector<std::pair<std::string, const Folder*>> roots;
  choose_roots(top, target_prefix, signatures, roots);
  for (const auto& [path, folder] : roots) {
    TablePlan table;
    table.folder = path;
    auto parts = segments(path);
    table.name = table_name(parts.empty() ? bucket : parts.back(), table_prefix);
    std::vector<ObjectInfo> files;
    collect_files(*folder, files);
    plan_partitions(table, files);
    tables.push_back(std::move(table));
  }
  return tables;
}

}  // namespace nimbus::glue::crawler
