// hull's library API, libcontainer's Container in C++. A Container is one directory under the
// runtime root (<root>/<id>: state.json, and exec.sock while created). Every operation that
// changes a container holds an exclusive flock on that directory, so commands on one container
// serialise; creating an id is an atomic mkdir, so of two concurrent creates exactly one wins.
//
//   auto c = TRY(Container::create(opts));   // init blocked before exec: status created
//   TRY(c.start());                           // running
//   TRY(c.signal(SIGTERM, false));
//   TRY(c.destroy());
//
// Threads and the caller's process: every function here may be called from any thread of a
// multithreaded program, concurrently for different containers, and none changes the calling
// process: not its working directory, namespaces, signal dispositions or mask, umask, CPU
// affinity or rlimits (tests/library/embedder_test holds it to that under load). Processes are
// started as sys/child.h prescribes: between clone and exec a child makes system calls on data
// prepared before the clone and nothing else, so locks held by other threads at the clone (malloc's
// among them) cannot block it; what runs inside the container is hull-init (container/init/), a
// program of its own. A Container object itself is not thread-safe: use one per thread. The
// library keeps one descriptor open for the life of the process: hull-init's sealed copy, or the
// view of use_own_executable_for_init (CLOEXEC). Children a Container hands out (take_init, exec)
// are the caller's to wait for.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "container/bundle.h"
#include "container/cgroups/notify.h"
#include "container/cgroups/stats.h"
#include "container/config.h"
#include "container/state.h"
#include "container/state_dir.h"
#include "sys/process.h"
#include "sys/unique_fd.h"

