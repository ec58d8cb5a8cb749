// process.capabilities → five 64-bit masks (bit n = capability n), resolved in the parent, and
// the child-side sequence that applies them around the switch to the container user.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "base/result.h"
#include "base/wire.h"
#include "container/config.h"

namespace hull::container::security {

using base::Result;

// The capability number of "CAP_CHOWN" .. "CAP_CHECKPOINT_RESTORE" (0..40), or nullopt.
std::optional<int> capability_from_name(std::string_view name);
// "CAP_CHOWN" for 0; "CAP_<n>" for a number past the table.
std::string capability_name(int cap);
// The highest capability the running kernel knows (/proc/sys/kernel/cap_last_cap); 40 when the
// file cannot be read.
int last_cap();

struct CapSets {
  uint64_t bounding = 0, effective = 0, permitted = 0, inheritable = 0, ambient = 0;
  // One line per capability that was dropped (named but unknown to this kernel, or ambient
  // without being both permitted and inheritable); the caller logs them as warnings, like runc.
  // The parent's business: not sent to init.
  std::vector<std::string> warnings;
  HULL_WIRE_FIELDS(bounding, effective, permitted, inheritable, ambient)
};

// Resolves the names. A name that is not a capability at all is an InvalidArgument error naming
// the entry (".process.capabilities.bounding[2]: unknown capability \"CAP_FOO\"").
// `kernel_last_cap` defaults to last_cap().
Result<CapSets> resolve_capabilities(const Capabilities& caps,
                                     std::optional<int> kernel_last_cap = std::nullopt);

// Applies `sets` to the calling thread, in this order:
//   1. drop every capability not in `bounding` from the bounding set (PR_CAPBSET_DROP; needs
//      CAP_SETPCAP, so this comes first, while the thread still has it);
//   2. capset of effective, permitted, inheritable;
//   3. clear the ambient set and raise each ambient capability.
// Allocates nothing on success. Capabilities past `kernel_last_cap` are not touched.
Result<> apply_capabilities(const CapSets& sets, int kernel_last_cap);

// The whole user switch of the init child (runc's finalizeNamespace + setupUser), for a thread
// that starts as uid 0 with full capabilities:
//   1. drop the bounding set (needs CAP_SETPCAP, which setuid would take away);
//   2. PR_SET_KEEPCAPS 1, so the permitted set survives leaving uid 0;
//   3. setgroups(additional_gids) (skipped when `set_groups` is false: setgroups is "deny" in a
//      rootless user namespace);
//   4. setresgid(gid), then setresuid(uid) (gid first: changing it needs CAP_SETGID, gone after
//      a setuid away from 0 clears the effective set);
//   5. PR_SET_KEEPCAPS 0;
//   6. capset of effective, permitted, inheritable, then the ambient set.
// EINVAL from setresuid/setresgid is reported as "uid N is not mapped in the user namespace".
// Allocates nothing on success.
Result<> switch_user_keep_caps(uid_t uid, gid_t gid, std::span<const gid_t> additional_gids,
                               const CapSets& sets, int kernel_last_cap, bool set_groups = true);

}  // namespace hull::container::security
