// The Java methods templates call on values: String (length, substring, replace, split, ...),
// List (size, get, add, contains, ...) and Map (get, put, keySet, entrySet, ...). A method that
// does not exist, or arguments of the wrong kind, give null as in Velocity; a void method gives
// "". Java's exceptions (an index out of range) are TemplateErrors.

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/apigateway/vtl/eval.h"
#include "services/apigateway/vtl/values.h"

namespace nimbus::apigateway::vtl {

namespace {

using Args = std::vector<Value>;

bool is_string(const Args& args, size_t k) { return k < args.size() && args[k].is_string(); }
bool is_int(const Args& args, size_t k) { return k < args.size() && is_integral(args[k]); }
const std::string& str(const Args& args, size_t k) { return args[k].get_ref<const std::string&>(); }

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}
std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return s;
}

// A Java regex that is a plain string (metacharacters escaped) as that string; nullopt for a
// real regular expression, which this engine does not run.
std::optional<std::string> literal_pattern(std::string_view regex) {
  std::string out;
  for (size_t k = 0; k < regex.size(); ++k) {
    char c = regex[k];
    if (c == '\\') {
      if (k + 1 >= regex.size()) return std::nullopt;
      char next = regex[++k];
      if ((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') ||
          (next >= '0' && next <= '9')) {
        return std::nullopt;  // \s \d \w \1 ...
      }
      out += next;
    } else if (std::string_view(".[]{}()*+?^$|").find(c) != std::string_view::npos) {
      return std::nullopt;
    } else {
      out += c;
    }
  }
  return out;
}

class StringMethods {
 public:
  StringMethods(Interp& in, const std::string& s, Args& args, size_t pos)
      : in_(in), s_(s), args_(args), pos_(pos) {}

  std::optional<Value> call(const std::string& name) {
    const size_t n = args_.size();
    if (name == "length" && n == 0) return static_cast<int64_t>(s_.size());
    if (name == "isEmpty" && n == 0) return s_.empty();
    if (name == "toString" && n == 0) return s_;
    if (name == "toLowerCase" && n == 0) return lower(s_);
    if (name == "toUpperCase" && n == 0) return upper(s_);
    if (name == "trim" && n == 0) return trim();
    if (name == "substring" && (n == 1 || n == 2) && is_int(args_, 0) &&
        (n == 1 || is_int(args_, 1))) {
      int64_t begin = as_long(args_[0]);
      int64_t end = n == 2 ? as_long(args_[1]) : static_cast<int64_t>(s_.size());
      if (begin < 0 || end > static_cast<int64_t>(s_.size()) || begin > end) {
        in_.fail(pos_, "substring(" + std::to_string(begin) + ", " + std::to_string(end) +
                           ") out of range for a string of length " + std::to_string(s_.size()));
      }
      return s_.substr(static_cast<size_t>(begin), static_cast<size_t>(end - begin));
    }
    if (name == "charAt" && n == 1 && is_int(args_, 0)) {
      int64_t k = as_long(args_[0]);
      if (k < 0 || k >= static_cast<int64_t>(s_.size()))
        in_.fail(pos_, "charAt(" + std::to_string(k) + ") out of range");
      return std::string(1, s_[static_cast<size_t>(k)]);
    }
    if (n == 1 && is_string(args_, 0)) {
      const std::string& a = str(args_, 0);
      if (name == "contains") return s_.find(a) != std::string::npos;
      if (name == "startsWith") return s_.starts_with(a);
      if (name == "endsWith") return s_.ends_with(a);
      if (name == "equals") return s_ == a;
      if (name == "equalsIgnoreCase") return lower(s_) == lower(a);
      if (name == "compareTo")
        return static_cast<int64_t>(s_.compare(a) < 0 ? -1 : s_.compare(a) > 0 ? 1 : 0);
      if (name == "indexOf") return index(s_.find(a));
      if (name == "lastIndexOf") return index(s_.rfind(a));
      if (name == "concat") return checked(s_ + a);
      if (name == "matches") return literal(a) == s_;
      if (name == "split") return split(literal(a), 0);
    }
    if (name == "equals" && n == 1) return false;
    if (name == "indexOf" && n == 2 && is_string(args_, 0) && is_int(args_, 1)) {
      int64_t from = std::max<int64_t>(0, as_long(args_[1]));
      if (from > static_cast<int64_t>(s_.size())) return int64_t{-1};
      return index(s_.find(str(args_, 0), static_cast<size_t>(from)));
    }
    if (name == "split" && n == 2 && is_string(args_, 0) && is_int(args_, 1)) {
      return split(literal(str(args_, 0)), as_long(args_[1]));
    }
    if (n == 2 && is_string(args_, 0) && is_string(args_, 1)) {
      if (name == "replace") return replace(str(args_, 0), str(args_, 1), false);
      if (name == "replaceAll")
        return replace(literal(str(args_, 0)), replacement(str(args_, 1)), false);
      if (name == "replaceFirst")
        return replace(literal(str(args_, 0)), replacement(str(args_, 1)), true);
    }
    return std::nullopt;
  }

 private:
  static Value index(size_t found) {
    return found == std::string::npos ? int64_t{-1} : static_cast<int64_t>(found);
  }

  Value checked(std::string s) {
    in_.check_string(s.size(), pos_);
    return s;
  }

  std::string trim() const {
    size_t b = 0, e = s_.size();
    while (b < e && static_cast<unsigned char>(s_[b]) <= ' ') ++b;
    while (e > b && static_cast<unsigned char>(s_[e - 1]) <= ' ') --e;
    return s_.substr(b, e - b);
  }

  std::string literal(const std::string& regex) {
    std::optional<std::string> plain = literal_pattern(regex);
    if (!plain)
      in_.fail(pos_,
               "regular expression '" + regex + "' is not supported (only plain text patterns)");
    return *plain;
  }

  // A Java replacement string: \x is x; group references ($1) are not supported.
  std::string replacement(const std::string& text) {
    std::string out;
    for (size_t k = 0; k < text.size(); ++k) {
      if (text[k] == '\\' && k + 1 < text.size()) {
        out += text[++k];
      } else if (text[k] == '$') {
        in_.fail(pos_, "group references in replacement '" + text + "' are not supported");
      } else {
        out += text[k];
      }
    }
    return out;
  }

  Value replace(const std::string& from, const std::string& to, bool first_only) {
    std::string out;
    if (from.empty()) {  // Java inserts `to` around every character
      if ((s_.size() + 1) * to.size() + s_.size() > limits::kMaxOutput)
        in_.check_string(limits::kMaxOutput + 1, pos_);
      for (char c : s_) {
        out += to;
        out += c;
        if (first_only) {
          return out + s_.substr(1);
        }
      }
      return checked(out + to);
    }
    size_t at = 0;
    while (true) {
      size_t found = s_.find(from, at);
      if (found == std::string::npos) break;
      out.append(s_, at, found - at);
      out += to;
      at = found + from.size();
      if (out.size() > limits::kMaxOutput) in_.check_string(out.size(), pos_);
      if (first_only) break;
    }
    out.append(s_, at, std::string::npos);
    return checked(std::move(out));
  }

  Value split(const std::string& sep, int64_t limit) {
    Value parts = Value::array();
    auto add = [&](std::string part) {
      in_.charge(1 + part.size() / 64, pos_);
      parts.push_back(std::move(part));
    };
    if (sep.empty()) {
      for (size_t k = 0; k < s_.size();) {
        size_t len = 1;  // one UTF-8 character
        while (k + len < s_.size() && (static_cast<unsigned char>(s_[k + len]) & 0xC0) == 0x80)
          ++len;
        add(s_.substr(k, len));
        k += len;
      }
      if (s_.empty()) add("");
      return parts;
    }
    size_t at = 0;
    while (limit <= 0 || static_cast<int64_t>(parts.size()) < limit - 1) {
      size_t found = s_.find(sep, at);
      if (found == std::string::npos) break;
      add(s_.substr(at, found - at));
      at = found + sep.size();
    }
    add(s_.substr(at));
    if (limit == 0) {  // trailing empty strings are dropped (unless all of the string is empty)
      while (parts.size() > 1 && parts.back().get_ref<const std::string&>().empty())
        parts.erase(parts.size() - 1);
      if (parts.size() == 1 && parts[0].get_ref<const std::string&>().empty() && !s_.empty())
        parts.erase(0);
    }
    return parts;
  }

  Interp& in_;
  const std::string& s_;
  Args& args_;
  size_t pos_;
};

std::string key_of(const Value& v) {
  return v.is_string() ? v.get<std::string>() : to_java_string(v);
}

std::optional<Slot> list_method(Interp& in, Slot& self, const std::string& name, Args& args,
                                size_t pos) {
  const Value& list = *self.get();
  const size_t n = args.size();
  auto check_index = [&](int64_t k, size_t size) {
    if (k < 0 || static_cast<uint64_t>(k) >= size) {
      in.fail(pos,
              "index " + std::to_string(k) + " out of range for a list of " + std::to_string(size));
    }
    return static_cast<size_t>(k);
  };
  if (name == "size" && n == 0) return Slot::of(list.size());
  if (name == "isEmpty" && n == 0) return Slot::of(list.empty());
  if (name == "get" && n == 1 && is_int(args, 0))
    return self.child(list[check_index(as_long(args[0]), list.size())]);
  if ((name == "contains" || name == "indexOf") && n == 1) {
    for (size_t k = 0; k < list.size(); ++k) {
      if (values_equal(list[k], args[0]))
        return Slot::of(name == "contains" ? Value(true) : Value(k));
    }
    return Slot::of(name == "contains" ? Value(false) : Value(-1));
  }
  // Changes: the arguments were copied, so adding a list to itself is safe.
  for (const Value& arg : args) in.check_storable(arg, pos);
  if (name == "add" && n == 1) {
    self.writable()->push_back(std::move(args[0]));
    return Slot::of(true);
  }
  if (name == "add" && n == 2 && is_int(args, 0)) {
    Value& into = *self.writable();
    int64_t k = as_long(args[0]);
    if (k != static_cast<int64_t>(into.size())) check_index(k, into.size());
    into.insert(into.begin() + k, std::move(args[1]));
    return Slot::of(std::string());
  }
  if (name == "set" && n == 2 && is_int(args, 0)) {
    Value& into = *self.writable();
    Value& slot = into[check_index(as_long(args[0]), into.size())];
    Value previous = std::move(slot);
    slot = std::move(args[1]);
    return Slot::of(std::move(previous));
  }
  if (name == "remove" && n == 1) {
    Value& from = *self.writable();
    if (is_integral(args[0])) {
      size_t k = check_index(as_long(args[0]), from.size());
      Value removed = std::move(from[k]);
      from.erase(k);
      return Slot::of(std::move(removed));
    }
    for (size_t k = 0; k < from.size(); ++k) {
      if (values_equal(from[k], args[0])) {
        from.erase(k);
        return Slot::of(true);
      }
    }
    return Slot::of(false);
  }
  if (name == "addAll" && n == 1 && args[0].is_array()) {
    Value& into = *self.writable();
    in.charge(args[0].size(), pos);
    for (Value& item : args[0]) into.push_back(std::move(item));
    return Slot::of(true);
  }
  if (name == "clear" && n == 0) {
    *self.writable() = Value::array();
    return Slot::of(std::string());
  }
  return std::nullopt;
}

std::optional<Slot> map_method(Interp& in, Slot& self, const std::string& name, Args& args,
                               size_t pos) {
  const Value& map = *self.get();
  const size_t n = args.size();
  if (name == "size" && n == 0) return Slot::of(map.size());
  if (name == "isEmpty" && n == 0) return Slot::of(map.empty());
  if (name == "get" && n == 1) {
    auto it = map.find(key_of(args[0]));
    return it == map.end() ? Slot() : self.child(*it);
  }
  if (name == "containsKey" && n == 1) return Slot::of(map.contains(key_of(args[0])));
  if (name == "containsValue" && n == 1) {
    for (const Value& item : map) {
      if (values_equal(item, args[0])) return Slot::of(true);
    }
    return Slot::of(false);
  }
  if (name == "keySet" && n == 0) {
    Value keys = Value::array();
    for (const auto& [key, item] : map.items()) keys.push_back(key);
    in.charge(keys.size(), pos);
    return Slot::of(std::move(keys));
  }
  if ((name == "values" || name == "entrySet") && n == 0) {
    in.charge(value_size(map), pos);
    Value out = Value::array();
    for (const auto& [key, item] : map.items()) {
      out.push_back(name == "values" ? item : Value{{"key", key}, {"value", item}});
    }
    return Slot::of(std::move(out));
  }
  for (const Value& arg : args) in.check_storable(arg, pos);
  if (name == "put" && n == 2) {
    Value& into = *self.writable();
    std::string key = key_of(args[0]);
    Value previous = into.contains(key) ? std::move(into[key]) : Value();
    into[key] = std::move(args[1]);
    return Slot::of(std::move(previous));
  }
  if (name == "putAll" && n == 1 && args[0].is_object()) {
    Value& into = *self.writable();
    for (auto& [key, item] : args[0].items()) into[key] = std::move(item);
    return Slot::of(std::string());
  }
  if (name == "remove" && n == 1) {
    Value& from = *self.writable();
    std::string key = key_of(args[0]);
    if (!from.contains(key)) return Slot();
    Value previous = std::move(from[key]);
    from.erase(key);
    return Slot::of(std::move(previous));
  }
  if (name == "clear" && n == 0) {
    *self.writable() = Value::object();
    return Slot::of(std::string());
  }
  return std::nullopt;
}

std::optional<Slot> number_method(const Value& v, const std::string& name, const Args& args) {
  if (!args.empty()) return std::nullopt;
  if (name == "intValue" || name == "longValue") {
    if (is_integral(v)) return Slot::of(v);
    double d = v.get<double>();
    if (!(d > -9.2e18 && d < 9.2e18)) return std::nullopt;
    return Slot::of(static_cast<int64_t>(d));
  }
  if (name == "doubleValue") return Slot::of(v.get<double>());
  return std::nullopt;
}

}  // namespace

std::optional<Slot> call_method(Interp& in, Slot& self, const std::string& name, Args& args,
                                size_t pos) {
  const Value& v = *self.get();
  if (name == "toString" && args.empty()) return Slot::of(to_java_string(v));
  if (v.is_string()) {
    std::optional<Value> result =
        StringMethods(in, v.get_ref<const std::string&>(), args, pos).call(name);
    if (!result) return std::nullopt;
    return Slot::of(std::move(*result));
  }
  if (v.is_array()) return list_method(in, self, name, args, pos);
  if (v.is_object()) return map_method(in, self, name, args, pos);
  if (v.is_number()) return number_method(v, name, args);
  if (name == "equals" && args.size() == 1) return Slot::of(values_equal(v, args[0]));
  return std::nullopt;
}

}  // namespace nimbus::apigateway::vtl
