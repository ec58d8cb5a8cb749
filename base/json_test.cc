#include "base/json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "base/testing/matchers.h"

namespace hull::base::json {
namespace {

using ::testing::HasSubstr;

Document must_parse(std::string_view text) {
  auto d = parse(text);
  EXPECT_TRUE(d.has_value()) << (d.has_value() ? "" : d.error().message());
  VERIFY(d.has_value());
  return std::move(*d);
}

std::string error_of(std::string_view text) {
  auto d = parse(text);
  if (d.has_value()) return "(parsed)";
  EXPECT_EQ(d.error().kind(), ErrorKind::InvalidArgument);
  return d.error().message();
}

TEST(JsonTest, ScalarsKeepTheirKinds) {
  Document d = must_parse(R"([null, true, false, 0, -7, 9223372036854775807, 9223372036854775808,
                              18446744073709551615, 18446744073709551616, 1.5, -2e3, "s"])");
  Value a = d.root();
  ASSERT_TRUE(a.is_array());
  ASSERT_EQ(a.size(), 12u);
  EXPECT_TRUE(a.element(0).is_null());
  EXPECT_TRUE(a.element(1).as_bool());
  EXPECT_FALSE(a.element(2).as_bool());
  EXPECT_EQ(a.element(3).as_int64(), 0);
  EXPECT_EQ(a.element(4).as_int64(), -7);
  EXPECT_EQ(a.element(5).as_int64(), INT64_MAX);
  EXPECT_EQ(a.element(6).type(), Type::Uint64);
  EXPECT_EQ(a.element(6).as_uint64(), 9223372036854775808ULL);
  EXPECT_EQ(a.element(7).as_uint64(), UINT64_MAX);
  EXPECT_EQ(a.element(8).type(),
            Type::Double);  // past uint64: a double, as simdjson and Go read it
  EXPECT_DOUBLE_EQ(a.element(9).as_double(), 1.5);
  EXPECT_DOUBLE_EQ(a.element(10).as_double(), -2000);
  EXPECT_EQ(a.element(11).as_string(), "s");
  EXPECT_EQ(type_name(a.element(6).type()), "number");
}

TEST(JsonTest, ObjectsFindMembersInOrder) {
  Document d = must_parse(R"( {"a": 1, "b": {"c": [1, 2]}, "": "empty"} )");
  Value o = d.root();
  ASSERT_TRUE(o.is_object());
  ASSERT_EQ(o.size(), 3u);
  EXPECT_EQ(o.key(0), "a");
  EXPECT_EQ(o.key(1), "b");
  EXPECT_EQ(o.key(2), "");
  EXPECT_EQ(o.find("")->as_string(), "empty");
  EXPECT_FALSE(o.find("z").has_value());
  EXPECT_EQ(o.find("b")->find("c")->element(1).as_int64(), 2);
  EXPECT_FALSE(o.find("a")->find("x").has_value());  // find on a scalar
}

TEST(JsonTest, RawIsTheSourceTextOfEachValue) {
  Document d = must_parse("{\"x\" : [ 1,\n 2 ] , \"y\":\"a\\nb\", \"z\": -0.5e1}");
  EXPECT_EQ(d.root().find("x")->raw(), "[ 1,\n 2 ]");
  EXPECT_EQ(d.root().find("y")->raw(), "\"a\\nb\"");
  EXPECT_EQ(d.root().find("z")->raw(), "-0.5e1");
  EXPECT_EQ(d.root().raw(), "{\"x\" : [ 1,\n 2 ] , \"y\":\"a\\nb\", \"z\": -0.5e1}");
}

TEST(JsonTest, EscapesAndUnicode) {
  Document d = must_parse(R"(["\"\\\/\b\f\n\r\t", "\u00e9\u20ac\ud83d\ude00", "é€😀", "a\u0000b"])");
  Value a = d.root();
  EXPECT_EQ(a.element(0).as_string(), "\"\\/\b\f\n\r\t");
  EXPECT_EQ(a.element(1).as_string(), "é€😀");
  EXPECT_EQ(a.element(2).as_string(), "é€😀");
  EXPECT_EQ(a.element(3).as_string(), std::string("a\0b", 3));
}

TEST(JsonTest, EscapedKeysAreComparedUnescaped) {
  Document d = must_parse(R"({"k\u0065y": 1})");
  EXPECT_EQ(d.root().find("key")->as_int64(), 1);
  EXPECT_THAT(error_of(R"({"key": 1, "k\u0065y": 2})"),
              HasSubstr("top level: duplicate key \"key\""));
}

