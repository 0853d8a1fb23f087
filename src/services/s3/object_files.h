#pragma once
// Object bodies and multipart parts on disk under the service's files dir: "objects/<xy>/<id>",
// "parts/<upload id>/<n>-<id>" and "tmp/". A body is written to a temp file, fsynced and renamed
// into place before its record is committed; start-up removes temp files and files no record names.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "http/streaming.h"

namespace nimbus::s3 {

// A file being written under tmp/; unlinked on destruction unless moved into place.
class TempFile {
 public:
  TempFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&&) = delete;
  ~TempFile();

  void write(std::string_view data);
  // Appends [offset, offset + length) of another file, in the kernel where possible.
  void append_from(int source_fd, uint64_t offset, uint64_t length);
  // fsync, rename to `target` (creating its folder) and fsync the folder.
  void publish(const std::filesystem::path& target);

 private:
  int fd_;
  std::filesystem::path path_;
};

class ObjectFiles {
 public:
  explicit ObjectFiles(std::filesystem::path root) : root_(std::move(root)) {}

  // Creates the folders and empties tmp/.
  void prepare();
  TempFile create_temp();

  // A fresh relative name for an object body / a part of an upload.
  std::string new_object_name() const;
  std::string new_part_name(std::string_view upload_id, int part_number) const;
  std::filesystem::path path(std::string_view relative) const { return root_ / std::string(relative); }

  // The whole file (`length` bytes) opened read-only; nullopt if it is gone.
  std::optional<http_server::FileRange> open(std::string_view relative, uint64_t length) const;
  // Hard-links (or copies) a body to a new name, for copies of whole objects.
  std::string clone(std::string_view relative, bool as_part, std::string_view upload_id = {},
                    int part_number = 0);
  void remove(std::string_view relative) const noexcept;
  void remove_upload(std::string_view upload_id) const noexcept;
  // Removes every file under objects/ and parts/ whose relative name `referenced` rejects.
  size_t remove_unreferenced(const std::function<bool(const std::string&)>& referenced) const;
  // Deletes every body and part (reset).
  void clear();

 private:
  std::filesystem::path root_;
};

}  // namespace nimbus::s3
