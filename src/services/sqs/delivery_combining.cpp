#include "services/sqs/delivery_combining.h"

#include <charconv>
#include <string>

#include "services/sqs/batch.h"
#include "services/sqs/queue_attributes.h"

namespace nimbus::sqs {

using Json = delivery::Json;

delivery::Combining send_message_combining() {
  delivery::Combining combining;
  combining.operation = "SendMessageBatch";
  combining.max_entries = batch::kMaxEntries;
  combining.max_bytes = static_cast<size_t>(kMaxMessageSizeLimit);
  combining.key = [](const Json& input) { return input.value("QueueUrl", ""); };
  combining.size = [](const Json& input) { return batch::message_bytes(input); };
  combining.combine = [](const std::vector<const Json*>& inputs) {
    Json entries = Json::array();
    for (size_t i = 0; i < inputs.size(); ++i) {
      Json entry = *inputs[i];
      entry.erase("QueueUrl");
      entry["Id"] = std::to_string(i);
      entries.push_back(std::move(entry));
    }
    return Json{{"QueueUrl", inputs.front()->value("QueueUrl", "")}, {"Entries", std::move(entries)}};
  };
  combining.split = [](const Json& output, size_t inputs) {
    // An entry the answer does not mention is treated as failed by the service (tried again).
    std::vector<std::optional<AwsError>> outcomes(
        inputs, AwsError(500, "InternalError", "The batch's answer did not mention this entry", {}, false));
    auto index_of = [&](const Json& entry) -> std::optional<size_t> {
      auto id = entry.value("Id", "");
      size_t index = 0;
      auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), index);
      if (error != std::errc() || end != id.data() + id.size() || index >= inputs) return std::nullopt;
      return index;
    };
    for (const auto& entry : output.value("Successful", Json::array())) {
      if (auto index = index_of(entry)) outcomes[*index].reset();
    }
    for (const auto& entry : output.value("Failed", Json::array())) {
      auto index = index_of(entry);
      if (!index) continue;
      bool sender = entry.value("SenderFault", true);
      outcomes[*index] =
          AwsError(sender ? 400 : 500, entry.value("Code", "InternalError"), entry.value("Message", ""), {}, sender);
    }
    return outcomes;
  };
  return combining;
}

}  // namespace nimbus::sqs
