#include "sys/affinity.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <climits>

namespace hull::sys {

using base::Error;
using base::fail;

namespace {
constexpr unsigned kBits = sizeof(unsigned long) * CHAR_BIT;

Result<unsigned> parse_cpu(std::string_view s, std::string_view list) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size())
    return fail(Error::invalid(
        fmt::format("invalid CPU list \"{}\": \"{}\" is not a CPU number", list, s)));
  if (v > kMaxCpu)
    return fail(Error::invalid(
        fmt::format("invalid CPU list \"{}\": CPU {} is beyond {}", list, v, kMaxCpu)));
  return v;
}
}  // namespace

bool CpuMask::has(unsigned cpu) const {
  return cpu / kBits < words.size() && (words[cpu / kBits] >> (cpu % kBits)) & 1UL;
}

void CpuMask::add(unsigned cpu) {
  if (cpu / kBits >= words.size()) words.resize(cpu / kBits + 1, 0);
  words[cpu / kBits] |= 1UL << (cpu % kBits);
}

std::string CpuMask::to_list() const {
  std::string out;
  const unsigned n = static_cast<unsigned>(words.size()) * kBits;
  for (unsigned i = 0; i < n; ++i) {
    if (!has(i)) continue;
    unsigned j = i;
    while (j + 1 < n && has(j + 1)) ++j;
    if (!out.empty()) out += ',';
    out += j == i ? fmt::format("{}", i) : fmt::format("{}-{}", i, j);
    i = j;
  }
  return out;
}

Result<CpuMask> parse_cpu_list(std::string_view list) {
  CpuMask m;
  if (list.empty()) return fail(Error::invalid("invalid CPU list \"\": empty"));
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    std::string_view item =
        list.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    size_t dash = item.find('-');
    unsigned lo = TRY(parse_cpu(item.substr(0, dash), list));
    unsigned hi = dash == std::string_view::npos ? lo : TRY(parse_cpu(item.substr(dash + 1), list));
    if (hi < lo)
      return fail(
          Error::invalid(fmt::format("invalid CPU list \"{}\": range {} is reversed", list, item)));
    for (unsigned c = lo; c <= hi; ++c) m.add(c);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return m;
}

CpuMask all_cpus() {
  CpuMask m;
  m.words.assign(kMaxCpu / kBits + 1, ~0UL);
  return m;
}

Result<> set_affinity(pid_t pid, const CpuMask& mask, const std::string& what) {
  // SAFETY: the kernel reads words.size() unsigned longs.
  if (::syscall(SYS_sched_setaffinity, pid, mask.words.size() * sizeof(unsigned long),
                mask.words.data()) < 0)
    return fail(Error::from_errno(errno, "sched_setaffinity", what));
  return {};
}

Result<CpuMask> get_affinity(pid_t pid) {
  CpuMask m;
  m.words.assign(kMaxCpu / kBits + 1, 0);
  // SAFETY: the kernel writes at most words.size() unsigned longs (returns the bytes written).
  long n =
      ::syscall(SYS_sched_getaffinity, pid, m.words.size() * sizeof(unsigned long), m.words.data());
  if (n < 0) return fail(Error::from_errno(errno, "sched_getaffinity", fmt::format("pid {}", pid)));
  return m;
}

}  // namespace hull::sys
