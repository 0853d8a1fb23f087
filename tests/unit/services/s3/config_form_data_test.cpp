#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <cstring>

#include "core/aws_error.h"
#include "services/s3/post_upload_form.h"

namespace nimbus::s3 {
namespace {

// A request body handed out `chunk` bytes at a time.
class ChunkedBody final : public BodyReader {
 public:
  ChunkedBody(std::string data, size_t chunk) : data_(std::move(data)), chunk_(chunk) {}
  awaitable<size_t> read_some(std::span<char> out) override {
    size_t count = std::min({chunk_, out.size(), data_.size() - offset_});
    std::memcpy(out.data(), data_.data() + offset_, count);
    offset_ += count;
    co_return count;
  }
  std::optional<uint64_t> content_length() const override { return data_.size(); }
  uint64_t bytes_read() const override { return offset_; }
  bool done() const override { return offset_ == data_.size(); }

 private:
  std::string data_;
  size_t chunk_;
  size_t offset_ = 0;
};

const std::string kBoundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

std::string body_with_file(const std::string& file) {
  return "preamble\r\n--" + kBoundary + "\r\n" +
         "Content-Disposition: form-data; name=\"key\"\r\n\r\n" + "uploads/${filename}\r\n--" + kBoundary + "\r\n" +
         "Content-Disposition: form-data; name=\"Content-Type\"\r\n\r\n" + "text/plain\r\n--" + kBoundary + "\r\n" +
         "Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n" +
         "Content-Type: text/plain\r\n\r\n" + file + "\r\n--" + kBoundary + "\r\n" +
         "Content-Disposition: form-data; name=\"ignored\"\r\n\r\n" + "after\r\n--" + kBoundary + "--\r\n";
}

// What the reader saw: name=value per field, and the file's name and bytes.
struct Parsed {
  std::vector<std::pair<std::string, std::string>> fields;
  std::string filename;
  std::string file;
  bool more_after_file = false;
};

awaitable<Parsed> parse(BodyReader& body) {
  FormDataReader form(body, kBoundary);
  Parsed parsed;
  while (true) {
    auto part = co_await form.next_part();
    if (!part) break;
    if (part->name == "file") {
      parsed.filename = part->filename.value_or("");
      std::string buffer(7, '\0');
      while (true) {
        size_t count = co_await form.content().read_some(buffer);
        if (count == 0) break;
        parsed.file.append(buffer, 0, count);
      }
      parsed.more_after_file = (co_await form.next_part()).has_value();
      break;
    }
    parsed.fields.emplace_back(part->name, co_await form.read_value(1024));
  }
  co_return parsed;
}

Parsed run_parse(const std::string& data, size_t chunk) {
  boost::asio::io_context io;
  ChunkedBody body(data, chunk);
  auto future = boost::asio::co_spawn(io, parse(body), boost::asio::use_future);
  io.run();
  return future.get();
}

TEST(FormDataTest, BoundaryParameterIsFoundQuotedOrBare) {
  EXPECT_EQ(form_boundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(form_boundary("multipart/form-data; charset=utf-8; boundary=\"a b\""), "a b");
  EXPECT_FALSE(form_boundary("multipart/form-data"));
}

TEST(FormDataTest, FieldsAndFileSurviveEveryReadSizeIncludingSplitBoundaries) {
  // The file holds near-boundaries: CRLF-- runs that are not the delimiter.
  std::string file = "line one\r\n--" + kBoundary.substr(0, 10) + "\r\n-\r\n--end";
  auto data = body_with_file(file);
  for (size_t chunk : {1u, 2u, 3u, 5u, 13u, 41u, 64u, 100000u}) {
    auto parsed = run_parse(data, chunk);
    ASSERT_EQ(parsed.fields.size(), 2u) << "chunk " << chunk;
    EXPECT_EQ(parsed.fields[0], (std::pair<std::string, std::string>{"key", "uploads/${filename}"}));
    EXPECT_EQ(parsed.fields[1], (std::pair<std::string, std::string>{"Content-Type", "text/plain"}));
    EXPECT_EQ(parsed.filename, "a.txt");
    EXPECT_EQ(parsed.file, file) << "chunk " << chunk;
    EXPECT_TRUE(parsed.more_after_file);
  }
}

TEST(FormDataTest, LargeFileStreamsThroughIntact) {
  std::string file(300 * 1024, 'x');
  for (size_t i = 0; i < file.size(); i += 997) file[i] = static_cast<char>('a' + i % 26);
  auto parsed = run_parse(body_with_file(file), 8191);
  EXPECT_EQ(parsed.file, file);
}

TEST(FormDataTest, TruncatedBodyIsMalformedPostRequest) {
  auto data = body_with_file("content");
  data.resize(data.find("content") + 3);
  try {
    run_parse(data, 16);
    FAIL() << "truncated body accepted";
  } catch (const AwsError& error) {
    EXPECT_EQ(error.code, "MalformedPOSTRequest");
  }
}

TEST(FormDataTest, OversizedFieldIsRejected) {
  std::string data = "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\n" +
                     std::string(2000, 'k') + "\r\n--" + kBoundary + "--\r\n";
  EXPECT_THROW(run_parse(data, 512), AwsError);
}

}  // namespace
}  // namespace nimbus::s3
