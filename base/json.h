// A strict JSON reader (RFC 8259) that builds a small read-only DOM.
//
//   base::json::Document doc = TRY(base::json::parse(text));
//   base::json::Value root = doc.root();
//   if (auto v = root.find("ociVersion"); v && v->is_string()) use(v->as_string());
//
// Why not a library: hull links statically, and Debian ships no static simdjson; a config.json is
// a few KiB, so a plain recursive-descent reader costs microseconds. It is stricter than most:
// duplicate object keys are an error naming the JSON path (Go's encoding/json, which engines use,
// keeps the last value where other readers keep the first, so the two would run different
// things), as are invalid UTF-8, lone surrogate escapes, control characters in strings, leading
// zeros, trailing commas and nesting deeper than kMaxDepth.
//
// A Document owns a copy of the text; Values are cheap views into it and must not outlive it.
// Numbers keep their kind: an integer that fits int64 is Int64, a larger one that fits uint64 is
// Uint64, anything else (fraction, exponent, overflow) is Double.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace hull::base::json {

inline constexpr size_t kMaxDepth = 256;

enum class Type : uint8_t { Null, Bool, Int64, Uint64, Double, String, Array, Object };

// "null", "boolean", "number" (for every numeric kind), "string", "array", "object".
std::string_view type_name(Type t);

class Document;
Result<Document> parse(std::string_view text);

class Value {
 public:
  Type type() const;
  bool is_null() const { return type() == Type::Null; }
  bool is_bool() const { return type() == Type::Bool; }
  bool is_number() const;
  bool is_string() const { return type() == Type::String; }
  bool is_array() const { return type() == Type::Array; }
  bool is_object() const { return type() == Type::Object; }

  // Each accessor VERIFYs the type: check it first.
  bool as_bool() const;
  int64_t as_int64() const;
  uint64_t as_uint64() const;
  double as_double() const;            // any number
  std::string_view as_string() const;  // unescaped

  // The value's own source text, exactly as it was written (for verbatim re-emission).
  std::string_view raw() const;

  // Arrays: elements; objects: members. size() is 0 for scalars.
  size_t size() const;
  Value element(size_t i) const;         // arrays
  std::string_view key(size_t i) const;  // objects
  Value member(size_t i) const;          // objects
  // The member named `key` (objects only; keys are unique), or nullopt.
  std::optional<Value> find(std::string_view key) const;

 private:
  friend class Document;
  Value(const Document* doc, uint32_t index) : m_doc(doc), m_index(index) {}
  const Document* m_doc;
  uint32_t m_index;
};

class Document {
 public:
  Document(Document&&) = default;
  Document& operator=(Document&&) = default;
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  Value root() const { return Value(this, 0); }

 private:
  friend class Value;
  friend class Parser;
  friend Result<Document> parse(std::string_view text);
  Document() = default;

  // A value's node. Containers list their children's node indices in m_children
  // [first, first + count); an object's children alternate key, value.
  struct Node {
    Type type = Type::Null;
    bool escaped = false;  // string: its text is in m_strings, not the source
    uint32_t offset = 0;   // raw text start in m_text
    uint32_t length = 0;   // raw text length
    uint32_t first = 0;    // containers: index in m_children; escaped strings: in m_strings
    uint32_t count = 0;    // containers: children; escaped strings: length
    union {
      bool b;
      int64_t i;
      uint64_t u;
      double d;
    } num{};
  };
  std::string_view text_of(const Node& n) const;

  std::string m_text;
  std::vector<Node> m_nodes;
  std::vector<uint32_t> m_children;
  std::string m_strings;  // unescaped strings, back to back
};

// Parses `text`. Errors are InvalidArgument: "invalid JSON at line L, column C: <what>", or
// "<json path>: duplicate key \"k\"" (paths as config errors write them: .a.b[2]).
Result<Document> parse(std::string_view text);

}  // namespace hull::base::json
