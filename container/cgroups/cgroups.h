// hull's cgroup manager: one interface, two drivers chosen from /proc/self/mountinfo.
//   V1 driver: cgroup v1 hierarchies (and, on a hybrid host, the cgroup2 mount as the "" path,
//              which is joined too and carries the v2-only controllers such as hugetlb there).
//   V2 driver: a pure cgroup2 host.
//
//   auto mgr = TRY(Manager::create(cfg.linux->cgroups_path, id));
//   TRY(mgr->apply(init_pid));                  // mkdir + join
//   state.cgroup_paths = mgr->paths();          // saved in state.json
//   ... later: auto mgr = TRY(Manager::load(state.cgroup_paths)); TRY(mgr->destroy());
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "container/cgroups/devices.h"
#include "container/cgroups/mountinfo.h"
#include "container/cgroups/notify.h"
#include "container/cgroups/stats.h"
#include "container/config.h"
#include "sys/unique_fd.h"

namespace hull::container::cgroups {

using base::Result;

// Controller name -> absolute cgroup directory. V1: one entry per controller ("cpu", "memory",
// "name=systemd", ...; co-mounted controllers share a directory) plus "" for the cgroup2 dir on
// hybrid hosts. V2: exactly one entry, "".
struct CgroupPaths {
  std::map<std::string, std::string> paths;
  bool operator==(const CgroupPaths&) const = default;
};

// The systemd driver's scope that owns a container's cgroup ("hull-web.scope"); `user`: it
// belongs to the user's systemd instance (rootless). An empty unit means cgroupfs.
struct SystemdScope {
  std::string unit;
  bool user = false;
  bool operator==(const SystemdScope&) const = default;
};

// What a new process needs to enter the container's cgroups by itself, from Manager::entry().
// Moving another process (writing its pid to cgroup.procs) takes the kernel's global threadgroup
// lock, whose first writer waits an RCU grace period: ~8 ms per v1 migration here. A thread that
// moves itself ("0" written to a v1 `tasks` file) skips that lock, and clone3's
// CLONE_INTO_CGROUP places a child in a cgroup2 directory at birth; both cost well under 1 ms.
struct Entry {
  std::vector<sys::UniqueFd> tasks;  // O_WRONLY `tasks` of each v1 directory
  sys::UniqueFd v2_dir;              // the cgroup2 directory (for CLONE_INTO_CGROUP), or invalid

  // What the child gets: the raw `tasks` fds (its copies of them), and clone3's cgroup fd.
  std::vector<int> tasks_fds() const {
    std::vector<int> out;
    for (const auto& fd : tasks) out.push_back(fd.get());
    return out;
  }
  int clone_cgroup_fd() const { return v2_dir ? v2_dir.get() : -1; }
};
// In the new, still single-threaded process: writes "0" to each `tasks` fd, which moves the
// calling thread (so the whole process), and closes it. The fds were opened by the privileged
// parent: v1 checks the opener's credentials, so this works from inside a new user namespace too.
Result<> enter_self(const std::vector<int>& tasks_fds);

enum class FreezerState {
  Thawed,
  Freezing,  // freeze requested, some tasks not yet stopped
  Frozen,
};
// "thawed", "freezing", "frozen".
std::string_view freezer_state_name(FreezerState s);

class Manager;
// Fails with InvalidState "container's cgroup unexpectedly frozen (<dir>)" when the cgroup
// already exists frozen or freezing, as a user may leave a cgroupsPath: init would stop at its
// first step and create would wait for it (runc's factory Create refuses the same). A cgroup
// that does not exist yet, or a host without a freezer, passes.
Result<> check_not_frozen(Manager& m);

class Manager {
 public:
  virtual ~Manager() = default;

