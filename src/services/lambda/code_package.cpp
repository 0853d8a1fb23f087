#include "services/lambda/code_package.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <memory>

#include "core/aws_error.h"
#include "core/crypto.h"
#include "core/ids.h"

namespace nimbus::lambda {
namespace fs = std::filesystem;

namespace {

constexpr int64_t kMaxUnzippedBytes = 262'144'000;

AwsError unzip_error() {
  return {400, "InvalidParameterValueException",
          "Could not unzip uploaded file. Please check your file, then try to upload again."};
}

// "a/b/c.js" stays; "/etc/x", "../x", "a/../../x" are refused.
bool safe_relative(const std::string& name) {
  if (name.empty() || name.front() == '/') return false;
  fs::path path(name);
  int depth = 0;
  for (const auto& part : path) {
    if (part == "..") {
      if (--depth < 0) return false;
    } else if (part != "." && !part.empty()) {
      ++depth;
    }
  }
  return true;
}

// Whether `path` resolves inside `root` (canonical) through the symlinks unpacked so far: a link
// that stays inside lexically ("a/l" -> "..") can still carry "a/l/../../x" past the folder.
bool resolves_inside(const fs::path& root, const fs::path& path) {
  std::error_code ec;
  fs::path real = fs::weakly_canonical(path, ec);
  if (ec) return false;
  auto mismatch = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
  return mismatch.first == root.end();
}

void write_file(const fs::path& path, const char* data, size_t size, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) throw fs::filesystem_error("cannot write", path, std::error_code(errno, std::generic_category()));
  size_t written = 0;
  while (written < size) {
    ssize_t n = ::write(fd, data + written, size - written);
    if (n <= 0) {
      ::close(fd);
      throw std::runtime_error("cannot write " + path.string());
    }
    written += static_cast<size_t>(n);
  }
  ::fchmod(fd, mode);
  ::close(fd);
}

void unpack(const std::string& zip_bytes, const fs::path& into) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(zip_bytes.data(), zip_bytes.size(), 0, &error);
  if (!source) throw unzip_error();
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (!archive) {
    zip_source_free(source);
    throw unzip_error();
  }
  std::unique_ptr<zip_t, decltype(&zip_discard)> guard(archive, &zip_discard);
  const fs::path root = fs::canonical(into);
  zip_int64_t entries = zip_get_num_entries(archive, 0);
  int64_t total = 0;
  std::string buffer;
  for (zip_int64_t i = 0; i < entries; ++i) {
    zip_stat_t stat;
    if (zip_stat_index(archive, i, 0, &stat) != 0) throw unzip_error();
    std::string name = stat.name;
    if (!safe_relative(name)) throw unzip_error();
    zip_uint8_t system = 0;
    zip_uint32_t attributes = 0;
    zip_file_get_external_attributes(archive, i, 0, &system, &attributes);
    mode_t unix_mode = system == ZIP_OPSYS_UNIX ? static_cast<mode_t>(attributes >> 16) : 0;
    fs::path target = into / name;
    if (!resolves_inside(root, target)) throw unzip_error();
    if (name.back() == '/' || S_ISDIR(unix_mode)) {
      fs::create_directories(target);
      continue;
    }
    total += static_cast<int64_t>(stat.size);
    if (total > kMaxUnzippedBytes) {
      throw AwsError(400, "InvalidParameterValueException",
                     "Unzipped size must be smaller than " + std::to_string(kMaxUnzippedBytes) + " bytes");
    }
    fs::create_directories(target.parent_path());
    zip_file_t* file = zip_fopen_index(archive, i, 0);
    if (!file) throw unzip_error();
    buffer.resize(static_cast<size_t>(stat.size));
    zip_int64_t read = buffer.empty() ? 0 : zip_fread(file, buffer.data(), stat.size);
    zip_fclose(file);
    if (read < 0 || static_cast<zip_uint64_t>(read) != stat.size) throw unzip_error();
    if (S_ISLNK(unix_mode)) {
      // A symlink inside the package (layers of node_modules have them): keep it when it stays inside.
      fs::path link_target(buffer);
      if (!safe_relative((fs::path(name).parent_path() / link_target).lexically_normal().string())) continue;
      std::error_code ec;
      fs::create_symlink(link_target, target, ec);
      continue;
    }
    // Files keep their owner's read/execute bits and become readable by the sandbox's user.
    mode_t mode = (unix_mode & 0777) ? ((unix_mode & 0755) | 0444) : 0644;
    write_file(target, buffer.data(), buffer.size(), mode);
  }
}

}  // namespace

fs::path unpacked_path(const fs::path& dir, const std::string& sha256_hex) { return dir / sha256_hex; }

fs::path zip_path(const fs::path& dir, const std::string& sha256_hex) { return dir / (sha256_hex + ".zip"); }

CodePackage store_code_package(const fs::path& dir, const std::string& zip) {
  CodePackage package;
  std::string digest = crypto::sha256_raw(zip);
  package.sha256_base64 = crypto::base64_encode(digest);
  package.sha256_hex = crypto::hex(digest);
  package.size = static_cast<int64_t>(zip.size());
  package.unpacked = unpacked_path(dir, package.sha256_hex);
  if (fs::exists(package.unpacked) && fs::exists(zip_path(dir, package.sha256_hex))) return package;
  fs::create_directories(dir);
  unpack_into(dir, package.sha256_hex, zip);
  // The zip is the durable copy (fsynced before the function's record commits); the folder can be
  // unpacked again from it (ensure_unpacked).
  fs::path zip_file = zip_path(dir, package.sha256_hex);
  fs::path scratch_zip = dir / (".zip-" + ids::uuid4());
  write_file(scratch_zip, zip.data(), zip.size(), 0644);
  int fd = ::open(scratch_zip.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fdatasync(fd);
    ::close(fd);
  }
  fs::rename(scratch_zip, zip_file);
  return package;
}

fs::path ensure_unpacked(const fs::path& dir, const std::string& sha256_hex) {
  auto unpacked = unpacked_path(dir, sha256_hex);
  if (fs::exists(unpacked)) return unpacked;
  std::ifstream in(zip_path(dir, sha256_hex), std::ios::binary);
  std::string zip((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  unpack_into(dir, sha256_hex, zip);
  return unpacked;
}

void unpack_into(const fs::path& dir, const std::string& sha256_hex, const std::string& zip) {
  auto target = unpacked_path(dir, sha256_hex);
  if (fs::exists(target)) return;
  // Unpack into a scratch folder and rename: a crash never leaves a half-unpacked package.
  fs::path scratch = dir / (".unpack-" + ids::uuid4());
  fs::create_directories(scratch);
  try {
    try {
      unpack(zip, scratch);
    } catch (const fs::filesystem_error&) {
      throw unzip_error();  // entries that contradict each other: a file where a folder is, or under one
    }
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(scratch, ignored);
    throw;
  }
  ::chmod(scratch.c_str(), 0755);
  std::error_code ec;
  fs::rename(scratch, target, ec);
  if (ec) fs::remove_all(scratch, ec);  // another request stored the same bytes first
}

}  // namespace nimbus::lambda
