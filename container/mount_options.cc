#include "container/mount_options.h"

#include <linux/mount.h>
#include <sys/mount.h>

#include <algorithm>
#include <string_view>

namespace hull::container {

namespace {

struct AttrOption {
  std::string_view name;
  bool clear;
  uint64_t attr;
};

// Options that are per-mount attributes rather than filesystem options.
constexpr AttrOption kAttrOptions[] = {
    {"ro", false, MOUNT_ATTR_RDONLY},
    {"rw", true, MOUNT_ATTR_RDONLY},
    {"nosuid", false, MOUNT_ATTR_NOSUID},
    {"suid", true, MOUNT_ATTR_NOSUID},
    {"nodev", false, MOUNT_ATTR_NODEV},
    {"dev", true, MOUNT_ATTR_NODEV},
    {"noexec", false, MOUNT_ATTR_NOEXEC},
    {"exec", true, MOUNT_ATTR_NOEXEC},
    {"nodiratime", false, MOUNT_ATTR_NODIRATIME},
    {"diratime", true, MOUNT_ATTR_NODIRATIME},
    {"nosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW},
    {"symfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};

struct PropagationOption {
  std::string_view name;
  uint64_t type;
  bool recursive;
};

constexpr PropagationOption kPropagation[] = {
    {"private", MS_PRIVATE, false},       {"rprivate", MS_PRIVATE, true},
    {"shared", MS_SHARED, false},         {"rshared", MS_SHARED, true},
    {"slave", MS_SLAVE, false},           {"rslave", MS_SLAVE, true},
    {"unbindable", MS_UNBINDABLE, false}, {"runbindable", MS_UNBINDABLE, true},
};

constexpr std::string_view kAtimeOptions[] = {"relatime", "noatime",    "strictatime",
                                              "atime",    "norelatime", "nostrictatime"};
// Accepted and without effect with the new mount API (runc extensions and defaults).
constexpr std::string_view kNoOps[] = {"tmpcopyup", "remount", "defaults",
                                       "async",     "loud",    "nomand"};
// Superblock flags that fsconfig knows by name; ignored on a bind mount.
constexpr std::string_view kSuperblockFlags[] = {"sync", "dirsync", "mand", "silent"};

bool is_attr_option(std::string_view name) {
  for (const auto& a : kAttrOptions)
    if (a.name == name) return true;
  for (auto a : kAtimeOptions)
    if (a == name) return true;
  return false;
}

}  // namespace

std::vector<std::string> known_mount_options() {
  std::vector<std::string> out = {"bind", "rbind", "idmap", "ridmap"};
  for (const auto& a : kAttrOptions) {
    out.emplace_back(a.name);
    out.push_back("r" + std::string(a.name));
  }
  for (auto a : kAtimeOptions) {
    out.emplace_back(a);
    out.push_back("r" + std::string(a));
  }
  for (const auto& p : kPropagation) out.emplace_back(p.name);
  for (auto n : kNoOps) out.emplace_back(n);
  for (auto n : kSuperblockFlags) out.emplace_back(n);
  std::sort(out.begin(), out.end());
  return out;
}

bool is_read_only_later(const Mount& m, const MountOptions& o) {
  return !o.bind && (o.attr_set & MOUNT_ATTR_RDONLY) &&
         (m.type == "tmpfs" || m.destination == "/dev" || m.destination == "/dev/");
}

unsigned long Propagation::mount_flags() const {
  return static_cast<unsigned long>(type) | (recursive ? static_cast<unsigned long>(MS_REC) : 0UL);
}

base::Result<Propagation> parse_rootfs_propagation(const std::string& name) {
  if (name.empty()) return Propagation{MS_SLAVE, true};
  for (const auto& p : kPropagation)
    if (p.name == name) return Propagation{p.type, p.recursive};
  return base::fail(
      base::Error::invalid(fmt::format(".linux.rootfsPropagation: unknown value \"{}\"", name)));
}

base::Result<MountOptions> parse_mount_options(const Mount& m) {
  MountOptions out;
  out.bind = m.type == "bind";
  for (const auto& given : m.options) {
    // "rro", "rnosuid", "rnoatime", ...: runc's recursive forms. hull already applies a bind
    // mount's attributes to every mount of an rbind tree, so they mean the same as the plain ones.
    const std::string_view opt =
        given.size() > 1 && given[0] == 'r' && is_attr_option(std::string_view(given).substr(1))
            ? std::string_view(given).substr(1)
            : std::string_view(given);
    if (opt == "bind") {
      out.bind = true;
      continue;
    }
    if (opt == "rbind") {
      out.bind = out.recursive = true;
      continue;
    }
    if (opt == "idmap" || opt == "ridmap") {
      out.idmap = true;
      out.ridmap = opt == "ridmap";
      continue;
    }
    // Access-time options are one field in mount_attr: setting one clears the others.
    if (opt == "relatime" || opt == "noatime" || opt == "strictatime") {
      out.attr_clr |= MOUNT_ATTR__ATIME;
      out.attr_set = (out.attr_set & ~static_cast<uint64_t>(MOUNT_ATTR__ATIME)) |
                     (opt == "relatime"  ? MOUNT_ATTR_RELATIME
                      : opt == "noatime" ? MOUNT_ATTR_NOATIME
                                         : MOUNT_ATTR_STRICTATIME);
      continue;
    }
    if (opt == "atime" || opt == "norelatime" || opt == "nostrictatime") continue;  // defaults
    bool no_op = false;
    for (auto n : kNoOps) no_op |= opt == n;
    if (no_op) continue;
    bool handled = false;
    for (const auto& a : kAttrOptions) {
      if (opt == a.name) {
        if (a.clear) {
          out.attr_clr |= a.attr;
          out.attr_set &= ~a.attr;
        } else {
          out.attr_set |= a.attr;
          out.attr_clr &= ~a.attr;
        }
        handled = true;
        break;
      }
    }
    for (const auto& p : kPropagation) {
      if (opt == p.name) {
        out.propagation = p.type;
        out.propagation_recursive = p.recursive;
        handled = true;
        break;
      }
    }
    if (handled) continue;
    // Superblock flags that fsconfig knows by name ("sync", "dirsync", "mand", "silent") and all
    // filesystem-specific options go to fsconfig; a bind mount has no filesystem options.
    bool sb_flag = false;
    for (auto n : kSuperblockFlags) sb_flag |= opt == n;
    if (out.bind && sb_flag) continue;
    out.fs_options.emplace_back(opt);
  }
  // Like runc, filesystem data on a bind mount is ignored: the source's filesystem is reused.
  if (out.bind) out.fs_options.clear();
  return out;
}

}  // namespace hull::container
