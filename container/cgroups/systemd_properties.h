// linux.resources as systemd unit properties (systemd.resource-control(5)), for the systemd
// cgroup driver: what systemd can express is set on the unit, so that systemd itself keeps the
// values (it rewrites a unit's cgroup files from its properties, e.g. on daemon-reload); the
// driver then writes everything to cgroupfs as the cgroupfs driver does, as runc does.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "base/result.h"
#include "container/config.h"

namespace hull::container::cgroups {

// One D-Bus (sv) pair: the property name and its value with its D-Bus type.
struct UnitProperty {
  using Pairs = std::vector<std::pair<std::string, uint64_t>>;           // a(st)
  using StringPairs = std::vector<std::pair<std::string, std::string>>;  // a(ss)
  using Value = std::variant<bool,                                       // b
                             uint64_t,                                   // t
                             std::string,                                // s
                             std::vector<uint32_t>,                      // au
                             std::vector<uint8_t>,                       // ay
                             Pairs, StringPairs>;
  std::string name;
  Value value;
  bool operator==(const UnitProperty&) const = default;
};

// systemd's "infinity" for limits (USEC_INFINITY / CGROUP_LIMIT_MAX).
inline constexpr uint64_t kSystemdInfinity = UINT64_MAX;

// The properties for `r` on a cgroup v2 host (runc's genV2ResourcesProperties), given systemd's
// version (properties newer than it are left to cgroupfs). `r` may be adjusted: a CPU quota
// systemd can only hold in 10 ms steps is rounded up, and the same rounded value must then be
// written to cpu.max. Errors: invalid values (InvalidArgument naming the field).
base::Result<std::vector<UnitProperty>> v2_unit_properties(Resources& r, int systemd_version);

// The same for cgroup v1 controllers (runc's genV1ResourcesProperties), with the device rules
// (`r.devices`, when set) as DevicePolicy/DeviceAllow: on v1, systemd rewrites a unit's devices
// cgroup from these whenever it re-applies the unit (daemon-reload), so they must say the same.
base::Result<std::vector<UnitProperty>> v1_unit_properties(Resources& r, int systemd_version);

// runc's devices.systemdProperties: the emulated rules as DevicePolicy=strict plus DeviceAllow
// entries (/dev/char/M:m, char-M, char-*); a deny list systemd cannot express becomes a deny-all
// (cgroupfs then holds the real rules, as with runc), allow-all is DevicePolicy=auto.
base::Result<std::vector<UnitProperty>> device_unit_properties(
    const std::vector<DeviceCgroupRule>& rules);

// "0-2,7" -> the little-endian CPU/NUMA-node bitmask systemd's AllowedCPUs takes.
base::Result<std::vector<uint8_t>> cpu_list_to_mask(const std::string& list);

// A D-Bus signature for the value ("b", "t", "s", "au", "ay", "a(st)", "a(ss)").
const char* unit_property_signature(const UnitProperty::Value& v);

}  // namespace hull::container::cgroups
