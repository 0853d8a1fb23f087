#pragma once
// Function and layer code: a zip stored once by content (<dir>/<sha256 hex>.zip) and unpacked
// beside it (<dir>/<sha256 hex>/), as Lambda's CodeSha256/CodeSize describe it. Unpacking keeps
// the files' Unix modes (a `bootstrap` stays executable) and refuses paths that leave the folder.

#include <cstdint>
#include <filesystem>
#include <string>

namespace nimbus::lambda {

struct CodePackage {
  std::string sha256_base64;  // CodeSha256
  std::string sha256_hex;     // file and folder name
  int64_t size = 0;           // CodeSize: the zip's size
  std::filesystem::path unpacked;
};

// Stores and unpacks `zip` under `dir` (nothing is rewritten when the same bytes were stored
// before). Throws AwsError InvalidParameterValueException for a broken zip or one that unpacks
// past AWS's 250 MB limit. Blocking: call it off the I/O threads.
CodePackage store_code_package(const std::filesystem::path& dir, const std::string& zip);

// The unpacked folder of a stored package, and its zip.
std::filesystem::path unpacked_path(const std::filesystem::path& dir, const std::string& sha256_hex);
std::filesystem::path zip_path(const std::filesystem::path& dir, const std::string& sha256_hex);
// The unpacked folder, unpacked again from the stored zip when missing (after a crash).
std::filesystem::path ensure_unpacked(const std::filesystem::path& dir, const std::string& sha256_hex);
// Unpacks `zip` as <dir>/<sha256_hex>/ unless that exists. Throws like store_code_package.
void unpack_into(const std::filesystem::path& dir, const std::string& sha256_hex, const std::string& zip);

}  // namespace nimbus::lambda
