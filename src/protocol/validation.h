#pragma once
// Model-driven input validation run after decoding: required members, enum values, length and
// range limits, raising the error codes AWS uses on each wire protocol.

#include <nlohmann/json.hpp>

#include "protocol/model.h"
#include "protocol/protocol.h"

namespace nimbus::protocol {

// Throws AwsError on the first violation found (members in model order, depth first).
//   query / awsQueryCompatible json: MissingParameter, InvalidParameterValue
//   json (others) / rest-json:       ValidationException
//   rest-xml:                        InvalidRequest (missing), InvalidArgument (out of range);
//                                    enums are not checked on rest-xml (S3 validates itself and
//                                    the overlay's enum lists may predate newer values).
void validate_input(const model::ServiceModel& service, const model::ShapeDef& input,
                    const nlohmann::json& value, Wire wire);

}  // namespace nimbus::protocol
