#pragma once
// Builds zip archives in memory for the Lambda code-package tests (libzip, as the service reads them).

#include <sys/stat.h>
#include <zip.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace nimbus::lambda::testing {

struct ZipEntry {
  std::string name;     // "dir/" for a directory
  std::string content;  // a symlink's target for S_IFLNK
  mode_t mode = S_IFREG | 0644;
};

inline std::string build_zip(const std::vector<ZipEntry>& entries) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* out = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (!out) throw std::runtime_error("zip_source_buffer_create");
  zip_source_keep(out);
  zip_t* archive = zip_open_from_source(out, ZIP_TRUNCATE, &error);
  if (!archive) throw std::runtime_error("zip_open_from_source");
  for (const auto& entry : entries) {
    zip_int64_t index;
    if (!entry.name.empty() && entry.name.back() == '/') {
      index = zip_dir_add(archive, entry.name.substr(0, entry.name.size() - 1).c_str(), ZIP_FL_ENC_UTF_8);
    } else {
      zip_source_t* data = zip_source_buffer(archive, entry.content.data(), entry.content.size(), 0);
      index = zip_file_add(archive, entry.name.c_str(), data, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    }
    if (index < 0) throw std::runtime_error(std::string("zip add: ") + zip_strerror(archive));
    zip_file_set_external_attributes(archive, static_cast<zip_uint64_t>(index), 0, ZIP_OPSYS_UNIX,
                                     static_cast<zip_uint32_t>(entry.mode) << 16);
  }
  if (zip_close(archive) != 0) throw std::runtime_error("zip_close");
  zip_stat_t stat;
  zip_stat_init(&stat);
  zip_source_stat(out, &stat);
  std::string bytes(static_cast<size_t>(stat.size), '\0');
  zip_source_open(out);
  zip_source_read(out, bytes.data(), stat.size);
  zip_source_close(out);
  zip_source_free(out);
  return bytes;
}

}  // namespace nimbus::lambda::testing
