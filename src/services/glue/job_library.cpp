#include "services/glue/job_library.h"

#include "sql/duckdb_api.h"

#include <fstream>
#include <system_error>

#include "core/log.h"

namespace nimbus::glue {

void write_job_library(const std::filesystem::path& folder) {
  std::error_code ec;
  std::filesystem::remove_all(folder, ec);
  for (const auto& file : embedded_job_library()) {
    auto path = folder / file.path;
    std::filesystem::create_directories(path.parent_path(), ec);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(file.text.data(), static_cast<std::streamsize>(file.text.size()));
    if (!out) {
      NIMBUS_LOG(Warn, "glue: cannot write the job library file " + path.string());
      return;
    }
  }
}

std::string duckdb_library_path() { return sql::duckdb_library_path(); }

}  // namespace nimbus::glue
