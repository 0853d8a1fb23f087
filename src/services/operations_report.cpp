#include "services/operations_report.h"

#include <sstream>

#include "core/clock.h"
#include "services/registry.h"
#include "storage/memory_store.h"

namespace nimbus {

std::string operations_report_markdown() {
  storage::MemoryStore scratch;  // services are built, never started: nothing is stored
  Clock clock;
  ServiceRegistry registry(scratch, clock, std::filesystem::temp_directory_path() / "nimbus-report");

  std::ostringstream out;
  out << "| service | protocol | implemented | modelled |\n|---|---|---|---|\n";
  std::ostringstream details;
  for (const auto* model : known_models()) {
    const Service* service = registry.find(model->name);
    size_t implemented = 0;
    details << "\n## " << model->name << " (" << model->api_version << ", " << model->protocol << ")\n\n";
    if (!service) details << "Not served yet.\n\n";
    details << "| operation | status |\n|---|---|\n";
    for (const auto& operation : model->operations) {
      bool done = service && service->implements(operation.name);
      implemented += done;
      details << "| " << operation.name << " | " << (done ? "done" : "missing") << " |\n";
    }
    out << "| " << model->name << " | " << model->protocol << " | " << implemented << " | "
        << model->operations.size() << " |\n";
  }
  return out.str() + details.str();
}

}  // namespace nimbus
