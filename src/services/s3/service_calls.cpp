#include "services/s3/service_calls.h"

#include <boost/beast/http/verb.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <climits>

#include "core/text.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace http = boost::beast::http;

namespace {

// A body handed over in process: bytes, or a file read from its start.
class InProcessBody final : public BodyReader {
 public:
  explicit InProcessBody(std::string bytes) : bytes_(std::move(bytes)), length_(bytes_.size()) {}
  InProcessBody(int fd, uint64_t length) : fd_(fd), length_(length) {}
  ~InProcessBody() override {
    if (fd_ >= 0) ::close(fd_);
  }

  boost::asio::awaitable<size_t> read_some(std::span<char> out) override {
    size_t want = std::min<uint64_t>(out.size(), length_ - read_);
    if (want == 0) co_return 0;
    if (fd_ < 0) {
      std::copy_n(bytes_.data() + read_, want, out.data());
    } else {
      // A caller's file on local disk, read in blocks as a socket body would be.
      ssize_t n = ::pread(fd_, out.data(), want, static_cast<off_t>(read_));
      if (n <= 0) throw AwsError::internal();
      want = static_cast<size_t>(n);
    }
    read_ += want;
    co_return want;
  }
  std::optional<uint64_t> content_length() const override { return length_; }
  uint64_t bytes_read() const override { return read_; }
  bool done() const override { return read_ == length_; }

 private:
  std::string bytes_;
  int fd_ = -1;
  uint64_t length_;
  uint64_t read_ = 0;
};

std::string object_target(const std::string& bucket, const std::string& key) {
  return "/" + text::percent_encode(bucket, false) + (key.empty() ? "" : "/" + text::percent_encode(key, true));
}

// Where an open body lies: the path of its descriptor (bodies are whole files from offset 0).
std::string body_path(const BodyRange& range) {
  std::array<char, PATH_MAX> path{};
  auto link = "/proc/self/fd/" + std::to_string(range.file->fd());
  ssize_t n = ::readlink(link.c_str(), path.data(), path.size() - 1);
  if (n <= 0 || range.offset != 0) throw AwsError::internal();
  return std::string(path.data(), static_cast<size_t>(n));
}

std::string read_range(const BodyRange& range) {
  if (range.bytes) return range.bytes->substr(static_cast<size_t>(range.offset), static_cast<size_t>(range.length));
  std::string out(static_cast<size_t>(range.length), '\0');
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::pread(range.file->fd(), out.data() + done, out.size() - done, static_cast<off_t>(range.offset + done));
    if (n <= 0) throw AwsError::internal();
    done += static_cast<size_t>(n);
  }
  return out;
}

boost::asio::awaitable<Json> get_object(RequestContext& context, Json input, const Handler& handler) {
  bool in_place = input.value("_InPlace", false);
  input.erase("_InPlace");
  std::string bucket = input.value("Bucket", "");
  std::string key = input.value("Key", "");
  HttpRequest head{http::verb::get, object_target(bucket, key), 11};
  S3Call call{context, head, bucket, key, std::move(input), nullptr};
  S3Result result = co_await handler(call);
  Json output = std::move(result.output);
  if (!result.body) {
    output["Body"] = std::string();
  } else if (in_place && result.body->file) {
    output["_BodyFile"] = body_path(*result.body);
  } else {
    output["Body"] = read_range(*result.body);
  }
  co_return output;
}

boost::asio::awaitable<Json> list_objects(RequestContext& context, Json input, const Handler& handler) {
  std::string bucket = input.value("Bucket", "");
  HttpRequest head{http::verb::get, object_target(bucket, "") + "?list-type=2", 11};
  S3Call call{context, head, bucket, "", std::move(input), nullptr};
  S3Result result = co_await handler(call);
  co_return std::move(result.output);
}

boost::asio::awaitable<Json> put_object(RequestContext& context, Json input, const Handler& handler) {
  std::unique_ptr<InProcessBody> body;
  if (input.contains("_BodyFile")) {
    int fd = ::open(input["_BodyFile"].get<std::string>().c_str(), O_RDONLY | O_CLOEXEC);
    struct stat info {};
    if (fd < 0 || ::fstat(fd, &info) != 0) {
      if (fd >= 0) ::close(fd);
      throw AwsError::internal();
    }
    body = std::make_unique<InProcessBody>(fd, static_cast<uint64_t>(info.st_size));
  } else {
    body = std::make_unique<InProcessBody>(input.value("Body", ""));
  }
  input.erase("_BodyFile");
  input.erase("Body");
  std::string bucket = input.value("Bucket", "");
  std::string key = input.value("Key", "");
  HttpRequest head{http::verb::put, object_target(bucket, key), 11};
  head.set(http::field::content_length, std::to_string(*body->content_length()));
  if (input.contains("ContentType")) head.set(http::field::content_type, input["ContentType"].get<std::string>());
  S3Call call{context, head, bucket, key, std::move(input), body.get()};
  S3Result result = co_await handler(call);
  co_return std::move(result.output);
}

}  // namespace

bool serves_service_call(std::string_view operation) {
  return operation == "GetObject" || operation == "ListObjectsV2" || operation == "PutObject";
}

boost::asio::awaitable<Json> run_service_call(std::string_view operation, RequestContext& context, Json input,
                                              const HandlerLookup& handler) {
  if (operation == "GetObject") co_return co_await get_object(context, std::move(input), handler(operation));
  if (operation == "ListObjectsV2") co_return co_await list_objects(context, std::move(input), handler(operation));
  if (operation == "PutObject") co_return co_await put_object(context, std::move(input), handler(operation));
  throw AwsError::internal();
}

}  // namespace nimbus::s3
