#include "services/s3/object_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <system_error>
#include <vector>

#include "core/crypto.h"
#include "services/s3/object_records.h"

namespace nimbus::s3 {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Makes the folder's entries (a new name in it) durable.
void sync_folder(const fs::path& folder) {
  int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("open " + folder.string());
  int synced = ::fsync(fd);
  ::close(fd);
  if (synced != 0) fail("fsync " + folder.string());
}

// Creates a body's folder (objects/ab, parts/<upload>) when missing and makes its entry in the
// parent durable, so publishing a file later only needs to sync the file and its own folder.
// Rare (once per folder), so it blocks the caller.
void ensure_folder(const fs::path& folder) {
  if (fs::create_directories(folder)) sync_folder(folder.parent_path());
}

std::string random_name() { return crypto::hex(crypto::random_bytes(16)); }

}  // namespace

PendingFile::PendingFile(PendingFile&& other) noexcept
    : fd_(other.fd_),
      path_(std::move(other.path_)),
      name_(std::move(other.name_)),
      written_(other.written_),
      writeback_from_(other.writeback_from_) {
  other.fd_ = -1;
  other.path_.clear();
}

PendingFile::~PendingFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!path_.empty()) ::unlink(path_.c_str());
}

void PendingFile::write(std::string_view data) {
  while (!data.empty()) {
    auto n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write " + path_.string());
    }
    data.remove_prefix(static_cast<size_t>(n));
    written_ += static_cast<uint64_t>(n);
  }
  // Start writing back what is complete while the rest arrives, so the final sync finds little
  // left to write (and a large body never piles up as dirty pages).
  if (written_ - writeback_from_ >= kWritebackBytes) {
    ::sync_file_range(fd_, static_cast<off_t>(writeback_from_), static_cast<off_t>(written_ - writeback_from_),
                      SYNC_FILE_RANGE_WRITE);
    writeback_from_ = written_;
  }
}

void PendingFile::append_from(int source_fd, uint64_t offset, uint64_t length) {
  auto in_offset = static_cast<off_t>(offset);
  while (length > 0) {
    auto n = ::copy_file_range(source_fd, &in_offset, fd_, nullptr, length, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // Fall back to read/write (file systems without copy_file_range, or a short source).
      char block[256 * 1024];
      auto got = ::pread(source_fd, block, std::min<uint64_t>(length, sizeof block), in_offset);
      if (got <= 0) fail("copy into " + path_.string());
      write(std::string_view(block, static_cast<size_t>(got)));
      n = got;
      in_offset += got;
    }
    length -= static_cast<uint64_t>(n);
  }
}

// The name may be durable before the data (the two syncs run together): harmless, since no record
// names the file until both are, and start-up removes files no record names.
boost::asio::awaitable<void> ObjectFiles::publish(PendingFile& file) {
  int fd = file.fd_;
  // fdatasync: the size and block map of a new file are flushed with its data; times need not be.
  std::vector<std::function<void()>> syncs{
      [fd, target = file.path_] {
        if (::fdatasync(fd) != 0) fail("fdatasync " + target.string());
      },
      [folder = file.path_.parent_path()] { sync_folder(folder); }};
  co_await disk_pool_.run(std::move(syncs));
  ::close(file.fd_);
  file.fd_ = -1;
  file.path_.clear();
}

void ObjectFiles::prepare() {
  ensure_folder(root_ / "objects");
  ensure_folder(root_ / "parts");
  fs::remove_all(root_ / "tmp");  // earlier versions staged bodies there
}

PendingFile ObjectFiles::create(const std::string& relative) {
  auto target = path(relative);
  ensure_folder(target.parent_path());
  int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) fail("create " + target.string());
  return PendingFile(fd, std::move(target), relative);
}

std::string ObjectFiles::new_object_name() const {
  auto id = random_name();
  return "objects/" + id.substr(0, 2) + "/" + id;
}

