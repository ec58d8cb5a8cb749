#include "base/result.h"

#include <unistd.h>

#include <cstring>

namespace hull::base {

void verify_failed(const char* what, const char* file, int line) {
  // No allocation: this may run in a child between clone and exec.
  char buf[512];
  int n = snprintf(buf, sizeof buf, "hull: internal error: %s at %s:%d\n", what, file, line);
  if (n > 0)
    (void)!write(STDERR_FILENO, buf,
                 static_cast<size_t>(n) < sizeof buf ? static_cast<size_t>(n) : sizeof buf - 1);
  abort();
}

}  // namespace hull::base
