// Code packages: CodeSha256/CodeSize, unpacking with modes and folders, refusals, idempotence.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/aws_error.h"
#include "services/lambda/code_package.h"
#include "zip_builder.h"

namespace nimbus::lambda {
namespace {
namespace fs = std::filesystem;
using testing::build_zip;

class CodePackageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/nimbus-code-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static std::string expected_sha256_base64(const std::string& bytes) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
    unsigned char out[64];
    int n = EVP_EncodeBlock(out, digest, sizeof digest);
    return {reinterpret_cast<char*>(out), static_cast<size_t>(n)};
  }
  static void expect_unzip_error(const fs::path& dir, const std::string& zip) {
    try {
      store_code_package(dir, zip);
      ADD_FAILURE() << "stored " << zip.size() << " bytes";
    } catch (const AwsError& error) {
      EXPECT_EQ(error.code, "InvalidParameterValueException");
      EXPECT_EQ(error.message, "Could not unzip uploaded file. Please check your file, then try to upload again.");
    }
  }
  // Nothing but the stored packages (no scratch folders or zips left behind).
  size_t entries_in_dir() const {
    return static_cast<size_t>(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()));
  }

  fs::path dir_;
};

TEST_F(CodePackageTest, ShaAndSizeDescribeTheZipBytes) {
  std::string zip = build_zip({{"index.js", "exports.handler = async () => 1;\n"}});
  auto package = store_code_package(dir_, zip);
  EXPECT_EQ(package.sha256_base64, expected_sha256_base64(zip));
  EXPECT_EQ(package.size, static_cast<int64_t>(zip.size()));
  EXPECT_EQ(package.sha256_hex.size(), 64u);
  EXPECT_EQ(package.unpacked, unpacked_path(dir_, package.sha256_hex));
  EXPECT_EQ(read(zip_path(dir_, package.sha256_hex)), zip);
}

TEST_F(CodePackageTest, FilesFoldersAndModesAreUnpacked) {
  std::string zip = build_zip({{"bootstrap", "#!/bin/sh\n", S_IFREG | 0755},
                               {"lib/", "", S_IFDIR | 0755},
                               {"lib/util.py", "X = 1\n", S_IFREG | 0600},
                               {"empty/", "", S_IFDIR | 0755},
                               {"deep/er/file.txt", "text"}});
  auto package = store_code_package(dir_, zip);
  const fs::path& root = package.unpacked;
  EXPECT_EQ(read(root / "bootstrap"), "#!/bin/sh\n");
  EXPECT_EQ(::access((root / "bootstrap").c_str(), X_OK), 0);
  auto perms = fs::status(root / "bootstrap").permissions();
  EXPECT_EQ(perms & fs::perms::others_exec, fs::perms::others_exec);
  EXPECT_EQ(read(root / "lib/util.py"), "X = 1\n");
  // Owner-only files become readable by the sandbox's user, and stay not executable.
  auto util = fs::status(root / "lib/util.py").permissions();
  EXPECT_EQ(util & fs::perms::others_read, fs::perms::others_read);
  EXPECT_EQ(util & fs::perms::owner_exec, fs::perms::none);
  EXPECT_TRUE(fs::is_directory(root / "empty"));
  EXPECT_EQ(read(root / "deep/er/file.txt"), "text");
}

TEST_F(CodePackageTest, EntriesWithoutUnixModesAreOrdinaryReadableFiles) {
  std::string zip = build_zip({{"a.txt", "a", 0}});
  auto package = store_code_package(dir_, zip);
  auto perms = fs::status(package.unpacked / "a.txt").permissions();
  EXPECT_EQ(perms & fs::perms::all, fs::perms(0644));
}

TEST_F(CodePackageTest, PathsThatLeaveTheFolderAreRefused) {
  expect_unzip_error(dir_, build_zip({{"ok.txt", "x"}, {"../escape.txt", "x"}}));
  expect_unzip_error(dir_, build_zip({{"a/../../escape.txt", "x"}}));
  expect_unzip_error(dir_, build_zip({{"/etc/escape.txt", "x"}}));
  EXPECT_FALSE(fs::exists(dir_.parent_path() / "escape.txt"));
  EXPECT_EQ(entries_in_dir(), 0u);  // the scratch folders are gone
}

TEST_F(CodePackageTest, DotDotThatStaysInsideIsAllowed) {
  auto package = store_code_package(dir_, build_zip({{"a/../b.txt", "b"}}));
  EXPECT_EQ(read(package.unpacked / "b.txt"), "b");
}