namespace hull::container {

using base::Result;

inline constexpr const char* kDefaultRoot = "/run/hull";

// runc's rules: [A-Za-z0-9][A-Za-z0-9_+.-]*, at most 1024 bytes, not "." or "..".
Result<> validate_id(const std::string& id);

// hull-init comes with the library and runs from a sealed memfd copy made once per process
// (container/security/sealed_exe.h). A program that carries hull-init itself (it links
// //container/init:entry and, first thing in main, returns init_entry(argc, argv) when
// is_init_invocation(argc, argv)) may call this before its first container: hull-init then runs
// from a read-only overlayfs view of the program's own file, which copies nothing, and from the
// sealed copy where that view cannot be made (no overlayfs, no privilege, a layer conflict).
void use_own_executable_for_init();

struct CreateOptions {
  std::string root = kDefaultRoot;
  std::string id;
  std::string bundle = ".";
  std::string console_socket;  // empty: no console socket
  // Or an already connected socket (borrowed), for `run`'s own pty; used only when the process
  // has a terminal, so a caller may offer one before it knows.
  int console_fd = -1;
  // Written with init's pid once the container exists (a relative path is relative to the
  // caller's working directory); if it cannot be, the container is destroyed. Empty: none.
  std::string pid_file;
  int preserve_fds = 0;
  std::vector<std::string> extra_env;  // added to process.env (LISTEN_FDS for socket activation)
  bool no_pivot = false;
  bool no_new_keyring = false;
  // Used by `run` in the foreground: hull keeps init as its child to wait for it.
  bool keep_child = false;
  // --systemd-cgroup: the cgroup is a systemd scope (cgroups::Manager::create_systemd).
  bool systemd_cgroup = false;
};

struct ExecOptions {
  Process process;
  std::string console_socket;
  int console_fd = -1;  // or an already connected socket (borrowed)
  int preserve_fds = 0;
  std::string pid_file;  // the process's pid, written once it runs (it is killed if that fails)
  // runc's --ignore-paused: exec into a paused container; the process freezes as it joins the
  // cgroup, so exec returns only once the container is resumed.
  bool ignore_paused = false;
  // runc's --cgroup: existing sub-cgroups to run the process in (see cgroups::sub_cgroup_paths).
  std::map<std::string, std::string> sub_cgroups;
};

// What checkpoint and restore both take from the user (runc's CriuOpts that both use), filled
// from the same flags by the CLI and turned into criu's options in one place (criu_support.h).
struct CriuCommonOptions {
  std::string criu_path = "criu";  // the global --criu flag
  // Checkpoint: created (0700) when missing; restore: a directory checkpoint wrote. Required.
  std::string image_path;
  std::string work_path;  // criu's log and work files (created 0700); default: the image dir
  bool tcp_established = false;
  bool ext_unix_sk = false;
  bool shell_job = false;
  bool file_locks = false;
  bool lazy_pages = false;
  std::string manage_cgroups_mode;  // "", "soft", "full", "strict", "ignore"
  uint32_t empty_ns = 0;            // CLONE_NEWNET: leave the network namespace out
};

// `hull checkpoint` (runc's Checkpoint). Paths may be relative to the caller's cwd.
struct CheckpointOptions {
  CriuCommonOptions criu;
  std::string parent_path;  // pre-dump chain: relative to the image path, must exist
  bool leave_running = false;
  bool pre_dump = false;  // memory only, the container keeps running (needs mem_dirty_track)
  bool auto_dedup = false;
  int status_fd = -1;       // lazy pages: one byte is written when criu is ready
  std::string page_server;  // "ADDRESS:PORT", or empty
};

// `hull restore`: a new container from a bundle and a checkpoint image (runc's Restore).
struct RestoreOptions {
  std::string root = kDefaultRoot;
  std::string id;
  std::string bundle = ".";
  CriuCommonOptions criu;
  std::string console_socket;  // receives the restored terminal's master (orphan-pts-master)
  std::string pid_file;        // as CreateOptions::pid_file
  // The descriptors that replace the checkpointed container's stdio pipes (descriptors.json
  // entries "pipe:[N]" at index i get stdio[i]), as runc hands over its own stdio. Borrowed.
  int stdio[3] = {0, 1, 2};
  // Foreground restore: hull keeps the restored init as its child (take_init) to wait for it.
  bool keep_child = false;
  // --systemd-cgroup: the restored tree's cgroup is a systemd scope.
  bool systemd_cgroup = false;
};

// Every operation below that acts on a container reports its errors with one context frame, the
// runc verb and the id: `create "web": ...`, `kill "web": container not running (it is stopped)`,
// `delete "web": ...` (load is the exception: `container "web": container does not exist`).
class Container {
 public:
  // Creates the container from its bundle; init waits before exec until start(). The second form
  // takes a bundle the caller has loaded (opts.bundle is then not read).
  static Result<Container> create(const CreateOptions& opts);
  static Result<Container> create(Bundle bundle, const CreateOptions& opts);
  // create, then start (runc's run); a container that fails to start is destroyed.
  static Result<Container> run(const CreateOptions& opts);
  // Opens an existing container and locks it. NotFound: `container "x": container does not
  // exist` (runc's words, which containerd, Docker and podman look for).
  static Result<Container> load(const std::string& root, const std::string& id);
  // Every container id under `root` (sorted).
  static Result<std::vector<std::string>> list(const std::string& root);

  Container(Container&&) = default;
  Container& operator=(Container&&) = default;
  ~Container();

  const std::string& id() const { return m_state.id; }
  const State& state() const { return m_state; }
  const Config& config() const { return *m_config; }
  // Refreshed from facts: init alive with its recorded start time, exec socket present, freezer.
  Result<Status> status() const;
  // The OCI state JSON (`hull state`).
  Result<std::string> oci_state(bool indent) const;

