// linux.seccomp → a ready-to-load BPF program.
//
// compile_seccomp() runs in the parent: it builds the whole filter with libseccomp (default action,
// architectures, rules with argument comparisons) and exports the BPF. The init child then only
// calls load_seccomp(), one seccomp(2) system call that allocates nothing.
//
// Load order in the child (runc's): with noNewPrivileges, set no_new_privs and load the filter
// just before init reports ready (startContainer hooks and the exec run under it); without it, the
// kernel demands CAP_SYS_ADMIN, so load it before the capabilities are dropped (before
// switch_user_keep_caps / apply_capabilities). Either way the fds are marked CLOEXEC first: a
// profile may refuse close_range.
//
// Semantics follow runc: SCMP_ACT_KILL is KILL_THREAD; ERRNO and TRACE without errnoRet use EPERM;
// a rule whose action equals the default action is skipped; syscall names this architecture does
// not know are ignored; several comparisons on the same argument index become one rule each;
// unless the default action allows, syscalls numbered above all the profile names get ENOSYS
// (container/security/seccomp_enosys.h).
#pragma once

#include <linux/filter.h>

#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "base/result.h"
#include "base/wire.h"
#include "container/config.h"
#include "sys/unique_fd.h"

namespace hull::container::security {

using base::Result;

struct SeccompProgram {
  std::vector<struct sock_filter> filter;  // the classic BPF program, at most BPF_MAXINSNS long
  unsigned int flags = 0;   // SECCOMP_FILTER_FLAG_* for seccomp(2), incl. NEW_LISTENER
  bool has_notify() const;  // some rule uses SCMP_ACT_NOTIFY: loading returns a listener fd
  HULL_WIRE_FIELDS(filter, flags)
};

// Compiles `cfg`. Errors are InvalidArgument and name the JSON path:
//   .linux.seccomp.syscalls[3].action: unknown action "SCMP_ACT_FOO"
// Also rejected: unknown architectures, flags and operators, argument index > 5, errnoRet > 65535,
// SCMP_ACT_NOTIFY as the default action or for "write" (runc), and NOTIFY without listenerPath.
Result<SeccompProgram> compile_seccomp(const Seccomp& cfg);

// What compile_seccomp accepts, for `hull features` (the runtime-spec's features.md, "seccomp"):
// action, operator and architecture names, the flags it knows and those this kernel supports.
struct SeccompFeatures {
  std::vector<std::string> actions, operators, archs, known_flags, supported_flags;
};
SeccompFeatures seccomp_features();

// Loads the program into the calling thread: seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog).
// Returns the notify listener fd when has_notify(), else an invalid fd. Allocates nothing on
// success; EACCES means neither no_new_privs nor CAP_SYS_ADMIN.
Result<sys::UniqueFd> load_seccomp(const SeccompProgram& program);

// The OCI ContainerProcessState that goes with the notify fd (the runtime-spec's seccomp section,
// runc's specs.ContainerProcessState):
//   {"ociVersion":"1.2.0","fds":["seccompFd"],"pid":PID,"metadata":"...","state":STATE}
// `state_json` is the container's state object (`hull state` output), inserted verbatim.
std::string container_process_state_json(int pid, std::string_view metadata,
                                         std::string_view state_json);

// Connects to the unix stream socket `listener_path` and sends `message` (the JSON from
// container_process_state_json) in one sendmsg with `notify_fd` attached as SCM_RIGHTS, as runc
// does. Errors name the listener path.
Result<> send_seccomp_listener(const std::string& listener_path, int notify_fd,
                               std::string_view message);

}  // namespace hull::container::security
