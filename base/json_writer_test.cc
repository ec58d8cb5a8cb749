#include "base/json_writer.h"

#include <gmock/gmock.h>

namespace hull::base {
namespace {

TEST(JsonWriterTest, CompactObjectsAndArrays) {
  JsonWriter w;
  w.begin_object().field("id", "web").field("pid", 42).field("ok", true);
  w.key("args").begin_array().value("sh").value("-c").end_array();
  w.key("empty").begin_object().end_object();
  w.key("none").null();
  w.end_object();
  EXPECT_EQ(w.str(),
            R"({"id":"web","pid":42,"ok":true,"args":["sh","-c"],"empty":{},"none":null})");
}

TEST(JsonWriterTest, EscapesControlAndQuotes) {
  std::string out;
  json_quote(out, "a\"b\\c\nd\x01");
  EXPECT_EQ(out, R"("a\"b\\c\nd\u0001")");
}

TEST(JsonWriterTest, IndentsNestedContainers) {
  JsonWriter w(2);
  w.begin_object().key("a").begin_array().value(1).end_array().end_object();
  EXPECT_EQ(w.str(), "{\n  \"a\": [\n    1\n  ]\n}");
}

TEST(JsonWriterTest, RawInsertsVerbatim) {
  JsonWriter w;
  w.begin_object().key("config").raw(R"({"x":1})").end_object();
  EXPECT_EQ(w.str(), R"({"config":{"x":1}})");
}

}  // namespace
}  // namespace hull::base
