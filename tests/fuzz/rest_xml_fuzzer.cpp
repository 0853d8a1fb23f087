// libFuzzer target: first line = "METHOD /target?query" sent to S3, rest = XML body.
#include <string>

#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nimbus;
  auto [line, body] = fuzz::split_first_line(data, size);
  size_t space = line.find(' ');
  std::string_view method = line.substr(0, space);
  std::string target = space == std::string_view::npos ? "/" : std::string(line.substr(space + 1));
  if (target.empty() || target.front() != '/') target.insert(target.begin(), '/');
  HttpRequest request;
  request.method_string(method.empty() ? std::string_view("GET") : method);
  request.target(target);
  request.body().assign(body);
  fuzz::decode_and_encode(model::s3_model(), protocol::Wire::RestXml, request);
  return 0;
}
