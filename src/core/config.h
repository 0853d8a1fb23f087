#pragma once
// Server settings from command-line flags and NIMBUS_* environment variables (flags win).

#include <optional>
#include <string>

namespace nimbus {

enum class AuthMode { Off, Verify };

struct Config {
  std::string host = "127.0.0.1";
  unsigned short port = 4566;
  std::string data_dir = ".nimbus";
  bool in_memory = false;
  std::string log_level = "info";
  AuthMode auth = AuthMode::Off;
  std::string credentials_file;
  unsigned threads = 0;  // 0 = one per core
  bool list_operations = false;
  bool show_help = false;
  bool show_version = false;
};

// Parses argv and the environment. Throws std::invalid_argument with a user-facing message.
Config parse_config(int argc, char** argv);
std::string config_usage();

}  // namespace nimbus
