#include "services/dynamodb/expr/tokenizer.h"

namespace nimbus::dynamodb::expr {
namespace {

bool is_word_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word(char c) { return is_word_start(c) || is_digit(c); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Length of the UTF-8 sequence starting with `lead`, so an unknown character is reported whole.
size_t utf8_length(unsigned char lead) {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

}  // namespace

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  auto emit = [&](Tok kind, size_t begin, size_t end) {
    tokens.push_back({kind, begin, end, text.substr(begin, end - begin)});
  };
  while (i < text.size()) {
    char c = text[i];
    size_t begin = i;
    if (is_space(c)) {
      ++i;
    } else if (is_word_start(c)) {
      while (i < text.size() && is_word(text[i])) ++i;
      emit(Tok::Name, begin, i);
    } else if (is_digit(c)) {
      while (i < text.size() && is_digit(text[i])) ++i;
      emit(Tok::Integer, begin, i);
    } else if (c == '#' || c == ':') {
      ++i;
      while (i < text.size() && is_word(text[i])) ++i;
      emit(i - begin == 1 ? Tok::Unknown
           : c == '#'     ? Tok::NamePlaceholder
                          : Tok::ValuePlaceholder,
           begin, i);
    } else if (c == '<') {
      ++i;
      Tok kind = Tok::Lt;
      if (i < text.size() && (text[i] == '=' || text[i] == '>'))
        kind = text[i++] == '=' ? Tok::Le : Tok::Ne;
      emit(kind, begin, i);
    } else if (c == '>') {
      ++i;
      Tok kind = Tok::Gt;
      if (i < text.size() && text[i] == '=') {
        kind = Tok::Ge;
        ++i;
      }
      emit(kind, begin, i);
    } else {
      Tok kind = Tok::Unknown;
      switch (c) {
        case '=':
          kind = Tok::Eq;
          break;
        case '(':
          kind = Tok::LParen;
          break;
        case ')':
          kind = Tok::RParen;
          break;
        case '[':
          kind = Tok::LBracket;
          break;
        case ']':
          kind = Tok::RBracket;
          break;
        case ',':
          kind = Tok::Comma;
          break;
        case '.':
          kind = Tok::Dot;
          break;
        case '+':
          kind = Tok::Plus;
          break;
        case '-':
          kind = Tok::Minus;
          break;
        default:
          break;
      }
      i += kind == Tok::Unknown ? utf8_length(static_cast<unsigned char>(c)) : 1;
      if (i > text.size()) i = text.size();
      emit(kind, begin, i);
    }
  }
  emit(Tok::End, text.size(), text.size());
  return tokens;
}

}  // namespace nimbus::dynamodb::expr