  // created -> running: releases init into the user process and runs poststart hooks.
  Result<> start();
  // kill(2) for init, or with `all` for every process in the cgroup. Signal 0 only checks that
  // init is alive. Init gone: InvalidState "container not running" (runc's words, which
  // containerd and CRI-O take as "already stopped").
  Result<> signal(int sig, bool all);
  // Removes a stopped (or, with force, any) container: kills what runs, removes cgroups and state,
  // runs poststop hooks.
  Result<> destroy(bool force);
  // `delete --force` when load() fails on a corrupt state.json (or config in it): removes what
  // can still be found, then the state directory. If state.json parses, its cgroups and init;
  // otherwise the default cgroup (/hull/<id> in every hierarchy) and every process in it, with a
  // warning that a container placed by linux.cgroupsPath cannot be found. No poststop hooks: the
  // config is unknown. A missing directory is success.
  static Result<> destroy_unreadable(const std::string& root, const std::string& id);
  Result<std::vector<pid_t>> processes() const;
  // A new process in the running container. Returns it as a child of the caller.
  Result<sys::ChildProcess> exec(const ExecOptions& opts);
  Result<> pause();
  Result<> resume();
  // Checkpoints the running container with criu into opts.image_path (plus descriptors.json).
  // Without leave_running or pre_dump the container's processes are gone afterwards and its
  // status is stopped; the caller destroys it, as runc's CLI does. Pre-dump on a kernel without
  // memory dirty tracking fails (Unsupported) before anything is dumped. Errors: NotFound (no
  // criu), Unsupported (criu too old, missing kernel feature), Child (criu failed; names the log).
  Result<> checkpoint(const CheckpointOptions& opts);
  // Restores a checkpoint into a new container `opts.id` (fresh state; status running). The
  // restored init becomes hull's child (criu's rst_sibling): kept when opts.keep_child, else
  // released. On failure nothing is left behind: no state dir, cgroup or mount.
  static Result<Container> restore(const RestoreOptions& opts);
  // Changes the cgroup limits of a created, running or paused container (runc's update): every
  // set field of `r` is written to the live cgroup (devices are ignored: the rules stay), then
  // merged into the config recorded in state.json, so later loads see the new limits.
  // Stopped: InvalidState "container not running", as runc says.
  Result<> update(const Resources& r);
  // The cgroup statistics plus the interfaces of the container's own network namespace (from
  // /proc/<init>/net/dev; none when the container shares the host's). Stopped: InvalidState.
  Result<cgroups::Stats> stats() const;
  // Readable when a task of the container is OOM-killed / on memory pressure (see
  // cgroups::EventNotifier). The handle stays valid after the Container is gone.
  Result<cgroups::EventNotifier> notify_oom() const;
  Result<cgroups::EventNotifier> notify_memory_pressure(cgroups::PressureLevel level) const;

  // The init process when this Container created it with keep_child (for `run`).
  sys::ChildProcess take_init() { return std::move(m_init); }
  // Drops the lock early; the object must not change the container afterwards.
  void unlock() { m_dir_fd.reset(); }

 private:
  Container() = default;
  // The Container a successful create or restore hands out: its state written, its directory
  // kept and locked.
  static Container adopt(std::string root, StateDir dir, State state,
                         std::unique_ptr<Config> config, sys::ChildProcess init);
  // The operations without their context frame (in_operation adds it; run is create and start
  // under one).
  static Result<Container> create_container(Bundle bundle, const CreateOptions& opts);
  Result<> start_process();
  Result<sys::ChildProcess> exec_process(const ExecOptions& opts);
  Result<> checkpoint_images(const CheckpointOptions& opts);
  static Result<Container> restore_container(const RestoreOptions& opts);
  Result<> send_signal(int sig, bool all);
  Result<> remove_container(bool force);
  static Result<> remove_unreadable(const std::string& root, const std::string& id);
  Result<> update_resources(const Resources& request);
  // processes() without its frame, for kill --all.
  Result<std::vector<pid_t>> cgroup_pids() const;
  // Writes init's pid to `pid_file` (nothing when empty); a container whose pid cannot be
  // reported is destroyed, as runc does.
  Result<> report_pid(const std::string& pid_file);
  // InvalidState naming the status (the operation's frame names the action and id). `runc_text`,
  // when given, is runc's own wording for the refusal, which engines match ("container not
  // running": the kill of a stopped container is done already); the message then carries it
  // verbatim.
  Result<> require_status(std::initializer_list<Status> allowed,
                          std::string_view runc_text = {}) const;
  std::string dir() const;
  bool is_paused() const;

  std::string m_root;
  State m_state;
  std::unique_ptr<Config> m_config;
  sys::UniqueFd m_dir_fd;  // holds the flock
  sys::ChildProcess m_init;
};

// A helper of stats(), public for tests: the interfaces of a /proc/<pid>/net/dev text.
Result<std::vector<cgroups::NetworkInterfaceStats>> parse_net_dev(std::string_view text);

}  // namespace hull::container
