#include "services/s3/ordered_walk.h"

namespace nimbus::s3 {

void ordered_walk(storage::Store& store, std::string_view space, const std::string& scan_prefix,
                  WalkStart start,
                  const std::function<WalkStep(std::string_view key, std::string_view value)>& visit) {
  while (true) {
    bool stopped = false;
    bool restart = false;
    // Scans one prefix; false once the walk must stop or restart from a new bound.
    auto run = [&](const std::string& prefix, const std::string* exclude) {
      store.scan(space, prefix, [&](std::string_view key, std::string_view value) {
        if (exclude && key == *exclude) return true;
        auto step = visit(key, value);
        if (step.kind == WalkStep::Stop) {
          stopped = true;
          return false;
        }
        if (step.kind == WalkStep::SkipPrefix) {
          start = WalkStart{std::move(step.prefix), true};
          restart = true;
          return false;
        }
        return true;
      });
      return !stopped && !restart;
    };
    if (start.key.empty() || start.key.size() < scan_prefix.size() ||
        start.key.compare(0, scan_prefix.size(), scan_prefix) != 0) {
      if (start.key.empty() ||
          (start.key < scan_prefix && !(start.skip_extensions && scan_prefix.starts_with(start.key)))) {
        run(scan_prefix, nullptr);
        if (restart) continue;
      }
      return;
    }
    const std::string bound = start.key;
    if (!start.skip_extensions && !run(bound, &bound)) {
      if (restart) continue;
      return;
    }
    bool restarted = false;
    for (size_t i = bound.size(); i-- > scan_prefix.size() && !restarted;) {
      for (unsigned c = static_cast<unsigned char>(bound[i]) + 1; c <= 0xFF; ++c) {
        std::string prefix = bound.substr(0, i);
        prefix.push_back(static_cast<char>(c));
        if (!run(prefix, nullptr)) {
          if (!restart) return;
          restarted = true;
          break;
        }
      }
    }
    if (!restarted) return;
  }
}

}  // namespace nimbus::s3
