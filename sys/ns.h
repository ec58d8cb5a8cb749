// Namespaces and small process attributes: unshare, setns (by fd or pidfd), hostnames, prctl.
#pragma once

#include <string>

#include "base/result.h"
#include "sys/unique_fd.h"

namespace hull::sys {

using base::Result;

Result<> unshare(int flags);
// setns(2); with a pidfd, `nstype` may hold several CLONE_NEW* bits (Linux 5.8).
Result<> setns(FdRef fd, int nstype, const std::string& what);
Result<> sethostname(const std::string& name);
Result<> setdomainname(const std::string& name);
Result<> prctl(int option, unsigned long arg2, const std::string& what);
// Every fd from `first` up closes at exec: close_range(first, ~0U, CLOSE_RANGE_CLOEXEC), or,
// when that is refused (a seccomp profile older than close_range: EPERM, ENOSYS or the profile's
// errno; a kernel before 5.11), cloexec_each_from.
Result<> cloexec_from(int first);
// The same one fd at a time (fcntl F_SETFD), for each fd listed in /proc/self/fd, which must be
// procfs (a container may mount something else there). Fails when /proc is missing or foreign.
Result<> cloexec_each_from(int first);

}  // namespace hull::sys

namespace hull::sys {
// keyctl(KEYCTL_JOIN_SESSION_KEYRING, name): a new session keyring named `name`, so a container
// does not share the caller's keys.
Result<> join_session_keyring(const std::string& name);
}  // namespace hull::sys
