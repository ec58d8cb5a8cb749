// Checkpoint and restore through CRIU's RPC interface (`criu swrk 3`), as runc's criuSwrk does.
// This header is protobuf-free: container/ fills CriuOptions and calls Criu; criu/ converts to
// CRIU's own rpc.proto messages internally.
//
//   criu::Criu criu(criu_path);                        // --criu PATH, default "criu" on $PATH
//   TRY(criu.require_version({3, 19}, "checkpoint"));  // "criu 3.17 is too old for checkpoint ..."
//   TRY(criu.dump(opts, &handler));                    // handler answers NOTIFY messages
//   pid_t init = TRY(criu.restore(opts, &handler));
//
// Errors callers may branch on (ErrorKind):
//   NotFound     the criu binary does not exist / is not on $PATH
//   Sys          starting criu failed (errno set: execve, socketpair, ...)
//   Protocol     criu's answer is truncated, malformed, of the wrong type, or missing (EOF)
//   Child        criu answered "failed" (message holds cr_errno, cr_errmsg and "see <log>") or
//                exited non-zero / by a signal
//   Unsupported  the installed criu or this kernel lacks what the request needs
//   InvalidArgument  an option is wrong (e.g. no images_dir_fd)
//   Any error returned by a CriuNotifyHandler is passed through with a "criu notify <script>"
//   frame.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "sys/unique_fd.h"

namespace hull::criu {

using base::Result;

struct Version {
  Version() = default;
  Version(int major_, int minor_, int sublevel_ = 0, std::string gitid_ = {})
      : major(major_), minor(minor_), sublevel(sublevel_), gitid(std::move(gitid_)) {}

  int major = 0;
  int minor = 0;
  int sublevel = 0;
  std::string gitid;  // empty for release builds

  // runc's encoding: 3.17.1 -> 31701. Orders versions.
  int number() const { return major * 10000 + minor * 100 + sublevel; }
  // "3.17" or "3.17.1".
  std::string to_string() const;
  bool operator==(const Version&) const = default;
};

// Parses `criu -V` output ("Version: 3.17.1\nGitID: v3.17.1\n").
Result<Version> parse_version_output(std::string_view text);

// What --manage-cgroups-mode asks for; Unset leaves CRIU's default (soft).
enum class CgroupMode { Unset, Ignore, None, Props, Soft, Full, Strict, Default };
// "soft" -> Soft etc.; anything else is InvalidArgument.
Result<CgroupMode> parse_cgroup_mode(std::string_view name);

enum class FeatureStatus { Supported, Missing };

struct ExtMount {
  std::string key;    // dump: the mount point inside the container; restore: the same key
  std::string value;  // dump: the name in the images; restore: the host path to bind
};
struct InheritFd {
  std::string key;  // e.g. "pipe:[1234]", as recorded in descriptors.json
  int fd = -1;      // hull's descriptor (borrowed); criu receives it as fd 4, 5, ...
};
struct CgroupRoot {
  std::string controller;  // empty: every controller
  std::string path;
};
struct PageServer {
  std::string address;
  int32_t port = 0;
};

// Options for dump, pre_dump and restore (runc's CriuOpts). Descriptors are hull's and borrowed:
// criu opens images_dir_fd, work_dir_fd and status_fd as /proc/<hull>/fd/N, so they stay open
// until the call returns; inherit_fds are handed to the criu child itself.
struct CriuOptions {
  int images_dir_fd = -1;  // required
  int work_dir_fd = -1;    // where the log goes; default: the images dir
  pid_t pid = 0;           // dump/pre_dump: the root of the tree (required; 0 would dump hull)
  bool leave_running = false;
  bool tcp_established = false;
  bool ext_unix_sk = false;
  bool shell_job = false;
  bool file_locks = false;
  CgroupMode manage_cgroups_mode = CgroupMode::Unset;
  std::vector<ExtMount> ext_mounts;
  std::vector<InheritFd> inherit_fds;  // restore only
  std::vector<CgroupRoot> cgroup_roots;
  std::vector<std::string> external;  // "mnt[KEY]:VAL", "veth[IN]:OUT", "dev[...]" ...
  std::string root;                   // restore: the rootfs mount point
  std::string parent_img;             // relative to the images dir, e.g. "../pre-1"
  bool track_mem = false;
  bool auto_dedup = false;
  bool lazy_pages = false;
  int status_fd = -1;  // lazy pages: criu writes one byte when ready; the caller keeps ownership
  std::optional<PageServer> page_server;
  uint32_t empty_ns = 0;  // only CLONE_NEWNET is accepted by criu
  bool orphan_pts_master = false;
  // The restored root task becomes a child of hull rather than of criu (runc always sets it).
  bool restore_sibling = true;
  std::string lsm_profile;
  std::string config_file;  // criu's RPC configuration file (runc: org.criu.config annotation)
  int log_level = 4;        // 0..4; 4 is what runc uses
  std::string log_file;     // a bare name in the work dir; default "dump.log", "pre-dump.log", ...
};

// Answers criu's NOTIFY messages (its "action scripts"), which criu sends when a handler is given.
// `script` is one of "pre-dump", "network-lock", "post-dump", "pre-restore", "setup-namespaces",
// "post-setup-namespaces", "network-unlock", "pre-resume", "post-resume", "post-restore",
// "status-ready", "query-ext-files", ...; `pid` is the restored init's pid for "setup-namespaces"
// and "post-restore", else 0. An error makes hull answer notify_success=false, so criu rolls back
// (a dump resumes the tasks); the call then returns that error.
struct CriuNotifyHandler {
  virtual ~CriuNotifyHandler() = default;
  virtual Result<> on_notify(std::string_view script, int32_t pid) = 0;
  // "orphan-pts-master" (with orphan_pts_master set): criu passes the master of the restored
  // console over SCM_RIGHTS; the handler owns it (runc sends it to --console-socket).
  virtual Result<> on_orphan_pts_master(sys::UniqueFd master) {
    (void)master;
    return {};
  }
};

// One criu binary. Each operation starts its own `criu swrk` child and waits for it.
class Criu {
 public:
  explicit Criu(std::string path = "criu") : m_path(std::move(path)) {}

  const std::string& path() const { return m_path; }

  // The VERSION RPC; criu releases without it are asked `criu -V`. Cached after the first success.
  Result<Version> version();
  // Unsupported "criu 3.17 is too old for <feature> (needs >= 3.19)" when version() < min.
  Result<> require_version(const Version& min, std::string_view feature);
  // FEATURE_CHECK RPC. Names as `criu check --feature`: "mem_dirty_track", "lazy_pages" (alias
  // "uffd-noncoop"), "pidfd_store". An unknown name is InvalidArgument.
  Result<FeatureStatus> check_feature(std::string_view name);

  // DUMP: checkpoints the tree rooted at opts.pid into opts.images_dir_fd.
  Result<> dump(const CriuOptions& opts, CriuNotifyHandler* handler = nullptr);
  // PRE_DUMP: dumps memory only and leaves the tree running. Needs memory dirty tracking: fails
  // with Unsupported naming mem_dirty_track when the kernel lacks it (checked first).
  Result<> pre_dump(const CriuOptions& opts, CriuNotifyHandler* handler = nullptr);
  // RESTORE: returns the pid of the restored root task.
  Result<pid_t> restore(const CriuOptions& opts, CriuNotifyHandler* handler = nullptr);

 private:
  std::string m_path;
  std::optional<Version> m_version;
};

}  // namespace hull::criu
