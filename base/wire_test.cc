#include "base/wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/testing/matchers.h"

namespace hull::base::wire {
namespace {

using ::hull::base::testing::ErrorMessageHas;

enum class Color : uint8_t { Red = 1, Blue = 7 };

struct Inner {
  std::string name;
  std::optional<int32_t> limit;
  bool operator==(const Inner&) const = default;
  HULL_WIRE_FIELDS(name, limit)
};

struct Outer {
  uint64_t big = 0;
  int16_t small = 0;
  bool flag = false;
  Color color = Color::Red;
  std::vector<Inner> items;
  std::map<std::string, std::string> labels;
  std::vector<std::pair<int, std::string>> pairs;
  std::optional<Inner> maybe;
  bool operator==(const Outer&) const = default;
  HULL_WIRE_FIELDS(big, small, flag, color, items, labels, pairs, maybe)
};

Outer sample() {
  Outer o;
  o.big = UINT64_MAX;
  o.small = -300;
  o.flag = true;
  o.color = Color::Blue;
  o.items = {{"a", 5}, {"", std::nullopt}, {std::string("n\0l", 3), -1}};
  o.labels = {{"k", "v"}, {"x", ""}};
  o.pairs = {{-2, "two"}};
  o.maybe = Inner{"m", 0};
  return o;
}

struct CStruct {  // like sock_filter: no fields(), no padding
  uint16_t code;
  uint8_t jt, jf;
  uint32_t k;
};

TEST(WireTest, CStructsTravelAsTheirBytes) {
  std::vector<CStruct> prog = {{0x20, 0, 0, 4}, {0x15, 1, 2, 0xc000003e}};
  auto back = decode<std::vector<CStruct>>(encode(prog));
  ASSERT_TRUE(back.has_value());
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[1].k, 0xc000003eu);
  EXPECT_EQ((*back)[1].jf, 2);
  EXPECT_EQ(encode(prog).size(), 4 + 2 * sizeof(CStruct));
}

TEST(WireTest, RoundTrips) {
  Outer o = sample();
  auto back = decode<Outer>(encode(o));
  ASSERT_TRUE(back.has_value()) << back.error().message();
  EXPECT_EQ(*back, o);
  EXPECT_EQ(*decode<Outer>(encode(Outer{})), Outer{});
}

TEST(WireTest, EveryTruncationIsRefused) {
  std::string bytes = encode(sample());
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = decode<Outer>(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(r.has_value()) << n;
    EXPECT_EQ(r.error().kind(), ErrorKind::Protocol);
  }
}

TEST(WireTest, TrailingBytesAreRefused) {
  EXPECT_THAT(decode<Outer>(encode(sample()) + "x"), ErrorMessageHas("wire: trailing bytes"));
}

TEST(WireTest, OutOfRangeIntegersAndBadBooleansAreRefused) {
  EXPECT_THAT(decode<int16_t>(encode(int64_t{70000})), ErrorMessageHas("integer out of range"));
  EXPECT_THAT(decode<uint8_t>(encode(int64_t{-1})), ErrorMessageHas("integer out of range"));
  EXPECT_THAT(decode<bool>(std::string("\2")), ErrorMessageHas("bad boolean"));
  EXPECT_EQ(*decode<int64_t>(encode(int64_t{-5})), -5);
}

TEST(WireTest, CountsLargerThanTheInputAreRefusedBeforeAllocating) {
  std::string huge("\xff\xff\xff\x7f", 4);  // a vector of 2^31 elements in 4 bytes
  EXPECT_THAT(decode<std::vector<std::string>>(huge),
              ErrorMessageHas("count larger than the input"));
}

TEST(WireTest, DuplicateMapKeysAreRefused) {
  std::vector<std::pair<std::string, std::string>> twice = {{"a", "1"}, {"a", "2"}};
  EXPECT_THAT((decode<std::map<std::string, std::string>>(encode(twice))),
              ErrorMessageHas("duplicate map key"));
}

}  // namespace
}  // namespace hull::base::wire