TEST_F(CodePackageTest, SymlinksInsideAreKeptAndOnesLeavingAreDropped) {
  auto package = store_code_package(dir_, build_zip({{"real.js", "x"},
                                                     {"link.js", "real.js", S_IFLNK | 0777},
                                                     {"out", "../../etc/passwd", S_IFLNK | 0777},
                                                     {"abs", "/etc/passwd", S_IFLNK | 0777}}));
  EXPECT_TRUE(fs::is_symlink(package.unpacked / "link.js"));
  EXPECT_EQ(read(package.unpacked / "link.js"), "x");
  EXPECT_FALSE(fs::exists(fs::symlink_status(package.unpacked / "out")));
  EXPECT_FALSE(fs::exists(fs::symlink_status(package.unpacked / "abs")));
}

TEST_F(CodePackageTest, ASymlinkUpwardsCannotCarryAnEntryOutside) {
  // a/l -> ".." stays inside, but "a/l/../../escaped" then leads through it past the folder.
  fs::path code = dir_ / "code";
  expect_unzip_error(code, build_zip({{"a/l", "..", S_IFLNK | 0777}, {"a/l/../../escaped", "x"}}));
  expect_unzip_error(code, build_zip({{"a/b/l", "../..", S_IFLNK | 0777}, {"a/b/l/../d/f", "x"}}));
  expect_unzip_error(code, build_zip({{"a/l", "..", S_IFLNK | 0777}, {"a/l/../../newdir/", "", S_IFDIR | 0755}}));
  EXPECT_FALSE(fs::exists(dir_ / "escaped"));
  EXPECT_FALSE(fs::exists(code / "d"));
  EXPECT_FALSE(fs::exists(dir_ / "newdir"));
}

TEST_F(CodePackageTest, EntriesThatContradictEachOtherAreAnInvalidParameterValue) {
  expect_unzip_error(dir_, build_zip({{"a", "file"}, {"a/b", "under a file"}}));
  expect_unzip_error(dir_, build_zip({{"d/", "", S_IFDIR | 0755}, {"d", "a file where a folder is"}}));
  EXPECT_EQ(entries_in_dir(), 0u);
}

TEST_F(CodePackageTest, BrokenZipIsAnInvalidParameterValue) {
  expect_unzip_error(dir_, "this is not a zip");
  std::string zip = build_zip({{"index.js", std::string(1000, 'x')}});
  expect_unzip_error(dir_, zip.substr(0, zip.size() / 2));
  std::string corrupted = zip;
  corrupted[40] ^= 0x55;  // inside the entry's data or header
  expect_unzip_error(dir_, corrupted);
  EXPECT_EQ(entries_in_dir(), 0u);
}

TEST_F(CodePackageTest, StoringTheSameBytesTwiceIsIdempotent) {
  std::string zip = build_zip({{"index.js", "1"}});
  auto first = store_code_package(dir_, zip);
  auto marker = first.unpacked / "marker";
  std::ofstream(marker) << "kept";
  auto second = store_code_package(dir_, zip);
  EXPECT_EQ(second.sha256_hex, first.sha256_hex);
  EXPECT_EQ(second.sha256_base64, first.sha256_base64);
  EXPECT_TRUE(fs::exists(marker));  // nothing was unpacked again
  EXPECT_EQ(entries_in_dir(), 2u);  // <hex>.zip and <hex>/
}

TEST_F(CodePackageTest, DifferentBytesAreDifferentPackages) {
  auto a = store_code_package(dir_, build_zip({{"index.js", "1"}}));
  auto b = store_code_package(dir_, build_zip({{"index.js", "2"}}));
  EXPECT_NE(a.sha256_hex, b.sha256_hex);
  EXPECT_EQ(read(a.unpacked / "index.js"), "1");
  EXPECT_EQ(read(b.unpacked / "index.js"), "2");
}

TEST_F(CodePackageTest, EnsureUnpackedRecreatesADeletedFolderFromTheZip) {
  auto package = store_code_package(dir_, build_zip({{"bootstrap", "run", S_IFREG | 0755}, {"d/f", "f"}}));
  fs::remove_all(package.unpacked);
  auto path = ensure_unpacked(dir_, package.sha256_hex);
  EXPECT_EQ(path, package.unpacked);
  EXPECT_EQ(read(path / "bootstrap"), "run");
  EXPECT_EQ(::access((path / "bootstrap").c_str(), X_OK), 0);
  EXPECT_EQ(read(path / "d/f"), "f");
  EXPECT_EQ(ensure_unpacked(dir_, package.sha256_hex), path);  // present: left alone
}

TEST_F(CodePackageTest, UnpackIntoLeavesAnExistingFolderAlone) {
  std::string zip = build_zip({{"index.js", "new"}});
  fs::create_directories(dir_ / "abc");
  unpack_into(dir_, "abc", zip);
  EXPECT_FALSE(fs::exists(dir_ / "abc/index.js"));
  unpack_into(dir_, "def", zip);
  EXPECT_EQ(read(dir_ / "def/index.js"), "new");
}

}  // namespace
}  // namespace nimbus::lambda
