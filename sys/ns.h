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
// close_range(first, ~0U, CLOSE_RANGE_CLOEXEC): every fd from `first` up closes at exec.
Result<> cloexec_from(int first);

}  // namespace hull::sys

namespace hull::sys {
// keyctl(KEYCTL_JOIN_SESSION_KEYRING, name): a new session keyring named `name`, so a container
// does not share the caller's keys.
Result<> join_session_keyring(const std::string& name);
}  // namespace hull::sys
