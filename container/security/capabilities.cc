#include "container/security/capabilities.h"

#include <linux/capability.h>

#include <array>
#include <cerrno>
#include <charconv>

#include "sys/file.h"
#include "sys/security.h"

namespace hull::container::security {

using base::Error;
using base::fail;

namespace {

// Indexed by capability number (include/uapi/linux/capability.h).
constexpr std::array<std::string_view, 41> kNames = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};
static_assert(CAP_CHECKPOINT_RESTORE == 40 && kNames.size() == 41);

constexpr int kMaxCap = static_cast<int>(kNames.size()) - 1;

uint64_t bit(int cap) { return uint64_t{1} << cap; }

// Resolves one list into `mask`; returns an error for names that are no capability at all.
Result<> resolve_list(const std::vector<std::string>& names, std::string_view set_name,
                      int kernel_last_cap, uint64_t& mask, std::vector<std::string>& warnings) {
  for (size_t i = 0; i < names.size(); ++i) {
    auto cap = capability_from_name(names[i]);
    if (!cap)
      return fail(Error::invalid(fmt::format(
          ".process.capabilities.{}[{}]: unknown capability \"{}\"", set_name, i, names[i])));
    if (*cap > kernel_last_cap) {
      warnings.push_back(
          fmt::format("{} in process.capabilities.{} is not supported by this "
                      "kernel (last capability {}): ignored",
                      names[i], set_name, kernel_last_cap));
      continue;
    }
    mask |= bit(*cap);
  }
  return {};
}

Result<> drop_bounding(uint64_t bounding, int kernel_last_cap) {
  for (int cap = 0; cap <= kernel_last_cap && cap < 64; ++cap) {
    if (bounding & bit(cap)) continue;
    TRY(sys::capbset_drop(cap));
  }
  return {};
}

Result<> set_caps_and_ambient(const CapSets& sets, int kernel_last_cap) {
  TRY(sys::capset({sets.effective, sets.permitted, sets.inheritable}));
  // EINVAL: a kernel without ambient capabilities (before 4.3); nothing to clear then.
  auto cleared = sys::cap_ambient_clear_all();
  if (!cleared.has_value() && cleared.error().errno_code() != EINVAL)
    return fail(std::move(cleared).error());
  for (int cap = 0; cap <= kernel_last_cap && cap < 64; ++cap) {
    if (sets.ambient & bit(cap)) TRY(sys::cap_ambient_raise(cap));
  }
  return {};
}

}  // namespace

std::optional<int> capability_from_name(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<int>(i);
  return std::nullopt;
}

std::string capability_name(int cap) {
  if (cap >= 0 && cap <= kMaxCap) return std::string(kNames[static_cast<size_t>(cap)]);
  return fmt::format("CAP_{}", cap);
}

int last_cap() {
  auto text = sys::read_file("/proc/sys/kernel/cap_last_cap");
  if (!text.has_value()) return kMaxCap;
  int n = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || n < 0 || n > 63) return kMaxCap;
  return n;
}

Result<CapSets> resolve_capabilities(const Capabilities& caps, std::optional<int> kernel_last_cap) {
  const int last = kernel_last_cap.value_or(last_cap());
  CapSets s;
  TRY(resolve_list(caps.bounding, "bounding", last, s.bounding, s.warnings));
  TRY(resolve_list(caps.effective, "effective", last, s.effective, s.warnings));
  TRY(resolve_list(caps.permitted, "permitted", last, s.permitted, s.warnings));
  TRY(resolve_list(caps.inheritable, "inheritable", last, s.inheritable, s.warnings));
  TRY(resolve_list(caps.ambient, "ambient", last, s.ambient, s.warnings));
  // The kernel refuses to raise an ambient capability that is not both permitted and inheritable;
  // runc warns and goes on, so drop it here, where a warning can still be logged.
  const uint64_t raisable = s.permitted & s.inheritable;
  for (int cap = 0; cap <= last && cap < 64; ++cap) {
    if ((s.ambient & bit(cap)) && !(raisable & bit(cap))) {
      s.ambient &= ~bit(cap);
      s.warnings.push_back(
          fmt::format("ambient capability {} is not both permitted and "
                      "inheritable: ignored",
                      capability_name(cap)));
    }
  }
  return s;
}

Result<> apply_capabilities(const CapSets& sets, int kernel_last_cap) {
  TRY(drop_bounding(sets.bounding, kernel_last_cap));
  return set_caps_and_ambient(sets, kernel_last_cap);
}

Result<> switch_user_keep_caps(uid_t uid, gid_t gid, std::span<const gid_t> additional_gids,
                               const CapSets& sets, int kernel_last_cap, bool set_groups) {
  TRY(drop_bounding(sets.bounding, kernel_last_cap));
  TRY(sys::set_keepcaps(true));
  if (set_groups) TRY(sys::setgroups(additional_gids));
  if (auto r = sys::setresgid(gid); !r.has_value()) {
    if (r.error().errno_code() == EINVAL)
      return fail(Error::invalid(fmt::format("gid {} is not mapped in the user namespace", gid)));
    return r;
  }
  if (auto r = sys::setresuid(uid); !r.has_value()) {
    if (r.error().errno_code() == EINVAL)
      return fail(Error::invalid(fmt::format("uid {} is not mapped in the user namespace", uid)));
    return r;
  }
  TRY(sys::set_keepcaps(false));
  return set_caps_and_ambient(sets, kernel_last_cap);
}

}  // namespace hull::container::security
