#include "container/security/rlimits.h"

#include <sys/resource.h>

#include <array>
#include <utility>

#include "sys/security.h"

namespace hull::container::security {

using base::Error;
using base::fail;

namespace {

constexpr std::array<std::pair<const char*, int>, 16> kRlimits = {{
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
}};
static_assert(kRlimits.size() == RLIMIT_NLIMITS);

}  // namespace

std::string rlimit_name(int resource) {
  for (const auto& [n, r] : kRlimits)
    if (r == resource) return n;
  return fmt::format("RLIMIT_{}", resource);
}

std::optional<int> rlimit_from_name(std::string_view name) {
  for (const auto& [n, r] : kRlimits)
    if (name == n) return r;
  return std::nullopt;
}

Result<std::vector<PreparedRlimit>> prepare_rlimits(std::span<const Rlimit> rlimits) {
  std::vector<PreparedRlimit> out;
  uint32_t seen = 0;
  for (size_t i = 0; i < rlimits.size(); ++i) {
    const Rlimit& r = rlimits[i];
    const std::string path = fmt::format(".process.rlimits[{}]", i);
    auto resource = rlimit_from_name(r.type);
    if (!resource)
      return fail(Error::invalid(fmt::format("{}.type: unknown rlimit \"{}\"", path, r.type)));
    const uint32_t b = uint32_t{1} << *resource;
    if (seen & b)
      return fail(Error::invalid(fmt::format("{}.type: rlimit {} is set twice", path, r.type)));
    seen |= b;
    if (r.soft > r.hard)
      return fail(Error::invalid(fmt::format("{}: soft limit {} exceeds hard limit {} for {}", path,
                                             r.soft, r.hard, r.type)));
    out.push_back(PreparedRlimit{*resource, r.soft, r.hard});
  }
  return out;
}

Result<> apply_rlimits(std::span<const PreparedRlimit> limits, pid_t pid) {
  for (const PreparedRlimit& l : limits) {
    struct rlimit lim {};
    lim.rlim_cur = l.soft;
    lim.rlim_max = l.hard;
    auto r = sys::prlimit(pid, l.resource, lim);
    if (!r.has_value())
      return fail(Error::from_errno(
          r.error().errno_code(), "setrlimit",
          fmt::format("{} (soft {}, hard {})", rlimit_name(l.resource), l.soft, l.hard)));
  }
  return {};
}

}  // namespace hull::container::security
