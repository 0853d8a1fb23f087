#include "services/s3/ordered_walk.h"

namespace nimbus::s3 {
namespace {

// The smallest key greater than every key starting with `prefix`; "" if there is none.
std::string after_extensions(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

}  // namespace

void ordered_walk(storage::Store& store, std::string_view space, const std::string& scan_prefix,
                  WalkStart start,
                  const std::function<WalkStep(std::string_view key, std::string_view value)>& visit) {
  // Each pass seeks to `from` (inclusive); `exclude` is the exclusive bound, met only at `from`.
  std::string from = scan_prefix;
  std::string exclude;
  if (!start.key.empty()) {
    if (start.skip_extensions) {
      from = after_extensions(std::move(start.key));
      if (from.empty()) return;
    } else {
      from = start.key;
      exclude = std::move(start.key);
    }
  }
  bool restart = true;
  while (restart) {
    restart = false;
    store.scan_from(space, scan_prefix, from, [&](std::string_view key, std::string_view value) {
      if (!exclude.empty() && key == exclude) return true;
      auto step = visit(key, value);
      if (step.kind == WalkStep::Stop) return false;
      if (step.kind == WalkStep::SkipPrefix) {
        from = after_extensions(std::move(step.prefix));
        exclude.clear();
        restart = !from.empty();
        return false;
      }
      return true;
    });
  }
}

}  // namespace nimbus::s3
