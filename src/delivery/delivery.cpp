#include "delivery/delivery.h"

namespace nimbus::delivery {

Json describe_target(const Target& target) {
  return {{"service", target.service}, {"operation", target.operation}, {"account", target.account},
          {"region", target.region}};
}

std::string encode_delivery(const Delivery& delivery, int64_t created_ms) {
  Json target = describe_target(delivery.target);
  target["input"] = delivery.target.input;
  Json record = {{"source", delivery.source},
                 {"source_arn", delivery.source_arn},
                 {"source_account", delivery.source_account},
                 {"lane", delivery.lane},
                 {"ordered", delivery.ordered},
                 {"target", std::move(target)},
                 {"retry",
                  {{"max_attempts", delivery.retry.max_attempts},
                   {"max_age_ms", delivery.retry.max_age_ms},
                   {"first_delay_ms", delivery.retry.first_delay_ms},
                   {"max_delay_ms", delivery.retry.max_delay_ms},
                   {"retry_missing", delivery.retry.retry_missing}}},
                 {"dead_letter", delivery.dead_letter},
                 {"created_ms", created_ms}};
  if (!delivery.source_context.is_null()) record["source_context"] = delivery.source_context;
  // CBOR: inputs carry whole events and messages, which CBOR stores as they are where JSON text
  // would escape them character by character (a tenth of PutEvents' time).
  auto cbor = Json::to_cbor(record);
  return std::string(cbor.begin(), cbor.end());
}

std::optional<std::pair<Delivery, int64_t>> decode_delivery(std::string_view text) {
  // Records stored before CBOR are JSON text: an object's first byte, '{', is no CBOR map's.
  auto record = !text.empty() && text.front() == '{' ? Json::parse(text, nullptr, false)
                                                     : Json::from_cbor(text, true, false);
  if (!record.is_object()) return std::nullopt;
  try {
    Delivery delivery;
    delivery.source = record.at("source").get<std::string>();
    delivery.source_arn = record.value("source_arn", "");
    delivery.source_account = record.value("source_account", "");
    delivery.lane = record.at("lane").get<std::string>();
    delivery.ordered = record.value("ordered", false);
    const auto& target = record.at("target");
    delivery.target.service = target.at("service").get<std::string>();
    delivery.target.operation = target.at("operation").get<std::string>();
    delivery.target.account = target.at("account").get<std::string>();
    delivery.target.region = target.at("region").get<std::string>();
    delivery.target.input = target.value("input", Json::object());
    delivery.dead_letter = record.value("dead_letter", false);
    if (auto it = record.find("source_context"); it != record.end()) delivery.source_context = *it;
    const auto& retry = record.at("retry");
    delivery.retry.max_attempts = retry.value("max_attempts", 0);
    delivery.retry.max_age_ms = retry.value("max_age_ms", delivery.retry.max_age_ms);
    delivery.retry.first_delay_ms = retry.value("first_delay_ms", delivery.retry.first_delay_ms);
    delivery.retry.max_delay_ms = retry.value("max_delay_ms", delivery.retry.max_delay_ms);
    delivery.retry.retry_missing = retry.value("retry_missing", true);
    return std::pair{std::move(delivery), record.value("created_ms", int64_t{0})};
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

}  // namespace nimbus::delivery
