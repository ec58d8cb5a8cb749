#include "container/security/sysctl.h"

#include <fcntl.h>

#include <algorithm>
#include <array>

#include "sys/file.h"

namespace hull::container::security {

using base::Error;
using base::fail;

namespace {

constexpr std::array<std::string_view, 8> kIpcKeys = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

const Namespace* find_ns(const Linux& l, NamespaceType t) {
  for (const Namespace& ns : l.namespaces)
    if (ns.type == t) return &ns;
  return nullptr;
}

// True when the configured network namespace is the one this process is in: none is
// configured, or its path names the same inode as /proc/self/ns/net.
Result<bool> uses_host_net(const Linux& l) {
  const Namespace* ns = find_ns(l, NamespaceType::Network);
  if (ns == nullptr) return true;
  if (ns->path.empty()) return false;
  struct stat self = TRY(sys::fstatat(AT_FDCWD, "/proc/self/ns/net", 0));
  struct stat other = TRY(sys::fstatat(AT_FDCWD, ns->path, 0)
                              .map_error(base::context("checking the network namespace path")));
  return self.st_dev == other.st_dev && self.st_ino == other.st_ino;
}

// Dots become slashes and slashes dots: a sysctl key's two spellings ("net.ipv4.conf.eth0/1" is
// "net/ipv4/conf/eth0.1") and the path below /proc/sys.
void swap_separators(std::string& s) {
  for (char& c : s) {
    if (c == '.') {
      c = '/';
    } else if (c == '/') {
      c = '.';
    }
  }
}

Error refuse(std::string_view key, std::string_view why) {
  return Error::invalid(fmt::format(".linux.sysctl[\"{}\"]: sysctl \"{}\" {}", key, key, why));
}

}  // namespace

std::string normalize_sysctl_key(std::string_view key) {
  std::string out(key);
  const size_t sep = out.find_first_of("./");
  if (sep == std::string::npos || out[sep] == '.') return out;
  swap_separators(out);
  return out;
}

std::string sysctl_proc_path(std::string_view key) {
  std::string out = normalize_sysctl_key(key);
  swap_separators(out);
  return out;
}

Result<> validate_sysctl(std::string_view raw_key, const Linux& linux_cfg) {
  const std::string key = normalize_sysctl_key(raw_key);
  // Each component becomes a path element under /proc/sys: no empty, "." or ".." elements.
  const std::string path = sysctl_proc_path(key);
  size_t start = 0;
  for (;;) {
    size_t end = path.find('/', start);
    std::string_view part = std::string_view(path).substr(start, end - start);
    if (part.empty() || part == "." || part == "..")
      return fail(refuse(raw_key, "is not a valid sysctl name"));
    if (end == std::string::npos) break;
    start = end + 1;
  }

  const bool ipc_key = key.starts_with("fs.mqueue.") ||
                       std::find(kIpcKeys.begin(), kIpcKeys.end(), key) != kIpcKeys.end();
  if (ipc_key) {
    if (find_ns(linux_cfg, NamespaceType::Ipc) == nullptr)
      return fail(refuse(raw_key, "is not allowed in the host's ipc namespace"));
    return {};
  }
  if (key.starts_with("net.")) {
    if (TRY(uses_host_net(linux_cfg)))
      return fail(refuse(raw_key, "is not allowed in the host's network namespace"));
    return {};
  }
  if (find_ns(linux_cfg, NamespaceType::Uts) != nullptr) {
    if (key == "kernel.domainname") return {};
    if (key == "kernel.hostname")
      return fail(refuse(raw_key, "is not allowed: it conflicts with the \"hostname\" field"));
  }
  if (key.starts_with("user.")) {
    if (find_ns(linux_cfg, NamespaceType::User) == nullptr)
      return fail(refuse(raw_key, "needs a user namespace"));
    return {};
  }
  return fail(refuse(raw_key, "is not in a separate kernel namespace"));
}

Result<> validate_sysctls(const Linux& linux_cfg) {
  for (const auto& [key, value] : linux_cfg.sysctl) TRY(validate_sysctl(key, linux_cfg));
  return {};
}

}  // namespace hull::container::security
