// libFuzzer target: the whole input is an awsQuery form body sent to SQS.
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nimbus;
  HttpRequest request{protocol::http::verb::post, "/", 11};
  request.body().assign(reinterpret_cast<const char*>(data), size);
  fuzz::decode_and_encode(model::sqs_model(), protocol::Wire::Query, request);
  return 0;
}
