#pragma once
// How an execution environment's process is started: which interpreter a runtime name maps to on
// this machine, and the bubblewrap sandbox around it (code and layers read-only at /var/task and
// /opt, the runtime client at /var/runtime, a private /tmp, nothing else of the host but the
// system directories; never nimbus's data directory). Where bubblewrap cannot run, the runtime
// starts as a plain child process over the host paths, and the environment logs a warning.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "services/lambda/child_process.h"

namespace nimbus::lambda {

// The interpreter for a runtime name ("nodejs20.x", "python3.12", "provided.al2023").
struct RuntimeChoice {
  enum class Family { Node, Python, Provided } family = Family::Provided;
  std::string interpreter;  // host path ("/usr/bin/node"); empty for provided runtimes
  std::string version;      // what was found ("20.20.2", "3.11")
  std::string warning;      // set when the exact version is not installed and a nearby one is used
};

// nullopt when nothing installed can run it (the caller answers AWS's error). Throws nothing.
std::optional<RuntimeChoice> choose_runtime(const std::string& runtime);

struct SandboxPaths {
  std::filesystem::path code;     // unpacked function code
  std::filesystem::path opt;      // merged layers ("" = none)
  std::filesystem::path runtime;  // nimbus's runtime clients
  std::filesystem::path tmp;      // this environment's /tmp on the host (plain mode only)
};

struct SandboxLayout {
  bool sandboxed = false;
  std::string task_root, runtime_dir, opt_dir;  // as the process sees them
};

// Whether bubblewrap is installed and can create its namespaces here (checked once).
bool sandbox_available();

// The argv/env to spawn for `choice` with the function's `env` ("NAME=value"); the layout tells
// the caller which paths the process sees (for LAMBDA_TASK_ROOT and friends, set by the caller
// into `env` before calling build_spawn).
SandboxLayout sandbox_layout(const SandboxPaths& paths);
SpawnSpec build_spawn(const RuntimeChoice& choice, const SandboxPaths& paths, const SandboxLayout& layout,
                      std::vector<std::string> env);

}  // namespace nimbus::lambda
