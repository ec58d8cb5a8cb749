#include "base/json.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>

#include "base/error.h"
#include "base/json_writer.h"

namespace hull::base::json {

std::string_view type_name(Type t) {
  switch (t) {
    case Type::Null: return "null";
    case Type::Bool: return "boolean";
    case Type::Int64:
    case Type::Uint64:
    case Type::Double: return "number";
    case Type::String: return "string";
    case Type::Array: return "array";
    case Type::Object: return "object";
  }
  return "unknown";
}

// ---- Value ----------------------------------------------------------------------------------

Type Value::type() const { return m_doc->m_nodes[m_index].type; }

bool Value::is_number() const {
  Type t = type();
  return t == Type::Int64 || t == Type::Uint64 || t == Type::Double;
}

bool Value::as_bool() const {
  VERIFY(is_bool());
  return m_doc->m_nodes[m_index].num.b;
}

int64_t Value::as_int64() const {
  VERIFY(type() == Type::Int64);
  return m_doc->m_nodes[m_index].num.i;
}

uint64_t Value::as_uint64() const {
  VERIFY(type() == Type::Uint64);
  return m_doc->m_nodes[m_index].num.u;
}

double Value::as_double() const {
  const auto& n = m_doc->m_nodes[m_index];
  switch (n.type) {
    case Type::Int64: return static_cast<double>(n.num.i);
    case Type::Uint64: return static_cast<double>(n.num.u);
    case Type::Double: return n.num.d;
    default: VERIFY(false && "as_double on a non-number");
  }
  return 0;
}

std::string_view Value::as_string() const {
  VERIFY(is_string());
  return m_doc->text_of(m_doc->m_nodes[m_index]);
}

std::string_view Value::raw() const {
  const auto& n = m_doc->m_nodes[m_index];
  return std::string_view(m_doc->m_text).substr(n.offset, n.length);
}

size_t Value::size() const {
  const auto& n = m_doc->m_nodes[m_index];
  if (n.type == Type::Array) return n.count;
  if (n.type == Type::Object) return n.count / 2;
  return 0;
}

Value Value::element(size_t i) const {
  const auto& n = m_doc->m_nodes[m_index];
  VERIFY(n.type == Type::Array && i < n.count);
  return Value(m_doc, m_doc->m_children[n.first + i]);
}

std::string_view Value::key(size_t i) const {
  const auto& n = m_doc->m_nodes[m_index];
  VERIFY(n.type == Type::Object && 2 * i < n.count);
  return m_doc->text_of(m_doc->m_nodes[m_doc->m_children[n.first + 2 * i]]);
}

Value Value::member(size_t i) const {
  const auto& n = m_doc->m_nodes[m_index];
  VERIFY(n.type == Type::Object && 2 * i < n.count);
  return Value(m_doc, m_doc->m_children[n.first + 2 * i + 1]);
}

std::optional<Value> Value::find(std::string_view k) const {
  const auto& n = m_doc->m_nodes[m_index];
  if (n.type != Type::Object) return std::nullopt;
  for (size_t i = 0; 2 * i < n.count; ++i)
    if (key(i) == k) return member(i);
  return std::nullopt;
}

std::string_view Document::text_of(const Node& n) const {
  if (n.escaped) return std::string_view(m_strings).substr(n.first, n.count);
  // Unescaped strings are their raw text without the quotes.
  return std::string_view(m_text).substr(n.offset + 1, n.length - 2);
}

// ---- Parser ---------------------------------------------------------------------------------

class Parser {
 public:
  explicit Parser(Document& doc) : m_doc(doc), m_text(doc.m_text) {}

  Result<> run() {
    skip_ws();
    TRY(value(0));
    skip_ws();
    if (m_pos != m_text.size()) return fail(error("unexpected text after the JSON value"));
    return {};
  }

 private:
  // One open container on the way to the current value, for error paths.
  struct Frame {
    bool is_object;
    size_t index;       // element index, or member index
    uint32_t key_node;  // objects: the current member's key (a node: m_strings may move)
  };

  Error error(std::string_view what) const { return error_at(m_pos, what); }

