#pragma once
// A streaming multipart/form-data reader for browser POST uploads: small fields are read whole,
// the file part is handed on as a BodyReader that ends at the next boundary, so a large upload
// never sits in memory. Boundaries may be split across reads of the underlying body.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/raw_http.h"
#include "services/s3/s3_types.h"

namespace nimbus::s3 {

// The headers of one part.
struct FormPart {
  std::string name;
  std::optional<std::string> filename;
  std::string content_type;
};

// The boundary of a "multipart/form-data; boundary=…" Content-Type; nullopt if absent.
std::optional<std::string> form_boundary(std::string_view content_type);

// Reads a multipart/form-data body part by part.
class FormDataReader {
 public:
  FormDataReader(BodyReader& body, std::string boundary);

  // The next part's headers; nullopt after the closing boundary. Unread content of the current
  // part is skipped. Throws MalformedPOSTRequest on framing errors or a truncated body.
  awaitable<std::optional<FormPart>> next_part();
  // The rest of the current part, whole; MaxPostPreDataLengthExceeded when longer than `limit`.
  awaitable<std::string> read_value(size_t limit);
  // The rest of the current part as a stream ending at the boundary.
  BodyReader& content() { return content_; }

 private:
  // The current part's content seen as a request body.
  class PartReader final : public BodyReader {
   public:
    explicit PartReader(FormDataReader& form) : form_(form) {}
    awaitable<size_t> read_some(std::span<char> out) override;
    std::optional<uint64_t> content_length() const override { return std::nullopt; }
    uint64_t bytes_read() const override { return bytes_read_; }
    bool done() const override { return form_.part_done_; }

   private:
    friend class FormDataReader;
    FormDataReader& form_;
    uint64_t bytes_read_ = 0;
  };

  // Up to out.size() bytes of the current part; 0 once its closing delimiter is consumed.
  awaitable<size_t> read_content(std::span<char> out);
  // Appends more of the body to the buffer; false at its end.
  awaitable<bool> fill();
  awaitable<void> require(size_t bytes);

  BodyReader& body_;
  std::string delimiter_;  // "\r\n--" + boundary
  std::string buffer_;
  size_t start_ = 0;  // first unconsumed byte of buffer_
  bool part_done_ = false;
  bool finished_ = false;
  PartReader content_{*this};
};

}  // namespace nimbus::s3
