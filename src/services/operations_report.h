#pragma once
// Implemented vs modelled operations per service, from the models and the registry
// (`nimbus --list-operations`; docs/COMPATIBILITY.md is generated from it).

#include <string>

namespace nimbus {

std::string operations_report_markdown();

}  // namespace nimbus
