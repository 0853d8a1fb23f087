#include "services/s3/post_upload_form.h"

#include <algorithm>
#include <cstring>

#include "services/s3/config_common.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

constexpr size_t kReadSize = 64 * 1024;
constexpr size_t kMaxPartHeaders = 16 * 1024;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The value of `name=` in a header's parameters ("form-data; name=\"key\"; filename=\"a.txt\"").
std::optional<std::string> parameter(std::string_view header, std::string_view name) {
  size_t at = 0;
  while ((at = header.find(';', at)) != std::string_view::npos) {
    auto item = trim(header.substr(at + 1));
    at += 1;
    auto equals = item.find('=');
    if (equals == std::string_view::npos || lower(trim(item.substr(0, equals))) != name) continue;
    auto value = trim(item.substr(equals + 1));
    if (!value.empty() && value.front() == '"') {
      auto close = value.find('"', 1);
      return std::string(value.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
    }
    return std::string(value.substr(0, value.find(';')));
  }
  return std::nullopt;
}

FormPart parse_part_headers(std::string_view headers) {
  FormPart part;
  bool disposition = false;
  while (!headers.empty()) {
    auto end = headers.find("\r\n");
    auto line = headers.substr(0, end);
    headers = end == std::string_view::npos ? std::string_view() : headers.substr(end + 2);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    auto name = lower(trim(line.substr(0, colon)));
    auto value = trim(line.substr(colon + 1));
    if (name == "content-disposition") {
      auto field = parameter(value, "name");
      if (!field) throw errors::malformed_post_request();
      part.name = *field;
      part.filename = parameter(value, "filename");
      disposition = true;
    } else if (name == "content-type") {
      part.content_type = std::string(value);
    }
  }
  if (!disposition) throw errors::malformed_post_request();
  return part;
}

}  // namespace

std::optional<std::string> form_boundary(std::string_view content_type) {
  auto boundary = parameter(content_type, "boundary");
  if (!boundary || boundary->empty()) return std::nullopt;
  return boundary;
}

// The body is read as if preceded by CRLF, so the first boundary is an ordinary delimiter and
// any preamble is the content of a part nobody reads.
FormDataReader::FormDataReader(BodyReader& body, std::string boundary)
    : body_(body), delimiter_("\r\n--" + boundary), buffer_("\r\n") {}

awaitable<bool> FormDataReader::fill() {
  if (start_ > 0) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  auto size = buffer_.size();
  buffer_.resize(size + kReadSize);
  size_t got = co_await body_.read_some(std::span<char>(buffer_.data() + size, kReadSize));
  buffer_.resize(size + got);
  co_return got > 0;
}

awaitable<void> FormDataReader::require(size_t bytes) {
  while (buffer_.size() - start_ < bytes) {
    bool filled = co_await fill();
    if (!filled) throw errors::malformed_post_request();
  }
}

awaitable<size_t> FormDataReader::read_content(std::span<char> out) {
  while (!part_done_) {
    auto found = buffer_.find(delimiter_, start_);
    size_t available;
    if (found == start_) {
      start_ += delimiter_.size();
      part_done_ = true;
      break;
    }
    if (found != std::string::npos) {
      available = found - start_;
    } else {
      // The last delimiter-length-minus-one bytes may be the start of a split delimiter.
      size_t buffered = buffer_.size() - start_;
      available = buffered >= delimiter_.size() ? buffered - (delimiter_.size() - 1) : 0;
    }
    if (available > 0 && !out.empty()) {
      size_t count = std::min(available, out.size());
      std::memcpy(out.data(), buffer_.data() + start_, count);
      start_ += count;
      co_return count;
    }
    bool filled = co_await fill();
    if (!filled) throw errors::malformed_post_request();
  }
  co_return 0;
}

awaitable<size_t> FormDataReader::PartReader::read_some(std::span<char> out) {
  auto count = co_await form_.read_content(out);
  bytes_read_ += count;
  co_return count;
}

awaitable<std::optional<FormPart>> FormDataReader::next_part() {
  if (finished_) co_return std::nullopt;
  std::string scratch(4096, '\0');
  while (true) {
    size_t skipped = co_await read_content(scratch);
    if (skipped == 0) break;
  }
  co_await require(2);
  if (buffer_.compare(start_, 2, "--") == 0) {
    finished_ = true;
    co_return std::nullopt;
  }
  while (buffer_[start_] == ' ' || buffer_[start_] == '\t') {
    ++start_;
    co_await require(2);
  }
  if (buffer_.compare(start_, 2, "\r\n") != 0) throw errors::malformed_post_request();
  start_ += 2;
  size_t end;
  while ((end = buffer_.find("\r\n\r\n", start_)) == std::string::npos) {
    if (buffer_.size() - start_ > kMaxPartHeaders) throw errors::malformed_post_request();
    bool filled = co_await fill();
    if (!filled) throw errors::malformed_post_request();
  }
  auto headers = std::string_view(buffer_).substr(start_, end - start_);
  start_ = end + 4;
  auto part = parse_part_headers(headers);
  part_done_ = false;
  content_.bytes_read_ = 0;
  co_return part;
}

awaitable<std::string> FormDataReader::read_value(size_t limit) {
  std::string value;
  std::string chunk(4096, '\0');
  while (true) {
    size_t count = co_await read_content(chunk);
    if (count == 0) break;
    if (value.size() + count > limit) throw errors::post_fields_too_large();
    value.append(chunk, 0, count);
  }
  co_return value;
}

}  // namespace nimbus::s3
