// libFuzzer target for Lambda's parsers, each given the whole input: the FunctionName forms
// (parse_function_ref may only throw AwsError), the telemetry frames (fed in pieces whose size
// the first byte picks; what is held back must stay bounded), and code packages (libzip and our
// unpacking into a fresh folder: only AwsError may escape, and nothing may be written outside it).
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "core/aws_error.h"
#include "services/lambda/code_package.h"
#include "services/lambda/lambda_names.h"
#include "services/lambda/telemetry_frames.h"

namespace {
namespace fs = std::filesystem;
using namespace nimbus;

void fuzz_function_ref(std::string_view text) {
  try {
    auto ref = lambda::parse_function_ref(text);
    if (ref.name.empty()) __builtin_trap();
  } catch (const AwsError&) {
  }
}

void fuzz_telemetry(std::string_view bytes) {
  size_t piece = bytes.empty() ? 1 : static_cast<unsigned char>(bytes[0]) % 32 + 1;
  std::string held;
  std::vector<lambda::LogEvent> events;
  for (size_t at = 0; at < bytes.size(); at += piece) {
    held.append(bytes.substr(at, piece));
    size_t consumed = lambda::parse_telemetry_frames(held, events);
    if (consumed > held.size()) __builtin_trap();
    held.erase(0, consumed);
    if (held.size() > lambda::kTelemetryHeaderBytes + lambda::kMaxTelemetryPayload) __builtin_trap();
  }
  for (const auto& event : events) {
    if (event.message.empty() || event.message.back() != '\n') __builtin_trap();
  }
}

void fuzz_code_package(const std::string& zip) {
  char pattern[] = "/tmp/nimbus-lambda-fuzz-XXXXXX";
  if (!::mkdtemp(pattern)) return;
  fs::path root = pattern;
  fs::path code = root / "code";
  try {
    auto package = lambda::store_code_package(code, zip);
    lambda::ensure_unpacked(code, package.sha256_hex);
  } catch (const AwsError&) {
  }
  // Everything must stay under code/ (a path or symlink that escaped would land beside it).
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.path().filename() != "code") {
      std::fprintf(stderr, "escaped: %s\n", entry.path().c_str());
      __builtin_trap();
    }
  }
  fs::remove_all(root);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  fuzz_function_ref(input);
  fuzz_telemetry(input);
  fuzz_code_package(input);
  return 0;
}
