// linux.sysctl: only keys that live in a namespace the container has its own copy of may be set
// (runc's validator), so a container cannot change the host's kernel settings.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "container/config.h"

namespace hull::container::security {

using base::Result;

// runc's normalisation: a key whose first separator is '/' ("net/ipv4/conf/eth0.1/rp_filter") is
// rewritten with '.' and '/' swapped ("net.ipv4.conf.eth0/1.rp_filter").
std::string normalize_sysctl_key(std::string_view key);
// The file under /proc/sys for a (normalised or not) key: "net/ipv4/ip_forward".
std::string sysctl_proc_path(std::string_view key);

// Accepts `key` only when the container has the namespace it belongs to:
//   kernel.msgmax, kernel.msgmnb, kernel.msgmni, kernel.sem, kernel.shmall, kernel.shmmax,
//   kernel.shmmni, kernel.shm_rmid_forced, fs.mqueue.*   an ipc namespace;
//   net.*                  a network namespace that is not the caller's (a new one, or a path
//                          whose inode differs from /proc/self/ns/net);
//   kernel.domainname      a uts namespace (kernel.hostname is refused: use the hostname field);
//   user.*                 a user namespace.
// Anything else, empty keys and keys with empty or ".." components are InvalidArgument errors
// naming the key: `.linux.sysctl["kernel.panic"]: sysctl "kernel.panic" is not in a separate
// kernel namespace`.
Result<> validate_sysctl(std::string_view key, const Linux& linux_cfg);
// validate_sysctl for every key of linux_cfg.sysctl.
Result<> validate_sysctls(const Linux& linux_cfg);

}  // namespace hull::container::security
