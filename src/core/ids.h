#pragma once
// Identifiers AWS hands out: request ids and message ids are random UUIDv4 strings.

#include <string>

namespace nimbus::ids {

// "8f2c0e1a-5b7d-4c3e-9a1f-2b3c4d5e6f70"
std::string uuid4();

}  // namespace nimbus::ids
