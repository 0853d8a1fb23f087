#pragma once
// Amazon DynamoDB Streams (2012-08-10, json 1.0, model-driven): ListStreams, DescribeStream,
// GetShardIterator, GetRecords over the records DynamoDB stages with each item change
// (stream_records.h). It has no state of its own: streams are listed from DynamoDB's table
// records and read from its store space. One shard per stream; records are kept 24 hours on
// nimbus's clock; a disabled stream's shard is closed at its last sequence number.

#include <memory>

#include "services/dynamodb/dynamodb_service.h"

namespace nimbus::dynamodb {

std::unique_ptr<Service> make_streams_service(DynamoDbService& dynamodb);

}  // namespace nimbus::dynamodb