  Error error_at(size_t pos, std::string_view what) const {
    size_t line = 1, col = 1;
    for (size_t i = 0; i < pos && i < m_text.size(); ++i) {
      if (m_text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return Error::invalid(fmt::format("invalid JSON at line {}, column {}: {}", line, col, what));
  }

  // ".a.b[2]" for the frames open now, as hull's config errors write paths.
  std::string path() const {
    std::string out;
    for (const Frame& f : m_frames) {
      if (!f.is_object) {
        out += fmt::format("[{}]", f.index);
        continue;
      }
      std::string_view key = m_doc.text_of(m_doc.m_nodes[f.key_node]);
      bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
      });
      if (plain) {
        out += '.';
        out += key;
      } else {
        out += '[';
        json_quote(out, key);
        out += ']';
      }
    }
    return out;
  }

  bool at_end() const { return m_pos >= m_text.size(); }
  char peek() const { return m_text[m_pos]; }

  void skip_ws() {
    while (m_pos < m_text.size()) {
      char c = m_text[m_pos];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++m_pos;
    }
  }

  uint32_t new_node(Type t, size_t start) {
    Document::Node n;
    n.type = t;
    n.offset = static_cast<uint32_t>(start);
    m_doc.m_nodes.push_back(n);
    return static_cast<uint32_t>(m_doc.m_nodes.size() - 1);
  }

  void finish(uint32_t node) {
    m_doc.m_nodes[node].length = static_cast<uint32_t>(m_pos - m_doc.m_nodes[node].offset);
  }

  Result<uint32_t> value(size_t depth) {
    if (at_end()) return fail(error("unexpected end of input, expected a value"));
    switch (peek()) {
      case '{': return object(depth);
      case '[': return array(depth);
      case '"': return string();
      case 't': return literal("true", Type::Bool, true);
      case 'f': return literal("false", Type::Bool, false);
      case 'n': return literal("null", Type::Null, false);
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return number();
        return fail(error(fmt::format("unexpected character {}", describe(peek()))));
    }
  }

  static std::string describe(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) return fmt::format("'{}'", c);
    return fmt::format("0x{:02x}", u);
  }

  Result<uint32_t> literal(std::string_view word, Type t, bool b) {
    size_t start = m_pos;
    if (m_text.substr(m_pos, word.size()) != word)
      return fail(error(fmt::format("invalid literal, expected {}", word)));
    m_pos += word.size();
    uint32_t node = new_node(t, start);
    m_doc.m_nodes[node].num.b = b;
    finish(node);
    return node;
  }

