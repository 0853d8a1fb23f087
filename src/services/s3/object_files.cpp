#include "services/s3/object_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <system_error>

#include "core/crypto.h"

namespace nimbus::s3 {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

void sync_folder(const fs::path& folder) {
  int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

std::string random_name() { return crypto::hex(crypto::random_bytes(16)); }

}  // namespace

TempFile::TempFile(TempFile&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) {
  other.fd_ = -1;
  other.path_.clear();
}

TempFile::~TempFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!path_.empty()) ::unlink(path_.c_str());
}

void TempFile::write(std::string_view data) {
  while (!data.empty()) {
    auto n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write " + path_.string());
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

void TempFile::append_from(int source_fd, uint64_t offset, uint64_t length) {
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

void TempFile::publish(const fs::path& target) {
  if (::fsync(fd_) != 0) fail("fsync " + path_.string());
  ::close(fd_);
  fd_ = -1;
  fs::create_directories(target.parent_path());
  if (::rename(path_.c_str(), target.c_str()) != 0) fail("rename " + path_.string());
  path_.clear();
  sync_folder(target.parent_path());
}

void ObjectFiles::prepare() {
  fs::create_directories(root_ / "objects");
  fs::create_directories(root_ / "parts");
  fs::remove_all(root_ / "tmp");
  fs::create_directories(root_ / "tmp");
}

TempFile ObjectFiles::create_temp() {
  auto path = root_ / "tmp" / random_name();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) fail("create " + path.string());
  return TempFile(fd, std::move(path));
}

std::string ObjectFiles::new_object_name() const {
  auto id = random_name();
  return "objects/" + id.substr(0, 2) + "/" + id;
}

std::string ObjectFiles::new_part_name(std::string_view upload_id, int part_number) const {
  return "parts/" + std::string(upload_id) + "/" + std::to_string(part_number) + "-" + random_name();
}

std::optional<http_server::FileRange> ObjectFiles::open(std::string_view relative, uint64_t length) const {
  int fd = ::open(path(relative).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  return http_server::FileRange{std::make_shared<http_server::OpenFile>(fd), 0, length};
}

std::string ObjectFiles::clone(std::string_view relative, bool as_part, std::string_view upload_id,
                               int part_number) {
  auto name = as_part ? new_part_name(upload_id, part_number) : new_object_name();
  auto target = path(name);
  fs::create_directories(target.parent_path());
  if (::link(path(relative).c_str(), target.c_str()) == 0) {
    sync_folder(target.parent_path());
    return name;
  }
  int source = ::open(path(relative).c_str(), O_RDONLY | O_CLOEXEC);
  if (source < 0) fail("open " + std::string(relative));
  struct stat info {};
  ::fstat(source, &info);
  auto temp = create_temp();
  try {
    temp.append_from(source, 0, static_cast<uint64_t>(info.st_size));
  } catch (...) {
    ::close(source);
    throw;
  }
  ::close(source);
  temp.publish(target);
  return name;
}

void ObjectFiles::remove(std::string_view relative) const noexcept {
  if (!relative.empty()) ::unlink(path(relative).c_str());
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
  for (const char* folder : {"objects", "parts", "tmp"}) {
    fs::remove_all(root_ / folder, ignored);
    fs::create_directories(root_ / folder, ignored);
  }
}

}  // namespace nimbus::s3