TEST(JsonTest, DuplicateKeysNameThePath) {
  EXPECT_EQ(error_of(R"({"ociVersion": "1.0.0", "ociVersion": "1.2.0"})"),
            "top level: duplicate key \"ociVersion\"");
  EXPECT_EQ(error_of(R"({"linux": {"resources": {"memory": {}, "memory": {}}}})"),
            ".linux.resources: duplicate key \"memory\"");
  EXPECT_EQ(error_of(R"({"mounts": [{"a": 1}, {"type": "x", "type": "y"}]})"),
            ".mounts[1]: duplicate key \"type\"");
  EXPECT_EQ(error_of(R"({"annotations": {"io.x/y": {"a": 1, "a": 1}}})"),
            ".annotations[\"io.x/y\"]: duplicate key \"a\"");
}

TEST(JsonTest, DuplicateKeysInLargeObjects) {
  std::string big = "{";
  for (int i = 0; i < 5000; ++i) big += fmt::format("\"k{}\": {},", i, i);
  std::string ok = big + "\"last\": 0}";
  EXPECT_EQ(must_parse(ok).root().size(), 5001u);
  EXPECT_EQ(error_of(big + "\"k4321\": 0}"), "top level: duplicate key \"k4321\"");
}

TEST(JsonTest, SyntaxErrorsNameLineAndColumn) {
  EXPECT_EQ(error_of(""),
            "invalid JSON at line 1, column 1: unexpected end of input, expected a value");
  EXPECT_EQ(error_of("{\n  \"a\": 1,\n}"),
            "invalid JSON at line 3, column 1: expected a member name, got '}'");
  EXPECT_EQ(error_of("[1 2]"), "invalid JSON at line 1, column 4: expected ',' or ']', got '2'");
  EXPECT_EQ(error_of("{\"a\" 1}"),
            "invalid JSON at line 1, column 6: expected ':' after a member name");
  EXPECT_EQ(error_of("{} x"),
            "invalid JSON at line 1, column 4: unexpected text after the JSON value");
  EXPECT_EQ(error_of("\"abc"), "invalid JSON at line 1, column 1: unterminated string");
  EXPECT_EQ(error_of("[tru]"), "invalid JSON at line 1, column 2: invalid literal, expected true");
}

TEST(JsonTest, StrictnessRejectsWhatRfc8259Does) {
  EXPECT_THAT(error_of("[01]"), HasSubstr("leading zero"));
  EXPECT_THAT(error_of("[1.]"), HasSubstr("expected a digit after '.'"));
  EXPECT_THAT(error_of("[-]"), HasSubstr("expected a digit"));
  EXPECT_THAT(error_of("[1e]"), HasSubstr("exponent"));
  EXPECT_THAT(error_of("[+1]"), HasSubstr("unexpected character '+'"));
  EXPECT_THAT(error_of("[1,]"), HasSubstr("unexpected character ']'"));
  EXPECT_THAT(error_of("[1e400]"), HasSubstr("number 1e400 is out of range"));
  EXPECT_THAT(error_of("[\"a\tb\"]"), HasSubstr("control character 0x09"));
  EXPECT_THAT(error_of("[\"\\x\"]"), HasSubstr("invalid escape \\x"));
  EXPECT_THAT(error_of(R"(["\ud800"])"), HasSubstr("lone high surrogate"));
  EXPECT_THAT(error_of(R"(["\udc00"])"), HasSubstr("lone low surrogate"));
  EXPECT_THAT(error_of(R"(["\u12g4"])"), HasSubstr("4 hex digits"));
  EXPECT_THAT(error_of("// c\n{}"), HasSubstr("unexpected character '/'"));
  EXPECT_THAT(error_of("\xEF\xBB\xBF{}"), HasSubstr("unexpected character 0xef"));  // no BOM
}

TEST(JsonTest, InvalidUtf8IsRefused) {
  for (std::string bad : {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\x80",
                          "\xE2\x82", "\xFF"}) {
    EXPECT_THAT(error_of("[\"" + bad + "\"]"), HasSubstr("invalid UTF-8")) << bad.size();
  }
  EXPECT_EQ(must_parse("[\"\xF4\x8F\xBF\xBF\"]").root().element(0).as_string(), "\xF4\x8F\xBF\xBF");
}

TEST(JsonTest, DepthIsBounded) {
  std::string ok(kMaxDepth, '[');
  ok += std::string(kMaxDepth, ']');
  EXPECT_TRUE(parse(ok).has_value());
  std::string deep(kMaxDepth + 1, '[');
  deep += std::string(kMaxDepth + 1, ']');
  EXPECT_THAT(error_of(deep), HasSubstr("nesting deeper than 256"));
}

TEST(JsonTest, ValuesOutliveTheirParseButNotTheDocument) {
  auto d = parse(std::string(R"({"k": "v\u0041"})"));  // the text is a temporary
  ASSERT_TRUE(d.has_value());
  Document moved = std::move(*d);
  EXPECT_EQ(moved.root().find("k")->as_string(), "vA");
}

}  // namespace
}  // namespace hull::base::json
