#pragma once
// Object bodies and multipart parts on disk under the service's files dir: "objects/<xy>/<id>" and
// "parts/<upload id>/<n>-<id>". A body is written under a fresh name no record holds yet, and made
// durable (file data and folder entry) before the record naming it is committed; start-up removes
// every file no record names (bodies a crash interrupted).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/raw_http.h"
#include "services/s3/blocking_pool.h"

namespace nimbus::s3 {

// A body being written under its final name; unlinked on destruction unless ObjectFiles::publish
// completed.
class PendingFile {
 public:
  PendingFile(int fd, std::filesystem::path path, std::string name)
      : fd_(fd), path_(std::move(path)), name_(std::move(name)) {}
  PendingFile(PendingFile&& other) noexcept;
  PendingFile& operator=(PendingFile&&) = delete;
  ~PendingFile();

  // The name relative to the files dir (what a record stores).
  const std::string& name() const { return name_; }

  void write(std::string_view data);
  // Appends [offset, offset + length) of another file, in the kernel where possible.
  void append_from(int source_fd, uint64_t offset, uint64_t length);

 private:
  friend class ObjectFiles;
  static constexpr uint64_t kWritebackBytes = 256 * 1024;

  int fd_;
  std::filesystem::path path_;  // cleared once published
  std::string name_;
  uint64_t written_ = 0;
  uint64_t writeback_from_ = 0;
};

class ObjectFiles {
 public:
  explicit ObjectFiles(std::filesystem::path root) : root_(std::move(root)), disk_pool_(kDiskThreads) {}

  // Creates the folders (and removes the tmp/ of earlier versions).
  void prepare();
  // Creates the file `relative` (a new_*_name), and its folder.
  PendingFile create(const std::string& relative);
  // Syncs the file's data and its folder's entry together on the blocking pool: once this
  // returns, the body is durable under its name and a record may name it.
  boost::asio::awaitable<void> publish(PendingFile& file);

  // A fresh relative name for an object body / a part of an upload.
  std::string new_object_name() const;
  std::string new_part_name(std::string_view upload_id, int part_number) const;
  std::filesystem::path path(std::string_view relative) const { return root_ / std::string(relative); }

  // The whole file (`length` bytes) opened read-only; nullopt if it is gone.
  std::optional<BodyRange> open(std::string_view relative, uint64_t length) const;
  // Hands the range's bytes (a file's or in-memory ones) to `consume` block by block; false if
  // the file ends early.
  static bool read_range(const BodyRange& range, const std::function<void(std::string_view)>& consume);
  // Appends each (relative name, length) file to `into`, on the blocking pool (a multipart
  // Complete copies gigabytes); false if one is missing.
  boost::asio::awaitable<bool> concatenate(PendingFile& into, std::vector<std::pair<std::string, uint64_t>> sources);
  // Hard-links (or copies) a body to a new name, durably, for copies of whole objects.
  boost::asio::awaitable<std::string> clone(std::string relative);
  void remove(std::string_view relative) const noexcept;
  void remove_upload(std::string_view upload_id) const noexcept;
  // Removes every file under objects/ and parts/ whose relative name `referenced` rejects.
  size_t remove_unreferenced(const std::function<bool(const std::string&)>& referenced) const;
  // Deletes every body and part (reset).
  void clear();

 private:
  // File-system work that may block for long (syncs, multipart concatenation) runs here; enough
  // threads for the two syncs (file, folder) of each of 8 concurrent writes.
  static constexpr size_t kDiskThreads = 16;
  static constexpr uint64_t kReadBlockBytes = 256 * 1024;

  std::filesystem::path root_;
  BlockingPool disk_pool_;
};

}  // namespace nimbus::s3
