// The layering rule services live by (docs/ARCHITECTURE.md): nothing under src/services/ includes
// from src/http/, and from src/protocol/ only the model tables and the codec entry points.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// NIMBUS_FIXTURES_DIR is <repo>/tests/fixtures.
const fs::path kSourceDir = fs::path(NIMBUS_FIXTURES_DIR).parent_path().parent_path() / "src";

const std::set<std::string> kAllowedProtocolHeaders = {
    "protocol/model.h",     // the model tables
    "protocol/protocol.h",  // the codec entry points a raw-HTTP service drives
};

struct Violation {
  std::string file;
  int line;
  std::string include;
};

std::vector<Violation> scan_services() {
  static const std::regex kInclude(R"(^\s*#\s*include\s*[<"]([^">]+)[">])");
  std::vector<Violation> found;
  for (const auto& entry : fs::recursive_directory_iterator(kSourceDir / "services")) {
    if (!entry.is_regular_file()) continue;
    auto ext = entry.path().extension();
    if (ext != ".h" && ext != ".cpp" && ext != ".hpp" && ext != ".cc" && ext != ".inc") continue;
    std::ifstream in(entry.path());
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      std::smatch match;
      if (!std::regex_search(line, match, kInclude)) continue;
      std::string header = match[1];
      bool http = header.rfind("http/", 0) == 0;
      bool protocol = header.rfind("protocol/", 0) == 0 && !kAllowedProtocolHeaders.contains(header);
      if (http || protocol) {
        found.push_back({fs::relative(entry.path(), kSourceDir).string(), number, header});
      }
    }
  }
  return found;
}

TEST(IncludeRules, ServicesIncludeNoServerAndOnlyTheCodecEntryPoints) {
  ASSERT_TRUE(fs::is_directory(kSourceDir / "services")) << kSourceDir;
  std::string report;
  for (const auto& v : scan_services()) {
    report += "  src/" + v.file + ":" + std::to_string(v.line) + " includes \"" + v.include + "\"\n";
  }
  EXPECT_TRUE(report.empty())
      << "src/services/ may include from src/protocol/ only model.h and protocol.h, and nothing "
         "from src/http/ (move what a service needs to src/core/):\n"
      << report;
}

TEST(IncludeRules, TheScanSeesTheServices) {
  // Guards against a scan that passes because it read nothing.
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kSourceDir / "services")) {
    if (entry.is_regular_file() && entry.path().extension() == ".cpp") ++files;
  }
  EXPECT_GT(files, 10u);
}

}  // namespace
