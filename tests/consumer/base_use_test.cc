// hull's base library from another workspace: Error, Result, TRY and the JSON writer.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "base/error.h"
#include "base/json_writer.h"
#include "base/result.h"

namespace {

using hull::base::Error;
using hull::base::ErrorKind;
using hull::base::Result;
using ::testing::HasSubstr;

Result<int> half(int n) {
  if (n % 2 != 0) return hull::base::fail(Error::invalid("odd number " + std::to_string(n)));
  return n / 2;
}

Result<int> quarter(int n) {
  int h = TRY(half(n).map_error(hull::base::context("halving " + std::to_string(n))));
  return half(h);
}

TEST(ConsumerBase, TryPropagatesTheErrorWithContext) {
  auto ok = quarter(12);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, 3);

  auto bad = quarter(5);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().kind(), ErrorKind::InvalidArgument);
  EXPECT_EQ(bad.error().message(), "halving 5: odd number 5");
}

TEST(ConsumerBase, ErrnoErrorsNameCallSubjectAndErrno) {
  Error e = Error::from_errno(ENOENT, "openat2", "/run/hull/x/state.json");
  EXPECT_EQ(e.kind(), ErrorKind::Sys);
  EXPECT_EQ(e.errno_code(), ENOENT);
  EXPECT_THAT(e.message(), HasSubstr("openat2"));
  EXPECT_THAT(e.message(), HasSubstr("/run/hull/x/state.json"));
  EXPECT_THAT(e.message(), HasSubstr("ENOENT"));
}

TEST(ConsumerBase, JsonWriterWritesCompactJson) {
  hull::base::JsonWriter w;
  w.begin_object().key("id").value("web").key("pid").value(42).end_object();
  EXPECT_EQ(w.str(), R"({"id":"web","pid":42})");
}

}  // namespace
