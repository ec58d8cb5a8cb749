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
#include "container/cgroups/mountinfo.h"

namespace hull::container::cgroups {

using base::Result;

// Controller name -> absolute cgroup directory. V1: one entry per controller ("cpu", "memory",
// "name=systemd", ...; co-mounted controllers share a directory) plus "" for the cgroup2 dir on
// hybrid hosts. V2: exactly one entry, "".
struct CgroupPaths {
  std::map<std::string, std::string> paths;
  bool operator==(const CgroupPaths&) const = default;
};

class Manager {
 public:
  virtual ~Manager() = default;

  // `cgroups_path` is linux.cgroupsPath ("" -> "/hull/<id>"; relative -> "/" + path; ".." is an
  // InvalidArgument error). Nothing is created until apply().
  static Result<std::unique_ptr<Manager>> create(const std::string& cgroups_path,
                                                 const std::string& id);
  // The same with an explicit layout (tests; hosts with unusual mounts).
  static Result<std::unique_ptr<Manager>> create(const std::string& cgroups_path,
                                                 const std::string& id,
                                                 const CgroupLayout& layout);
  // Re-opens from saved paths: only "" -> V2 driver, otherwise V1. Empty paths: InvalidArgument.
  static Result<std::unique_ptr<Manager>> load(const CgroupPaths& paths);

  virtual Mode mode() const = 0;
  // Creates every cgroup directory (parents too; v1 cpuset parents get cpus/mems copied, v2
  // parents get their controllers enabled in cgroup.subtree_control) and moves `pid` into them.
  virtual Result<> apply(pid_t pid) = 0;
  // Removes every cgroup directory, children first. While the kernel still counts tasks (EBUSY)
  // it retries a bounded number of times (about 1.3 s in total), then fails with EBUSY.
  // A directory that is already gone is fine.
  virtual Result<> destroy() = 0;
  // Every pid in the cgroup and its descendants (cgroup.procs).
  virtual Result<std::vector<pid_t>> pids() = 0;
  virtual CgroupPaths paths() const = 0;
  // Whether the cgroup directory exists (V1: the first controller's directory).
  virtual bool exists() const = 0;
};

}  // namespace hull::container::cgroups
