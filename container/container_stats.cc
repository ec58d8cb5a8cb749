// Container::stats: the cgroup statistics plus the network interfaces of the container's netns.
#include "base/strings.h"
#include "container/cgroups/cgroups.h"
#include "container/container.h"
#include "container/internal/cgroup_manager.h"
#include "sys/file.h"

namespace hull::container {

using base::Error;
using base::fail;

namespace {

Result<uint64_t> to_u64(std::string_view s, std::string_view iface) {
  uint64_t v = 0;
  if (s.empty()) return fail(Error::protocol(fmt::format("net/dev: {}: empty counter", iface)));
  for (char c : s) {
    if (c < '0' || c > '9')
      return fail(Error::protocol(fmt::format("net/dev: {}: bad counter \"{}\"", iface, s)));
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

}  // namespace

// /proc/net/dev: two header lines, then "  name: rx_bytes rx_packets rx_errs rx_drop fifo frame
// compressed multicast tx_bytes tx_packets tx_errs tx_drop ..." (16 counters).
Result<std::vector<cgroups::NetworkInterfaceStats>> parse_net_dev(std::string_view text) {
  std::vector<cgroups::NetworkInterfaceStats> out;
  for (std::string_view line : base::split(text, '\n')) {
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // a header line
    auto name = base::split_fields(line.substr(0, colon));
    if (name.size() != 1) continue;  // "Inter-|   Receive ..." has no single name before ':'
    auto f = base::split_fields(line.substr(colon + 1));
    if (f.size() < 16)
      return fail(Error::protocol(
          fmt::format("net/dev: {}: expected 16 counters, got {}", name[0], f.size())));
    cgroups::NetworkInterfaceStats s;
    s.name = std::string(name[0]);
    s.rx_bytes = TRY(to_u64(f[0], s.name));
    s.rx_packets = TRY(to_u64(f[1], s.name));
    s.rx_errors = TRY(to_u64(f[2], s.name));
    s.rx_dropped = TRY(to_u64(f[3], s.name));
    s.tx_bytes = TRY(to_u64(f[8], s.name));
    s.tx_packets = TRY(to_u64(f[9], s.name));
    s.tx_errors = TRY(to_u64(f[10], s.name));
    s.tx_dropped = TRY(to_u64(f[11], s.name));
    out.push_back(std::move(s));
  }
  return out;
}

Result<cgroups::Stats> Container::stats() const {
  auto ctx = base::context(fmt::format("stats of \"{}\"", m_state.id));
  Status s = TRY(status());
  if (s == Status::Stopped)
    return fail(
        Error::invalid_state(fmt::format("container with id {} is not running", m_state.id)));
  if (m_state.cgroup_paths.empty())
    return fail(Error::unsupported(fmt::format("container \"{}\" has no cgroup", m_state.id)));
  auto cg = TRY(load_cgroup_manager(m_state).map_error(ctx));
  cgroups::Stats out = TRY(cg->stats().map_error(ctx));
  // Only a network namespace of the container's own: the host's interfaces are not its own.
  if (m_config->has_namespace(NamespaceType::Network)) {
    std::string path = fmt::format("/proc/{}/net/dev", m_state.init_pid);
    std::string text = TRY(sys::read_file(path).map_error(ctx));
    out.network_interfaces = TRY(parse_net_dev(text).map_error(base::context(path)).map_error(ctx));
  }
  return out;
}

}  // namespace hull::container
