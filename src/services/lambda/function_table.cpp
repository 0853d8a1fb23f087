#include "services/lambda/function_table.h"

namespace nimbus::lambda {

std::string scoped_key(const std::string& account, const std::string& region, const std::string& name) {
  return account + "/" + region + "/" + name;
}

}  // namespace nimbus::lambda
