#pragma once
// Shared by the mapping template tests: render with a fixed request.

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "services/apigateway/vtl/vtl.h"

namespace nimbus::apigateway::vtl::test {

inline Inputs sample_inputs() {
  Inputs in;
  in.body = R"({"name": "Ada", "age": 36, "price": 249.99, "tags": ["a", "b", "c"],
               "pets": [{"id": 1, "type": "dog"}, {"id": 2, "type": "cat"}],
               "nested": {"deep": {"value": true}}, "none": null, "empty": ""})";
  in.params = Json::parse(R"({"path": {"id": "42"}, "querystring": {"page": "2", "id": "q"},
                              "header": {"X-Trace": "t-1", "Content-Type": "application/json"}})");
  in.context = Json::parse(R"({"requestId": "r-1", "stage": "prod", "httpMethod": "POST",
                               "identity": {"sourceIp": "192.0.2.1"},
                               "authorizer": {"claims": {"sub": "user-7"}, "principalId": "p"}})");
  in.stage_variables = Json::parse(R"({"env": "test"})");
  return in;
}

inline std::string render_sample(std::string_view text) { return render(text, sample_inputs()); }

inline std::string render_empty(std::string_view text) { return render(text, Inputs{}); }

}  // namespace nimbus::apigateway::vtl::test
