// Feeds arbitrary bytes to base::json::parse. What it accepts must survive JsonWriter: writing the
// tree and parsing that again gives the same tree, and every value's raw() text parses alone.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/json.h"
#include "base/json_writer.h"
#include "base/result.h"

namespace json = hull::base::json;

static void write(hull::base::JsonWriter& w, json::Value v) {
  switch (v.type()) {
    case json::Type::Null: w.null(); break;
    case json::Type::Bool: w.value(v.as_bool()); break;
    case json::Type::Int64: w.value(v.as_int64()); break;
    case json::Type::Uint64: w.value(v.as_uint64()); break;
    case json::Type::Double: w.raw(v.raw()); break;  // doubles are compared by their text
    case json::Type::String: w.value(v.as_string()); break;
    case json::Type::Array:
      w.begin_array();
      for (size_t i = 0; i < v.size(); ++i) write(w, v.element(i));
      w.end_array();
      break;
    case json::Type::Object:
      w.begin_object();
      for (size_t i = 0; i < v.size(); ++i) write(w.key(v.key(i)), v.member(i));
      w.end_object();
      break;
  }
}

static std::string canonical(json::Value v) {
  hull::base::JsonWriter w;
  write(w, v);
  return w.take();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto doc = json::parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!doc.has_value()) return 0;
  std::string once = canonical(doc->root());
  VERIFY(canonical(MUST(json::parse(once)).root()) == once);
  VERIFY(canonical(MUST(json::parse(doc->root().raw())).root()) == once);
  return 0;
}
