#include "tests/harness/json.h"

#include <simdjson.h>

namespace hull::testing {
namespace {

std::optional<simdjson::dom::element> lookup(simdjson::dom::parser& parser, const std::string& json,
                                             const std::string& pointer) {
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS) return std::nullopt;
  simdjson::dom::element e;
  if (root.at_pointer(pointer).get(e) != simdjson::SUCCESS) return std::nullopt;
  return e;
}

}  // namespace

std::optional<std::string> json_at(const std::string& json, const std::string& pointer) {
  simdjson::dom::parser parser;
  auto e = lookup(parser, json, pointer);
  if (!e) return std::nullopt;
  std::string_view sv;
  if (e->get(sv) == simdjson::SUCCESS) return std::string(sv);
  return simdjson::minify(*e);
}

std::optional<size_t> json_array_size(const std::string& json, const std::string& pointer) {
  simdjson::dom::parser parser;
  auto e = lookup(parser, json, pointer);
  if (!e) return std::nullopt;
  simdjson::dom::array a;
  if (e->get(a) != simdjson::SUCCESS) return std::nullopt;
  return a.size();
}

std::map<std::string, std::string> json_string_map(const std::string& json,
                                                   const std::string& pointer) {
  std::map<std::string, std::string> out;
  simdjson::dom::parser parser;
  auto e = lookup(parser, json, pointer);
  simdjson::dom::object object;
  if (!e || e->get(object) != simdjson::SUCCESS) return out;
  for (auto field : object) {
    std::string_view v;
    if (field.value.get(v) == simdjson::SUCCESS) out[std::string(field.key)] = std::string(v);
  }
  return out;
}

}  // namespace hull::testing
