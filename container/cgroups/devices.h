// Device access rules: runc's default set, the v1/v2-independent emulation of the v1 devices
// controller (a default action plus exceptions), its v1 file writes and the equivalent eBPF
// BPF_PROG_TYPE_CGROUP_DEVICE program for cgroup v2.
#pragma once

#include <linux/bpf.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "container/config.h"

namespace hull::container::cgroups {

using base::Result;

// runc's built-in allowed devices (libcontainer/specconv AllowedDevices): mknod of any char and
// block device, /dev/null, zero, full, random, urandom, tty, /dev/pts/* (136:*), /dev/ptmx (5:2),
// and /dev/net/tun (10:200).
std::vector<DeviceCgroupRule> default_device_rules();

// The full rule list runc builds for a container: linux.resources.devices in order, then
// default_device_rules() except those for a path linux.devices lists. linux.devices entries get
// no rule of their own: a node the resources deny stays denied.
std::vector<DeviceCgroupRule> container_device_rules(const std::vector<DeviceCgroupRule>& rules,
                                                     const std::vector<Device>& devices);

// The state of a v1 devices cgroup after applying rules in order.
struct DeviceException {
  char type = 'c';               // 'c' or 'b'
  std::optional<int64_t> major;  // nullopt = '*'
  std::optional<int64_t> minor;
  std::string access;  // subset of "rwm" in that order
  bool operator==(const DeviceException&) const = default;
};
struct DeviceSet {
  bool default_allow = false;               // deny-all: where runc's emulator starts
  std::vector<DeviceException> exceptions;  // their action is !default_allow
  bool operator==(const DeviceSet&) const = default;
};

// Applies `rules`, starting from deny-all (runc's emulator: a rule list is an allow list unless
// it says otherwise), like the kernel's v1 devices controller: a type "a" (or empty) rule resets
// the default and drops all exceptions; a rule with the default's action removes access bits from
// exactly matching exceptions; any other rule adds an exception. Errors name
// "linux.resources.devices[i]" (bad type, access, negative major/minor).
Result<DeviceSet> emulate_devices(const std::vector<DeviceCgroupRule>& rules);

// v1: (file, line) writes reproducing `set` in a fresh or existing devices cgroup:
// first "a" to devices.deny/devices.allow (resets), then each exception ("c 1:3 rwm").
std::vector<std::pair<std::string, std::string>> devices_v1_writes(const DeviceSet& set);

// v2: the cgroup device program for `set` (first matching exception decides, else the default).
std::vector<struct bpf_insn> devices_bpf_program(const DeviceSet& set);

// Runs `program` over one access the way the kernel would (for tests and fuzzing): returns
// whether access is allowed. type 'c'/'b', access a subset of "rwm".
bool devices_bpf_simulate(const std::vector<struct bpf_insn>& program, char type, uint32_t major,
                          uint32_t minor, const std::string& access);

}  // namespace hull::container::cgroups
