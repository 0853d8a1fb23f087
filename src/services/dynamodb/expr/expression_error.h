#pragma once

#include <string>

namespace nimbus::dynamodb::expr {

// The one error this library throws: `message` is DynamoDB's ValidationException text, prefixed
// the way DynamoDB prefixes it ("Invalid UpdateExpression: ..."); the service answers it as a
// ValidationException (HTTP 400).
struct ExpressionError {
  std::string message;
};

}  // namespace nimbus::dynamodb::expr