std::string ObjectFiles::new_part_name(std::string_view upload_id, int part_number) const {
  return "parts/" + std::string(upload_id) + "/" + std::to_string(part_number) + "-" + random_name();
}

std::optional<BodyRange> ObjectFiles::open(std::string_view relative, uint64_t length) const {
  int fd = ::open(path(relative).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  return BodyRange{std::make_shared<OpenFile>(fd), 0, length};
}

bool ObjectFiles::read_range(const BodyRange& range, const std::function<void(std::string_view)>& consume) {
  if (range.bytes) {
    consume(std::string_view(*range.bytes).substr(static_cast<size_t>(range.offset), static_cast<size_t>(range.length)));
    return true;
  }
  std::vector<char> block(static_cast<size_t>(std::clamp<uint64_t>(range.length, 1, kReadBlockBytes)));
  uint64_t offset = range.offset;
  uint64_t left = range.length;
  while (left > 0) {
    auto n = ::pread(range.file->fd(), block.data(), std::min<uint64_t>(left, block.size()), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    consume(std::string_view(block.data(), static_cast<size_t>(n)));
    offset += static_cast<uint64_t>(n);
    left -= static_cast<uint64_t>(n);
  }
  return true;
}

boost::asio::awaitable<bool> ObjectFiles::concatenate(PendingFile& into,
                                                      std::vector<std::pair<std::string, uint64_t>> sources) {
  bool complete = true;
  std::vector<std::function<void()>> copy{[&] {
    for (const auto& [relative, length] : sources) {
      int fd = ::open(path(relative).c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        complete = false;
        return;
      }
      try {
        into.append_from(fd, 0, length);
      } catch (...) {
        ::close(fd);
        throw;
      }
      ::close(fd);
    }
  }};
  co_await disk_pool_.run(std::move(copy));
  co_return complete;
}

boost::asio::awaitable<std::string> ObjectFiles::clone(std::string relative) {
  auto name = new_object_name();
  auto target = path(name);
  ensure_folder(target.parent_path());
  if (::link(path(relative).c_str(), target.c_str()) == 0) {
    std::vector<std::function<void()>> sync{[folder = target.parent_path()] { sync_folder(folder); }};
    try {
      co_await disk_pool_.run(std::move(sync));
    } catch (...) {
      ::unlink(target.c_str());
      throw;
    }
    co_return name;
  }
  int source = ::open(path(relative).c_str(), O_RDONLY | O_CLOEXEC);
  if (source < 0) fail("open " + relative);
  struct stat info {};
  ::fstat(source, &info);
  auto copy = create(name);
  try {
    copy.append_from(source, 0, static_cast<uint64_t>(info.st_size));
  } catch (...) {
    ::close(source);
    throw;
  }
  ::close(source);
  co_await publish(copy);
  co_return name;
}

void ObjectFiles::remove(std::string_view relative) const noexcept {
  // Inline bodies are not files: they go with their records' batches.
  if (!relative.empty() && !is_inline_body(relative)) ::unlink(path(relative).c_str());
}

void ObjectFiles::remove_upload(std::string_view upload_id) const noexcept {
  std::error_code ignored;
  fs::remove_all(root_ / "parts" / std::string(upload_id), ignored);
}

size_t ObjectFiles::remove_unreferenced(const std::function<bool(const std::string&)>& referenced) const {
  size_t removed = 0;
  for (const char* folder : {"objects", "parts"}) {
    std::error_code error;
    for (auto it = fs::recursive_directory_iterator(root_ / folder, error);
         !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
      if (!it->is_regular_file()) continue;
      auto relative = fs::relative(it->path(), root_).generic_string();
      if (!referenced(relative)) {
        ::unlink(it->path().c_str());
        ++removed;
      }
    }
  }
  return removed;
}

void ObjectFiles::clear() {
  std::error_code ignored;
  for (const char* folder : {"objects", "parts"}) {
    fs::remove_all(root_ / folder, ignored);
    fs::create_directories(root_ / folder, ignored);
  }
}

}  // namespace nimbus::s3
