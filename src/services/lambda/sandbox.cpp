#include "services/lambda/sandbox.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>

namespace nimbus::lambda {
namespace fs = std::filesystem;

namespace {

constexpr const char* kBwrap = "/usr/bin/bwrap";

// Runs a command and returns its first line of output ("" on failure).
std::string first_line_of(const std::string& command) {
  std::string out;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    std::array<char, 256> buffer{};
    if (std::fgets(buffer.data(), buffer.size(), pipe)) out = buffer.data();
    ::pclose(pipe);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::vector<fs::path> search_path() {
  std::vector<fs::path> dirs;
  const char* path = std::getenv("PATH");
  std::string_view rest = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!rest.empty()) {
    auto colon = rest.find(':');
    auto dir = rest.substr(0, colon);
    // pyenv/asdf shims are scripts that need their manager's state: only real interpreters count.
    if (!dir.empty() && dir.find("shims") == std::string_view::npos) dirs.emplace_back(dir);
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  for (const char* fixed : {"/usr/local/bin", "/usr/bin"}) dirs.emplace_back(fixed);
  return dirs;
}

std::optional<fs::path> find_program(const std::string& name) {
  for (const auto& dir : search_path()) {
    auto candidate = dir / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

// Installed python3.N minors, by minor number.
std::map<int, fs::path> installed_pythons() {
  std::map<int, fs::path> found;
  for (int minor = 6; minor <= 20; ++minor) {
    if (auto program = find_program("python3." + std::to_string(minor))) found.emplace(minor, *program);
  }
  return found;
}

struct NodeInstall {
  fs::path program;
  int major = 0;
  std::string version;
};

std::optional<NodeInstall> installed_node() {
  auto program = find_program("node");
  if (!program) return std::nullopt;
  auto version = first_line_of(program->string() + " --version 2>/dev/null");  // "v20.20.2"
  if (version.size() < 2 || version[0] != 'v') return std::nullopt;
  return NodeInstall{*program, std::atoi(version.c_str() + 1), version.substr(1)};
}

template <class Candidates>
typename Candidates::const_iterator nearest(const Candidates& candidates, int wanted) {
  auto best = candidates.end();
  for (auto it = candidates.begin(); it != candidates.end(); ++it) {
    if (best == candidates.end() || std::abs(it->first - wanted) < std::abs(best->first - wanted) ||
        (std::abs(it->first - wanted) == std::abs(best->first - wanted) && it->first > best->first)) {
      best = it;
    }
  }
  return best;
}

void add_system_dirs(std::vector<std::string>& argv) {
  for (const char* dir : {"/usr", "/etc"}) {
    if (fs::exists(dir)) argv.insert(argv.end(), {"--ro-bind", dir, dir});
  }
  // Debian's merged /usr: /bin, /lib... are symlinks into /usr; keep them as symlinks.
  for (const char* dir : {"/bin", "/sbin", "/lib", "/lib64", "/lib32"}) {
    std::error_code ec;
    if (fs::is_symlink(dir, ec)) {
      argv.insert(argv.end(), {"--symlink", fs::read_symlink(dir, ec).string(), dir});
    } else if (fs::exists(dir, ec)) {
      argv.insert(argv.end(), {"--ro-bind", dir, dir});
    }
  }
}

}  // namespace

std::optional<RuntimeChoice> choose_runtime(const std::string& runtime) {
  RuntimeChoice choice;
  if (runtime.rfind("nodejs", 0) == 0) {
    static const auto node = installed_node();
    if (!node) return std::nullopt;
    int wanted = std::atoi(runtime.c_str() + 6);  // "nodejs20.x" -> 20
    choice.family = RuntimeChoice::Family::Node;
    choice.interpreter = node->program.string();
    choice.version = node->version;
    if (node->major != wanted) {
      choice.warning = "nimbus: " + runtime + " is not installed on this machine; running on Node.js " +
                       node->version + " instead";
    }
    return choice;
  }
  if (runtime.rfind("python3.", 0) == 0) {
    static const auto pythons = installed_pythons();
    int wanted = std::atoi(runtime.c_str() + 8);
    auto best = nearest(pythons, wanted);
    if (best == pythons.end()) return std::nullopt;
    choice.family = RuntimeChoice::Family::Python;
    choice.interpreter = best->second.string();
    choice.version = "3." + std::to_string(best->first);
    if (best->first != wanted) {
      choice.warning = "nimbus: " + runtime + " is not installed on this machine; running on Python " +
                       choice.version + " instead";
    }
    return choice;
  }
  if (runtime.rfind("provided", 0) == 0) {
    choice.family = RuntimeChoice::Family::Provided;
    return choice;
  }
  return std::nullopt;
}

bool sandbox_available() {
  static const bool available = [] {
    if (std::getenv("NIMBUS_LAMBDA_NO_SANDBOX")) return false;
    if (::access(kBwrap, X_OK) != 0) return false;
    std::string probe = std::string(kBwrap) +
                        " --ro-bind / / --unshare-all --share-net --die-with-parent /bin/true >/dev/null 2>&1";
    int status = std::system(probe.c_str());
    return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }();
  return available;
}

SandboxLayout sandbox_layout(const SandboxPaths& paths) {
  SandboxLayout layout;
  layout.sandboxed = sandbox_available();
  if (layout.sandboxed) {
    layout.task_root = "/var/task";
    layout.runtime_dir = "/var/runtime";
    layout.opt_dir = "/opt";
  } else {
    layout.task_root = paths.code.string();
    layout.runtime_dir = paths.runtime.string();
    layout.opt_dir = paths.opt.empty() ? "/opt" : paths.opt.string();
  }
  return layout;
}

SpawnSpec build_spawn(const RuntimeChoice& choice, const SandboxPaths& paths, const SandboxLayout& layout,
                      std::vector<std::string> env) {
  std::vector<std::string> program;
  switch (choice.family) {
    case RuntimeChoice::Family::Node:
      program = {choice.interpreter, layout.runtime_dir + "/bootstrap.mjs"};
      break;
    case RuntimeChoice::Family::Python:
      program = {choice.interpreter, layout.runtime_dir + "/bootstrap.py"};
      break;
    case RuntimeChoice::Family::Provided: {
      // As AWS: /var/task/bootstrap, else /opt/bootstrap (the caller checked one exists).
      std::string bootstrap = layout.task_root + "/bootstrap";
      if (!fs::exists(paths.code / "bootstrap") && !paths.opt.empty()) bootstrap = layout.opt_dir + "/bootstrap";
      program = {bootstrap};
      break;
    }
  }
  SpawnSpec spec;
  spec.env = std::move(env);
  if (!layout.sandboxed) {
    spec.argv = std::move(program);
    spec.working_directory = paths.code.string();
    return spec;
  }
  std::vector<std::string> argv = {kBwrap, "--die-with-parent", "--new-session", "--unshare-all", "--share-net",
                                   "--uid", "993", "--gid", "990", "--hostname", "localhost"};
  add_system_dirs(argv);
  argv.insert(argv.end(), {"--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--dir", "/var",
                           "--ro-bind", paths.code.string(), "/var/task",
                           "--ro-bind", paths.runtime.string(), "/var/runtime"});
  if (!paths.opt.empty()) argv.insert(argv.end(), {"--ro-bind", paths.opt.string(), "/opt"});
  // The interpreter may live outside /usr (a /usr/local or /opt install): make its tree visible.
  if (!choice.interpreter.empty() && choice.interpreter.rfind("/usr/", 0) != 0) {
    auto prefix = fs::weakly_canonical(choice.interpreter).parent_path().parent_path();
    argv.insert(argv.end(), {"--ro-bind", prefix.string(), prefix.string()});
  }
  argv.insert(argv.end(), {"--chdir", "/var/task", "--"});
  argv.insert(argv.end(), program.begin(), program.end());
  spec.argv = std::move(argv);
  return spec;
}

}  // namespace nimbus::lambda
