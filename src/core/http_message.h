#pragma once
// The HTTP messages every layer shares, on Beast's message types: what the protocol codecs read
// and write. Kept apart from raw_http.h's coroutine-based streaming types so the codecs (and
// their fuzzers, built with clang) need no coroutine support.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace nimbus {

// A request as the server read it: head and (unless streamed) the whole body.
using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
// A response with its whole body.
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

}  // namespace nimbus
