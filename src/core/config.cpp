#include "core/config.h"

#include <boost/program_options.hpp>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace nimbus {
namespace po = boost::program_options;
namespace {

po::options_description describe() {
  po::options_description options("nimbus options (each also read from NIMBUS_<NAME>)");
  options.add_options()
      ("help,h", "show this help")
      ("version", "print the version")
      ("host", po::value<std::string>(), "address to listen on (default 127.0.0.1)")
      ("port", po::value<unsigned short>(), "port to listen on (default 4566)")
      ("data-dir", po::value<std::string>(), "directory for persisted state (default ./.nimbus)")
      ("memory", po::bool_switch(), "keep all state in memory, nothing on disk")
      ("log-level", po::value<std::string>(), "debug|info|warn|error|off (default info)")
      ("auth", po::value<std::string>(), "off|verify: verify SigV4 signatures (default off)")
      ("credentials", po::value<std::string>(), "JSON credentials file used by --auth verify")
      ("threads", po::value<unsigned>(), "I/O threads (default: one per core)")
      ("list-operations", po::bool_switch(), "print implemented vs modelled operations and exit");
  return options;
}

// NIMBUS_DATA_DIR -> data-dir, etc.
std::string env_to_option(const std::string& variable) {
  static const std::string prefix = "NIMBUS_";
  if (variable.rfind(prefix, 0) != 0) return {};
  std::string name = variable.substr(prefix.size());
  // NIMBUS_MEMORY is a switch, read by parse_config itself.
  static const char* known[] = {"HOST", "PORT", "DATA_DIR", "LOG_LEVEL",
                                "AUTH", "CREDENTIALS", "THREADS"};
  for (const char* k : known) {
    if (name == k) {
      for (auto& c : name) c = c == '_' ? '-' : static_cast<char>(std::tolower(c));
      return name;
    }
  }
  return {};
}

}  // namespace

std::string config_usage() {
  std::ostringstream out;
  out << "usage: nimbus [options]\n" << describe();
  return out.str();
}

Config parse_config(int argc, char** argv) {
  auto options = describe();
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::store(po::parse_environment(options, env_to_option), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw std::invalid_argument(e.what());
  }
  Config config;
  config.show_help = vm.count("help") > 0;
  config.show_version = vm.count("version") > 0;
  if (vm.count("host")) config.host = vm["host"].as<std::string>();
  if (vm.count("port")) config.port = vm["port"].as<unsigned short>();
  if (vm.count("data-dir")) config.data_dir = vm["data-dir"].as<std::string>();
  config.in_memory = vm["memory"].as<bool>();
  if (const char* memory = std::getenv("NIMBUS_MEMORY"); memory && std::string(memory) != "0" &&
                                                         std::string(memory) != "false") {
    config.in_memory = true;
  }
  if (vm.count("log-level")) config.log_level = vm["log-level"].as<std::string>();
  if (vm.count("auth")) {
    auto mode = vm["auth"].as<std::string>();
    if (mode == "off") config.auth = AuthMode::Off;
    else if (mode == "verify") config.auth = AuthMode::Verify;
    else throw std::invalid_argument("--auth must be 'off' or 'verify'");
  }
  if (vm.count("credentials")) config.credentials_file = vm["credentials"].as<std::string>();
  if (vm.count("threads")) config.threads = vm["threads"].as<unsigned>();
  config.list_operations = vm["list-operations"].as<bool>();
  return config;
}

}  // namespace nimbus
