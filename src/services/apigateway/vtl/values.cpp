// Java's view of template values (see values.h).

#include "services/apigateway/vtl/values.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace nimbus::apigateway::vtl {

std::string java_double(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, end);  // "-2.4999e+02"
  std::string sign;
  if (sci[0] == '-') {
    sign = "-";
    sci.erase(0, 1);
  }
  size_t e = sci.find('e');
  std::string digits = sci.substr(0, 1) + (e > 2 ? sci.substr(2, e - 2) : "");
  int exponent = std::stoi(sci.substr(e + 1));
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  double magnitude = std::fabs(d);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    std::string whole, fraction;
    if (exponent >= 0) {
      size_t int_len = static_cast<size_t>(exponent) + 1;
      whole = digits.substr(0, std::min(int_len, digits.size()));
      if (digits.size() < int_len) whole.append(int_len - digits.size(), '0');
      fraction = digits.size() > int_len ? digits.substr(int_len) : "0";
    } else {
      whole = "0";
      fraction = std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
    }
    return sign + whole + "." + fraction;
  }
  return sign + digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0") + "E" +
         std::to_string(exponent);
}

std::string to_java_string(const Value& v) {
  switch (v.type()) {
    case Value::value_t::null:
      return "null";
    case Value::value_t::boolean:
      return v.get<bool>() ? "true" : "false";
    case Value::value_t::number_integer:
      return std::to_string(v.get<int64_t>());
    case Value::value_t::number_unsigned:
      return std::to_string(v.get<uint64_t>());
    case Value::value_t::number_float:
      return java_double(v.get<double>());
    case Value::value_t::string:
      return v.get_ref<const std::string&>();
    case Value::value_t::array: {
      std::string out = "[";
      bool first = true;
      for (const Value& item : v) {
        if (!first) out += ", ";
        first = false;
        out += to_java_string(item);
      }
      return out + "]";
    }
    case Value::value_t::object: {
      std::string out = "{";
      bool first = true;
      for (const auto& [key, item] : v.items()) {
        if (!first) out += ", ";
        first = false;
        out += key + "=" + to_java_string(item);
      }
      return out + "}";
    }
    default:
      return "";
  }
}

std::string to_json_text(const Value& v) {
  return v.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
}

bool truthy(const Value* v) {
  if (!v || v->is_null()) return false;
  if (v->is_boolean()) return v->get<bool>();
  return true;
}

bool is_integral(const Value& v) {
  return v.is_number_integer() &&
         (!v.is_number_unsigned() ||
          v.get<uint64_t>() <= uint64_t(std::numeric_limits<int64_t>::max()));
}

int64_t as_long(const Value& v) {
  return v.is_number_unsigned() ? static_cast<int64_t>(v.get<uint64_t>()) : v.get<int64_t>();
}

static double as_double(const Value& v) {
  if (v.is_number_unsigned()) return static_cast<double>(v.get<uint64_t>());
  if (v.is_number_integer()) return static_cast<double>(v.get<int64_t>());
  return v.get<double>();
}

std::optional<int> compare_numbers(const Value& a, const Value& b) {
  if (!a.is_number() || !b.is_number()) return std::nullopt;
  if (is_integral(a) && is_integral(b)) {
    int64_t x = as_long(a), y = as_long(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  double x = as_double(a), y = as_double(b);
  if (std::isnan(x) || std::isnan(y)) return std::nullopt;
  return x < y ? -1 : x > y ? 1 : 0;
}

bool values_equal(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  if (a.is_number() && b.is_number()) return compare_numbers(a, b) == 0;
  if (a.type() == b.type()) return a == b;
  // Velocity compares values of different classes by their toString().
  return to_java_string(a) == to_java_string(b);
}

Value arithmetic(const std::string& op, const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return nullptr;
  if (op == "+" && (a.is_string() || b.is_string())) return to_java_string(a) + to_java_string(b);
  if (!a.is_number() || !b.is_number()) return nullptr;
  if (is_integral(a) && is_integral(b)) {
    int64_t x = as_long(a), y = as_long(b), r = 0;
    bool overflow = false;
    if (op == "+") {
      overflow = __builtin_add_overflow(x, y, &r);
    } else if (op == "-") {
      overflow = __builtin_sub_overflow(x, y, &r);
    } else if (op == "*") {
      overflow = __builtin_mul_overflow(x, y, &r);
    } else if (op == "/" || op == "%") {
      if (y == 0) return nullptr;
      if (x == std::numeric_limits<int64_t>::min() && y == -1) {
        overflow = true;
      } else {
        r = op == "/" ? x / y : x % y;
      }
    }
    if (!overflow) return r;
  }
  double x = as_double(a), y = as_double(b);
  if (op == "+") return x + y;
  if (op == "-") return x - y;
  if (op == "*") return x * y;
  if (y == 0) return nullptr;
  if (op == "/") return x / y;
  return std::fmod(x, y);
}

Value negate(const Value& v) {
  if (is_integral(v) && as_long(v) != std::numeric_limits<int64_t>::min()) return -as_long(v);
  if (v.is_number()) return -as_double(v);
  return nullptr;
}

size_t value_depth(const Value& v, size_t limit) {
  if (!v.is_structured()) return 0;
  if (limit == 0) return 1;
  size_t deepest = 0;
  for (const Value& item : v) {
    deepest = std::max(deepest, value_depth(item, limit - 1));
    if (deepest >= limit) break;
  }
  return deepest + 1;
}

size_t value_size(const Value& v) {
  size_t n = 1;
  if (v.is_string()) return 1 + v.get_ref<const std::string&>().size() / 64;
  if (v.is_structured()) {
    for (const Value& item : v) n += value_size(item);
  }
  return n;
}

Value from_json(const Json& j, size_t depth) {
  if (depth > limits::kMaxValueDepth) throw TemplateError("input nests too deeply");
  if (j.is_object()) {
    Value out = Value::object();
    for (const auto& [key, item] : j.items()) out[key] = from_json(item, depth + 1);
    return out;
  }
  if (j.is_array()) {
    Value out = Value::array();
    for (const Json& item : j) out.push_back(from_json(item, depth + 1));
    return out;
  }
  if (j.is_binary() || j.is_discarded()) return nullptr;
  return Value(j);  // a scalar
}

Json to_plain_json(const Value& v) {
  if (v.is_object()) {
    Json out = Json::object();
    for (const auto& [key, item] : v.items()) out[key] = to_plain_json(item);
    return out;
  }
  if (v.is_array()) {
    Json out = Json::array();
    for (const Value& item : v) out.push_back(to_plain_json(item));
    return out;
  }
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) return v.get<double>();
  return nullptr;
}

}  // namespace nimbus::apigateway::vtl
