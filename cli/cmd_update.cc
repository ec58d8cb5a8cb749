// hull update: new cgroup limits for a running container, with runc's flags, size syntax and
// `--resources FILE|-` (then every other flag is ignored, as in runc). Zero means "unchanged".
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "cli/command.h"
#include "container/container.h"
#include "container/resources.h"
#include "sys/file.h"

namespace hull::cli {

using base::Error;
using base::fail;
using container::Container;
using container::Resources;

namespace {

Error bad_value(std::string_view flag, std::string_view why) {
  return Error::invalid(fmt::format("invalid value for {}: {}", flag, why));
}

Result<uint64_t> parse_uint(std::string_view flag, const std::string& v) {
  uint64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size() || v.empty())
    return fail(bad_value(flag, fmt::format("\"{}\" is not an unsigned integer", v)));
  return out;
}

Result<int64_t> parse_signed(std::string_view flag, const std::string& v) {
  int64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size() || v.empty())
    return fail(bad_value(flag, fmt::format("\"{}\" is not an integer", v)));
  return out;
}

// Docker's units.RAMInBytes, which runc uses: "<number>[ ][kmgtp][i][b]", binary multiples, case
// insensitive, a fraction allowed ("1.5g"); "-1" (unlimited) is handled by the caller.
Result<int64_t> parse_ram_size(std::string_view flag, const std::string& s) {
  auto invalid = [&] { return fail(bad_value(flag, fmt::format("invalid size: '{}'", s))); };
  size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  std::string_view num(s.data(), i);
  if (num.empty() || num.front() == '.' || num.back() == '.' || num.find("..") != num.npos)
    return invalid();
  std::string_view unit(s.data() + i, s.size() - i);
  if (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  double mult = 1;
  if (!unit.empty()) {
    constexpr std::string_view kUnits = "kmgtp";
    size_t k = kUnits.find(static_cast<char>(std::tolower(static_cast<unsigned char>(unit[0]))));
    if (k != std::string_view::npos) {
      mult = std::pow(1024.0, static_cast<double>(k + 1));
      unit.remove_prefix(1);
    }
  }
  if (!unit.empty() && (unit.front() == 'i' || unit.front() == 'I')) unit.remove_prefix(1);
  if (!unit.empty() && (unit.front() == 'b' || unit.front() == 'B')) unit.remove_prefix(1);
  if (!unit.empty()) return invalid();
  // Go's ParseFloat takes only the first "1.5" of "1.5.3" as runc's regexp allows; refuse it.
  if (std::count(num.begin(), num.end(), '.') > 1) return invalid();
  double v = 0;
  auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
  if (ec != std::errc() || p != num.data() + num.size()) return invalid();
  double bytes = v * mult;
  if (bytes >= 9.2e18) return invalid();
  return static_cast<int64_t>(bytes);
}

Result<Resources> update_resources_from_flags(const Args& a) {
  Resources r;
  auto mem = [&]() -> container::MemoryResources& {
    return r.memory ? *r.memory : r.memory.emplace();
  };
  auto cpu = [&]() -> container::CpuResources& { return r.cpu ? *r.cpu : r.cpu.emplace(); };
  if (auto v = a.get("blkio-weight")) {
    uint64_t w = TRY(parse_uint("blkio-weight", *v));
    if (w > 0xffff) return fail(bad_value("blkio-weight", fmt::format("{} is out of range", w)));
    r.block_io.emplace().weight = static_cast<uint16_t>(w);
  }
  if (auto v = a.get("cpuset-cpus")) cpu().cpus = *v;
  if (auto v = a.get("cpuset-mems")) cpu().mems = *v;
  if (auto v = a.get("cpu-period")) cpu().period = TRY(parse_uint("cpu-period", *v));
  if (auto v = a.get("cpu-rt-period")) cpu().realtime_period = TRY(parse_uint("cpu-rt-period", *v));
  // runc spells it --cpu-share; Docker's docs say --cpu-shares: take both.
  if (auto v = a.get("cpu-share")) cpu().shares = TRY(parse_uint("cpu-share", *v));
  if (auto v = a.get("cpu-shares")) cpu().shares = TRY(parse_uint("cpu-shares", *v));
  if (auto v = a.get("cpu-quota")) cpu().quota = TRY(parse_signed("cpu-quota", *v));
  if (auto v = a.get("cpu-rt-runtime"))
    cpu().realtime_runtime = TRY(parse_signed("cpu-rt-runtime", *v));
  struct MemFlag {
    std::string_view name;
    std::optional<int64_t> container::MemoryResources::*field;
  };
  static constexpr MemFlag kMem[] = {
      {"memory", &container::MemoryResources::limit},
      {"memory-swap", &container::MemoryResources::swap},
      {"kernel-memory", &container::MemoryResources::kernel},
      {"kernel-memory-tcp", &container::MemoryResources::kernel_tcp},
      {"memory-reservation", &container::MemoryResources::reservation},
  };
  for (const auto& f : kMem) {
    auto v = a.get(f.name);
    if (!v) continue;
    mem().*f.field = *v == "-1" ? int64_t{-1} : TRY(parse_ram_size(f.name, *v));
  }
  if (auto v = a.get("pids-limit")) r.pids_limit = TRY(parse_int("pids-limit", *v));
  for (std::string_view rdt : {"l3-cache-schema", "mem-bw-schema"})
    if (a.has(rdt))
      return fail(Error::unsupported(fmt::format("--{}: Intel RDT is not supported by hull", rdt)));
  return r;
}

Result<int> update(Globals& g, const Args& a) {
  std::string id = TRY(require_id(g, a));
  Resources r;
  if (auto in = a.get("resources"); in && !in->empty()) {
    std::string what = *in == "-" ? "standard input" : *in;
    auto text = *in == "-" ? sys::read_all(sys::FdRef(0), "stdin") : sys::read_file(*in);
    if (!text.has_value())
      return fail(std::move(text).error().context("update: reading resources"));
    auto parsed = container::parse_resources(*text);
    if (!parsed.has_value())
      return fail(
          std::move(parsed).error().context(fmt::format("update: resources from {}", what)));
    r = std::move(*parsed);
  } else {
    r = TRY(update_resources_from_flags(a));
  }
  Container c = TRY(Container::load(g.root, id));
  TRY(c.update(r));
  return 0;
}

const Registration kUpdate({
    .name = "update",
    .usage =
        "hull update [--memory N] [--memory-reservation N] [--memory-swap N] [--kernel-memory N]\n"
        "            [--kernel-memory-tcp N] [--cpu-share N] [--cpu-quota N] [--cpu-period N]\n"
        "            [--cpu-rt-period N] [--cpu-rt-runtime N] [--cpuset-cpus S] [--cpuset-mems S]\n"
        "            [--pids-limit N] [--blkio-weight N] [-r|--resources FILE|-] ID\n"
        "  Update container resource constraints. Sizes take k, m, g, t, p suffixes (\"64m\");\n"
        "  zero leaves a limit unchanged. With --resources (LinuxResources JSON; '-' is stdin)\n"
        "  every other flag is ignored.",
    .flags =
        {
            {"resources", "r", true},
            {"blkio-weight", "", true},
            {"cpu-period", "", true},
            {"cpu-quota", "", true},
            {"cpu-share", "", true},
            {"cpu-shares", "", true},
            {"cpu-rt-period", "", true},
            {"cpu-rt-runtime", "", true},
            {"cpuset-cpus", "", true},
            {"cpuset-mems", "", true},
            {"memory", "", true},
            {"memory-reservation", "", true},
            {"memory-swap", "", true},
            {"kernel-memory", "", true},
            {"kernel-memory-tcp", "", true},
            {"pids-limit", "", true},
            {"l3-cache-schema", "", true},
            {"mem-bw-schema", "", true},
        },
    .interspersed = true,
    .run = update,
});

}  // namespace
}  // namespace hull::cli
