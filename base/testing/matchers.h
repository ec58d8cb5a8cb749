// gmock matchers for Result<T>, in the spirit of LLVM's Testing/Support/Error.h.
//   EXPECT_THAT(r, IsOk());  EXPECT_THAT(r, FailedWith(ErrorKind::NotFound));
//   EXPECT_THAT(r, FailedWithErrno(ENOENT));  EXPECT_THAT(r, ErrorMessageHas("state.json"));
#pragma once

#include <gmock/gmock.h>

#include "base/result.h"

namespace hull::base::testing {

MATCHER(IsOk, "") {
  if (arg.has_value()) return true;
  *result_listener << "error: " << arg.error().message();
  return false;
}

MATCHER_P(FailedWith, kind, "") {
  if (arg.has_value()) {
    *result_listener << "succeeded";
    return false;
  }
  *result_listener << "error: " << arg.error().message();
  return arg.error().kind() == kind;
}

MATCHER_P(FailedWithErrno, err, "") {
  if (arg.has_value()) {
    *result_listener << "succeeded";
    return false;
  }
  *result_listener << "error: " << arg.error().message();
  return arg.error().errno_code() == err;
}

MATCHER_P(ErrorMessageHas, text, "") {
  if (arg.has_value()) {
    *result_listener << "succeeded";
    return false;
  }
  *result_listener << "error: " << arg.error().message();
  return arg.error().message().find(text) != std::string::npos;
}

}  // namespace hull::base::testing
