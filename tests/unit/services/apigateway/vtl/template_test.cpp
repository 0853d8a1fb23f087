// Compiled templates: parsed once, rendered many times (concurrently) with what render() gives.

#include <thread>

#include "vtl_test_support.h"

namespace nimbus::apigateway::vtl::test {

TEST(VtlTemplate, RendersAsRenderDoesEachTimeWithItsOwnInputs) {
  Template compiled("#set($n = $input.json('$.n'))#foreach($i in [1..$n])$i#end $context.stage"
                    "#set($context.responseOverride.status = 201)");
  for (int n = 1; n <= 3; ++n) {
    Inputs in;
    in.body = "{\"n\": " + std::to_string(n) + "}";
    in.context = {{"stage", "prod"}};
    auto rendered = compiled.render(in);
    EXPECT_EQ(rendered.text, render_with_overrides(
                                 "#set($n = $input.json('$.n'))#foreach($i in [1..$n])$i#end $context.stage"
                                 "#set($context.responseOverride.status = 201)", in).text);
    EXPECT_EQ(rendered.overrides.status, 201);
  }
}

TEST(VtlTemplate, AnUnparsableTemplateFailsWhenCompiled) {
  EXPECT_THROW(Template("#if($a"), TemplateError);
}

TEST(VtlTemplate, RendersOnSeveralThreadsAtOnce) {
  const Template compiled("#foreach($x in $input.path('$.items'))$x.id,#end");
  std::vector<std::thread> threads;
  std::vector<std::string> results(4);
  for (size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      Inputs in;
      in.body = "{\"items\": [{\"id\": " + std::to_string(t) + "}, {\"id\": 9}]}";
      for (int i = 0; i < 200; ++i) results[t] = compiled.render(in).text;
    });
  }
  for (auto& thread : threads) thread.join();
  for (size_t t = 0; t < results.size(); ++t) EXPECT_EQ(results[t], std::to_string(t) + ",9,");
}

}  // namespace nimbus::apigateway::vtl::test
