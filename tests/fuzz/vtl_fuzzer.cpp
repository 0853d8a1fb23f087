// libFuzzer target for API Gateway's mapping templates: the input is rendered as a template with
// a fixed request, then used as the request body of a fixed template that reads it through
// $input.json / $input.path / $util. Only TemplateError may escape the library, and a render
// must stay within its limits (no hang, no deep recursion, output at most 10 MB).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "services/apigateway/vtl/vtl.h"

namespace {

using namespace nimbus::apigateway::vtl;

Inputs request() {
  Inputs in;
  in.body = R"({"name": "Ada", "n": 3, "f": 1.5, "tags": ["a", "b"], "pets": [{"id": 1}, {"id": 2}],
               "m": {"k": {"d": [true, null]}}, "s": "it's \"q\" é"})";
  in.params =
      Json::parse(R"({"path": {"id": "42"}, "querystring": {"q": "x y"}, "header": {"H": "v"}})");
  in.context = Json::parse(R"({"requestId": "r", "identity": {"sourceIp": "1.2.3.4"},
                               "authorizer": {"claims": {"sub": "u"}}})");
  in.stage_variables = Json::parse(R"({"env": "fuzz"})");
  in.work_budget = 200'000;  // keeps each input fast; the limit itself is what is exercised
  return in;
}

constexpr std::string_view kBodyTemplate =
    "$input.json('$')|$input.path('$')|$input.json('$..*')|$input.path('$.a[0]')|"
    "#foreach($x in $input.path('$[*]'))$x.size() $foreach.count#end|$input.body.length()|"
    "$util.escapeJavaScript($input.body)|$util.urlEncode($input.body)|$util.base64Encode($input."
    "body)|"
    "#set($p = $util.parseJson($input.body))$p|$input.path('$').split(',')";

template <typename F>
void attempt(F f) {
  try {
    f();
  } catch (const TemplateError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Inputs fixed = request();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  attempt([&] {
    Rendered r = render_with_overrides(text, fixed);
    if (r.text.size() > (10u << 20)) abort();
  });
  attempt([&] {
    Inputs quiet = fixed;
    quiet.quiet_undefined = true;
    render(text, quiet);
  });
  attempt([&] {
    Inputs in = fixed;
    in.body = std::string(text);
    render(kBodyTemplate, in);
  });
  return 0;
}
