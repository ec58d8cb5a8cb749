// Test helper of the security tests (testonly): code run in a forked child, so that the
// credentials, limits and capabilities it changes are the child's, not the test process's.
#pragma once

#include <functional>
#include <string>

namespace hull::container::security::testing_support {

struct ChildOutput {
  std::string text;  // what `body` returned
  int status = 0;    // the child's wait status
};
// Runs `body` in a forked child; what it returns comes back over a pipe.
ChildOutput run_in_child(const std::function<std::string()>& body);

}  // namespace hull::container::security::testing_support
