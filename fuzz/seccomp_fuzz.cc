// Feeds arbitrary bytes as a linux.seccomp object through the config parser into
// compile_seccomp(). Whatever compiles must be a loadable program; whatever fails must say where.
#include <linux/seccomp.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "container/config.h"
#include "container/security/seccomp.h"

using namespace hull;

// libseccomp 2.5.4 leaks a few internal nodes when some multi-architecture rule sets with argument
// conditions are merged (reproduced with plain C against the library); hull compiles one filter
// per process, so only the fuzzer cares. Our own leaks are still reported.
extern "C" const char* __lsan_default_suppressions() { return "leak:libseccomp.so\n"; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string json = R"({"ociVersion":"1.2.0","linux":{"seccomp":)";
  json.append(reinterpret_cast<const char*>(data), size);
  json += "}}";
  auto cfg = container::parse_config(json);
  if (!cfg.has_value() || !cfg->linux || !cfg->linux->seccomp) return 0;
  auto prog = container::security::compile_seccomp(*cfg->linux->seccomp);
  if (!prog.has_value()) {
    if (prog.error().kind() == base::ErrorKind::InvalidArgument)
      VERIFY(prog.error().message().starts_with(".linux.seccomp"));
    return 0;
  }
  VERIFY(!prog->filter.empty() && prog->filter.size() <= BPF_MAXINSNS);
  constexpr unsigned int kKnown =
      SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW |
      SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC_ESRCH |
      SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  VERIFY((prog->flags & ~kKnown) == 0);
  if (prog->has_notify()) VERIFY(!cfg->linux->seccomp->listener_path.empty());
  return 0;
}
