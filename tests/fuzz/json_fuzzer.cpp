// libFuzzer target: first line = SQS operation name (X-Amz-Target suffix), rest = JSON body.
#include <string>

#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nimbus;
  auto [operation, body] = fuzz::split_first_line(data, size);
  HttpRequest request{protocol::http::verb::post, "/", 11};
  request.set("X-Amz-Target", "AmazonSQS." + std::string(operation));
  request.body().assign(body);
  fuzz::decode_and_encode(model::sqs_model(), protocol::Wire::Json, request);
  return 0;
}