  // `cgroups_path` is linux.cgroupsPath ("" -> "/hull/<id>"; relative -> "/" + path; ".." is an
  // InvalidArgument error). Nothing is created until apply().
  static Result<std::unique_ptr<Manager>> create(const std::string& cgroups_path,
                                                 const std::string& id);
  // The same with an explicit layout (tests; hosts with unusual mounts).
  static Result<std::unique_ptr<Manager>> create(const std::string& cgroups_path,
                                                 const std::string& id, const CgroupLayout& layout);
  // The systemd driver (--systemd-cgroup, runc's): the cgroup is a transient scope systemd
  // creates around the container's first process in apply(pid). `cgroups_path` is
  // "slice:prefix:name" (systemd_unit.h); `rootless` uses the user's systemd instance (cgroup v2
  // only). Errors: Unsupported "systemd not running on this host, cannot use systemd cgroups
  // manager" (runc's wording) when /run/systemd/system is missing; InvalidArgument for the path.
  static Result<std::unique_ptr<Manager>> create_systemd(const std::string& cgroups_path,
                                                         const std::string& id, bool rootless);
  // Re-opens from saved paths: only "" -> V2 driver, otherwise V1; with a systemd scope, the
  // systemd driver over that (it talks to systemd only in set() and destroy()). Empty paths:
  // InvalidArgument.
  static Result<std::unique_ptr<Manager>> load(const CgroupPaths& paths,
                                               const SystemdScope& scope = {});

  virtual Mode mode() const = 0;
  // Whether the cgroup only comes into being around a live process (a systemd scope needs its
  // first pid): then create_dirs() is Unsupported, and entry() works only after apply(pid).
  virtual bool needs_process() const { return false; }
  // The systemd scope of the cgroup (saved in state.json beside paths()); empty for cgroupfs.
  virtual SystemdScope systemd_scope() const { return {}; }
  // Creates every cgroup directory (parents too; v1 cpuset parents get cpus/mems copied, v2
  // parents get their controllers enabled in cgroup.subtree_control) and moves `pid` into them.
  virtual Result<> apply(pid_t pid) = 0;
  // apply() without moving anyone: the directories only.
  virtual Result<> create_dirs() = 0;
  // Opens the existing directories for a new process to enter (see Entry).
  virtual Result<Entry> entry() const = 0;
  // Removes every cgroup directory, children first. While the kernel still counts tasks (EBUSY)
  // it retries a bounded number of times (about 1.3 s in total), then fails with EBUSY.
  // A directory that is already gone is fine.
  virtual Result<> destroy() = 0;
  // Every pid in the cgroup and its descendants (cgroup.procs).
  virtual Result<std::vector<pid_t>> pids() = 0;
  // SIGKILLs every process in the cgroup and its descendants, without waiting. With a cgroup2
  // directory whose kernel has cgroup.kill (Linux 5.14) the kernel does it at once, so a process
  // that keeps forking cannot escape; otherwise each listed pid is killed (best effort).
  virtual Result<> kill_all();
  virtual CgroupPaths paths() const = 0;
  // Whether the cgroup directory exists (V1: the first controller's directory).
  virtual bool exists() const = 0;

  // Writes every set field of `r` (linux.resources; also `update`). Unset (nullopt/empty) fields
  // are left alone; an empty `r.devices` leaves the device rules alone (as runc's update does),
  // so pass container_device_rules(...) at create. Errors name the field:
  // "linux.resources.memory.swap: ...". A field this host or driver cannot honour is an
  // Unsupported error; an invalid value an InvalidArgument error. Conversions for v2 follow runc:
  // cpu.shares -> cpu.weight, blkio weight -> io.weight, swap (memory+swap) -> memory.swap.max.
  // linux.resources.unified on a v1 or hybrid host is runc's InvalidArgument "invalid
  // configuration: cannot use unified on cgroup v1", before anything is written.
  virtual Result<> set(const Resources& r) = 0;

  // Freezes every task and waits (bounded, about 2 s) until the kernel reports them frozen; on
  // timeout it thaws again and fails with InvalidState. No freezer: Unsupported.
  virtual Result<> freeze() = 0;
  // Thaws and waits (bounded) for the thawed state.
  virtual Result<> thaw() = 0;
  // Read from the kernel each time (v1 freezer.state; v2 cgroup.freeze + cgroup.events).
  virtual Result<FreezerState> freezer_state() = 0;

  // Reads the statistics of every available controller; files of controllers that are not
  // available are skipped (their numbers stay zero).
  virtual Result<Stats> stats() = 0;

  // An fd that becomes readable when a task of the cgroup is OOM-killed (v1: memory.oom_control
  // via cgroup.event_control; v2: inotify on memory.events, consume() counts oom_kill).
  // Unsupported without a memory controller.
  virtual Result<EventNotifier> notify_oom() = 0;
  // An fd that signals memory pressure at `level` (v1: memory.pressure_level; v2: a PSI trigger
  // on memory.pressure, signalled with POLLPRI).
  virtual Result<EventNotifier> notify_memory_pressure(PressureLevel level) = 0;
};

}  // namespace hull::container::cgroups