  Result<uint32_t> number() {
    size_t start = m_pos;
    bool negative = peek() == '-';
    if (negative) ++m_pos;
    auto digit = [&] { return !at_end() && peek() >= '0' && peek() <= '9'; };
    if (!digit()) return fail(error("invalid number: expected a digit"));
    if (peek() == '0') {
      ++m_pos;
      if (digit()) return fail(error_at(start, "invalid number: leading zero"));
    } else {
      while (digit()) ++m_pos;
    }
    bool integral = true;
    if (!at_end() && peek() == '.') {
      integral = false;
      ++m_pos;
      if (!digit()) return fail(error("invalid number: expected a digit after '.'"));
      while (digit()) ++m_pos;
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      integral = false;
      ++m_pos;
      if (!at_end() && (peek() == '+' || peek() == '-')) ++m_pos;
      if (!digit()) return fail(error("invalid number: expected a digit in the exponent"));
      while (digit()) ++m_pos;
    }
    std::string_view text = m_text.substr(start, m_pos - start);
    uint32_t node = new_node(Type::Double, start);
    auto& n = m_doc.m_nodes[node];
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (integral) {
      if (negative) {
        int64_t i = 0;
        if (std::from_chars(first, last, i).ec == std::errc()) {
          n.type = Type::Int64;
          n.num.i = i;
        }
      } else {
        uint64_t u = 0;
        if (std::from_chars(first, last, u).ec == std::errc()) {
          if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
            n.type = Type::Int64;
            n.num.i = static_cast<int64_t>(u);
          } else {
            n.type = Type::Uint64;
            n.num.u = u;
          }
        }
      }
    }
    if (n.type == Type::Double) {
      double d = 0;
      auto r = std::from_chars(first, last, d);
      if (r.ec != std::errc() || r.ptr != last)
        return fail(error_at(start, fmt::format("number {} is out of range", text)));
      n.num.d = d;
    }
    finish(node);
    return node;
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // The length of the valid UTF-8 sequence at m_pos (RFC 3629: no overlongs, no surrogates,
  // nothing above U+10FFFF), or 0.
  size_t utf8_length() const {
    auto byte = [&](size_t i) -> unsigned {
      return m_pos + i < m_text.size() ? static_cast<unsigned char>(m_text[m_pos + i]) : 0x100;
    };
    auto cont = [&](size_t i, unsigned lo = 0x80, unsigned hi = 0xBF) {
      unsigned b = byte(i);
      return b >= lo && b <= hi;
    };
    unsigned b0 = byte(0);
    if (b0 < 0x80) return 1;
    if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
    if (b0 == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
    if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) return cont(1) && cont(2) ? 3 : 0;
    if (b0 == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
    if (b0 == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
    if (b0 >= 0xF1 && b0 <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
    if (b0 == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
    return 0;
  }

  Result<uint32_t> hex4() {
    if (m_text.size() - m_pos < 4) return fail(error("invalid \\u escape: expected 4 hex digits"));
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) {
      char c = m_text[m_pos + i];
      uint32_t d;
      if (c >= '0' && c <= '9')
        d = static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        d = static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        d = static_cast<uint32_t>(c - 'A' + 10);
      else
        return fail(error("invalid \\u escape: expected 4 hex digits"));
      v = v * 16 + d;
    }
    m_pos += 4;
    return v;
  }

  Result<uint32_t> string() {
    size_t start = m_pos++;
    uint32_t node = new_node(Type::String, start);
    std::string unescaped;
    bool escaped = false;
    size_t run = m_pos;  // start of the current stretch without escapes
    for (;;) {
      if (at_end()) return fail(error_at(start, "unterminated string"));
      auto c = static_cast<unsigned char>(peek());
      if (c == '"') break;
      if (c < 0x20) return fail(error(fmt::format("control character 0x{:02x} in a string", c)));
      if (c != '\\') {
        size_t n = utf8_length();
        if (n == 0) return fail(error("invalid UTF-8 in a string"));
        m_pos += n;
        continue;
      }
      escaped = true;
      unescaped.append(m_text.substr(run, m_pos - run));
      ++m_pos;
      if (at_end()) return fail(error_at(start, "unterminated string"));
      char e = m_text[m_pos++];
      switch (e) {
        case '"': unescaped += '"'; break;
        case '\\': unescaped += '\\'; break;
        case '/': unescaped += '/'; break;
        case 'b': unescaped += '\b'; break;
        case 'f': unescaped += '\f'; break;
        case 'n': unescaped += '\n'; break;
        case 'r': unescaped += '\r'; break;
        case 't': unescaped += '\t'; break;
        case 'u': {
          uint32_t cp = TRY(hex4());
          if (cp >= 0xDC00 && cp <= 0xDFFF)
            return fail(error("invalid \\u escape: lone low surrogate"));
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (m_text.substr(m_pos, 2) != "\\u")
              return fail(error("invalid \\u escape: lone high surrogate"));
            m_pos += 2;
            uint32_t lo = TRY(hex4());
            if (lo < 0xDC00 || lo > 0xDFFF)
              return fail(error("invalid \\u escape: lone high surrogate"));
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          append_utf8(unescaped, cp);
          break;
        }
        default: return fail(error_at(m_pos - 2, fmt::format("invalid escape \\{}", e)));
      }
      run = m_pos;
    }
    if (escaped) {
      unescaped.append(m_text.substr(run, m_pos - run));
      auto& n = m_doc.m_nodes[node];
      n.escaped = true;
      n.first = static_cast<uint32_t>(m_doc.m_strings.size());
      n.count = static_cast<uint32_t>(unescaped.size());
      m_doc.m_strings += unescaped;
    }
    ++m_pos;  // the closing quote
    finish(node);
    return node;
  }

  // Moves the children collected since `base` into m_children as the node's range.
  void close_container(uint32_t node, size_t base) {
    auto& n = m_doc.m_nodes[node];
    n.first = static_cast<uint32_t>(m_doc.m_children.size());
    n.count = static_cast<uint32_t>(m_scratch.size() - base);
    m_doc.m_children.insert(m_doc.m_children.end(),
                            m_scratch.begin() + static_cast<ptrdiff_t>(base), m_scratch.end());
    m_scratch.resize(base);
    finish(node);
  }

  Result<uint32_t> array(size_t depth) {
    if (depth >= kMaxDepth) return fail(error(fmt::format("nesting deeper than {}", kMaxDepth)));
    size_t start = m_pos++;
    uint32_t node = new_node(Type::Array, start);
    size_t base = m_scratch.size();
    m_frames.push_back({false, 0, 0});
    skip_ws();
    if (!at_end() && peek() == ']') {
      ++m_pos;
    } else {
      for (;;) {
        skip_ws();
        uint32_t child = TRY(value(depth + 1));
        m_scratch.push_back(child);
        skip_ws();
        if (at_end()) return fail(error("unexpected end of input in an array"));
        if (peek() == ']') {
          ++m_pos;
          break;
        }
        if (peek() != ',')
          return fail(error(fmt::format("expected ',' or ']', got {}", describe(peek()))));
        ++m_pos;
        ++m_frames.back().index;
      }
    }
    m_frames.pop_back();
    close_container(node, base);
    return node;
  }

  Result<uint32_t> object(size_t depth) {
    if (depth >= kMaxDepth) return fail(error(fmt::format("nesting deeper than {}", kMaxDepth)));
    size_t start = m_pos++;
    uint32_t node = new_node(Type::Object, start);
    size_t base = m_scratch.size();
    m_frames.push_back({true, 0, 0});
    skip_ws();
    if (!at_end() && peek() == '}') {
      ++m_pos;
    } else {
      for (;;) {
        skip_ws();
        if (at_end() || peek() != '"')
          return fail(error(at_end()
                                ? std::string("unexpected end of input in an object")
                                : fmt::format("expected a member name, got {}", describe(peek()))));
        uint32_t key = TRY(string());
        m_frames.back().key_node = key;
        skip_ws();
        if (at_end() || peek() != ':') return fail(error("expected ':' after a member name"));
        ++m_pos;
        skip_ws();
        m_scratch.push_back(key);
        uint32_t child = TRY(value(depth + 1));
        m_scratch.push_back(child);
        skip_ws();
        if (at_end()) return fail(error("unexpected end of input in an object"));
        if (peek() == '}') {
          ++m_pos;
          break;
        }
        if (peek() != ',')
          return fail(error(fmt::format("expected ',' or '}}', got {}", describe(peek()))));
        ++m_pos;
        ++m_frames.back().index;
      }
    }
    TRY(check_unique_keys(base));
    m_frames.pop_back();
    close_container(node, base);
    return node;
  }

  // Keys of the object whose members are m_scratch[base..] (key, value pairs).
  Result<> check_unique_keys(size_t base) {
    size_t members = (m_scratch.size() - base) / 2;
    if (members < 2) return {};
    std::vector<std::string_view> keys;
    keys.reserve(members);
    for (size_t i = base; i < m_scratch.size(); i += 2)
      keys.push_back(m_doc.text_of(m_doc.m_nodes[m_scratch[i]]));
    std::optional<std::string_view> dup;
    if (members <= 16) {
      for (size_t i = 0; i < keys.size() && !dup; ++i)
        for (size_t j = 0; j < i && !dup; ++j)
          if (keys[i] == keys[j]) dup = keys[i];
    } else {
      std::sort(keys.begin(), keys.end());
      auto it = std::adjacent_find(keys.begin(), keys.end());
      if (it != keys.end()) dup = *it;
    }
    if (!dup) return {};
    m_frames.pop_back();  // the path names the object, not its last member
    std::string where = path();
    std::string quoted;
    json_quote(quoted, *dup);
    return fail(Error::invalid(
        fmt::format("{}: duplicate key {}", where.empty() ? "top level" : where, quoted)));
  }

  Document& m_doc;
  std::string_view m_text;
  size_t m_pos = 0;
  std::vector<uint32_t> m_scratch;
  std::vector<Frame> m_frames;
};

Result<Document> parse(std::string_view text) {
  if (text.size() >= std::numeric_limits<uint32_t>::max())
    return fail(Error::invalid(fmt::format("invalid JSON: {} bytes is too large", text.size())));
  Document doc;
  doc.m_text.assign(text);
  Parser p(doc);
  TRY(p.run());
  return doc;
}

}  // namespace hull::base::json
