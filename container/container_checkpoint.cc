// Container::checkpoint: `hull checkpoint`, runc's Checkpoint (libcontainer/criu_linux.go).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "container/container.h"
#include "container/criu_support.h"
#include "container/internal/operation.h"
#include "container/rootfs_path.h"
#include "criu/criu.h"
#include "sys/file.h"

namespace hull::container {

using base::Error;
using base::fail;
using sys::UniqueFd;

namespace {

// "ADDRESS:PORT" (an IPv6 address in brackets) as runc's net.SplitHostPort accepts it.
Result<criu::PageServer> parse_page_server(const std::string& s) {
  auto bad = [&] {
    return fail(
        Error::invalid(fmt::format("--page-server \"{}\": use --page-server ADDRESS:PORT", s)));
  };
  size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size()) return bad();
  std::string address = s.substr(0, colon);
  if (address.front() == '[' && address.back() == ']')
    address = address.substr(1, address.size() - 2);
  int32_t port = 0;
  std::string_view p(s.data() + colon + 1, s.size() - colon - 1);
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  if (ec != std::errc() || end != p.data() + p.size() || port <= 0 || port > 65535 ||
      address.empty())
    return bad();
  return criu::PageServer{address, port};
}

// Namespaces the container joined by path are not part of the images: criu records them as
// external ("net[<inode>]:extRootNetNS") and restore hands the namespace back in.
Result<> add_external_namespaces(const Config& cfg, criu::CriuOptions& co) {
  if (!cfg.linux) return {};
  for (const auto& ns : cfg.linux->namespaces) {
    if (ns.path.empty()) continue;
    const char* name = ns.type == NamespaceType::Network ? "net"
                       : ns.type == NamespaceType::Pid   ? "pid"
                                                         : nullptr;
    if (name == nullptr) continue;
    struct stat st = TRY(sys::fstatat(AT_FDCWD, ns.path, 0));
    co.external.push_back(
        fmt::format("{}[{}]:{}", name, st.st_ino,
                    ns.type == NamespaceType::Network ? "extRootNetNS" : "extRootPidNS"));
  }
  return {};
}

// Masked paths that are files in the running container: each is a bind of /dev/null.
std::vector<std::string> masked_files(const Config& cfg, pid_t pid) {
  std::vector<std::string> out;
  if (!cfg.linux) return out;
  for (const auto& p : cfg.linux->masked_paths) {
    auto st =
        sys::fstatat(AT_FDCWD, fmt::format("/proc/{}/root{}", pid, clean_container_path(p)), 0);
    if (st.has_value() && !S_ISDIR(st->st_mode)) out.push_back(p);
  }
  return out;
}

class DumpNotify : public criu::CriuNotifyHandler {
 public:
  explicit DumpNotify(int status_fd) : m_status_fd(status_fd) {}
  Result<> on_notify(std::string_view script, int32_t) override {
    // Lazy pages: the page server is ready; the caller waits for one byte on --status-fd.
    if (script == "status-ready" && m_status_fd >= 0) {
      TRY(sys::write_all(sys::FdRef(m_status_fd), std::string(1, '\0'), "--status-fd"));
      m_status_fd = -1;
    }
    return {};
  }

 private:
  int m_status_fd;
};

}  // namespace

Result<> Container::checkpoint(const CheckpointOptions& opts) {
  return in_operation("checkpoint", id(), [&] { return checkpoint_images(opts); });
}

Result<> Container::checkpoint_images(const CheckpointOptions& opts) {
  TRY(require_status({Status::Running}));
  criu::CriuOptions co = TRY(criu_request(opts.criu));
  if (!opts.page_server.empty()) co.page_server = TRY(parse_page_server(opts.page_server));

  // Said before anything is written: the container keeps running untouched.
  criu::Criu criu = TRY(open_criu(opts.criu, "checkpoint"));
  if (opts.pre_dump && TRY(criu.check_feature("mem_dirty_track")) == criu::FeatureStatus::Missing)
    return fail(
        Error::unsupported("pre-dump needs memory dirty tracking, which this kernel lacks "
                           "(criu check --feature mem_dirty_track fails)"));
  if (opts.status_fd >= 0) {
    int flags = TRY(sys::file_status_flags(sys::FdRef(opts.status_fd),
                                           fmt::format("--status-fd {}", opts.status_fd)));
    if ((flags & O_ACCMODE) == O_RDONLY)
      return fail(Error::invalid(
          fmt::format("invalid --status-fd argument {}: not writable", opts.status_fd)));
  }
  UniqueFd images = TRY(open_output_dir(opts.criu.image_path));
  // The parent is named relative to the image dir, which therefore exists first (as in runc).
  if (!opts.parent_path.empty()) {
    if (opts.parent_path[0] == '/')
      return fail(Error::invalid("--parent-path must be relative to the image path"));
    std::string parent = opts.criu.image_path + "/" + opts.parent_path;
    struct stat st =
        TRY(sys::fstatat(AT_FDCWD, parent, 0).map_error(base::context("invalid --parent-path")));
    if (!S_ISDIR(st.st_mode))
      return fail(Error::from_errno(ENOTDIR, "invalid --parent-path", parent));
    co.parent_img = opts.parent_path;
    co.track_mem = true;
  }

  UniqueFd work;
  if (!opts.criu.work_path.empty()) work = TRY(open_output_dir(opts.criu.work_path));
  co.images_dir_fd = images.get();
  co.work_dir_fd = work.is_valid() ? work.get() : -1;
  co.pid = m_state.init_pid;
  co.root = m_state.rootfs;
  co.leave_running = opts.leave_running;
  co.auto_dedup = opts.auto_dedup;
  co.config_file = criu_config_file(*m_config);
  TRY(add_external_namespaces(*m_config, co));

  DumpNotify notify(opts.status_fd);
  if (opts.pre_dump) return criu.pre_dump(co, &notify);

  ExternalMountInput in;
  in.config = m_config.get();
  in.bundle = m_state.bundle;
  in.user_ns = m_state.created_userns;
  in.cgroup_ns = has_new_cgroup_ns(*m_config);
  in.layout = TRY(cgroups::detect_cgroup_layout());
  in.masked_files = masked_files(*m_config, m_state.init_pid);
  UniqueFd root = TRY(sys::open(m_state.rootfs, O_PATH | O_DIRECTORY));
  in.mount_point = [&root](const std::string& dest) {
    return resolve_in_root(root, dest).value_or(dest);
  };
  co.ext_mounts = dump_external_mounts(in);
  // Restore hands new descriptors to the pipes among these (inherit_fd).
  TRY(sys::write_file_atomic(images, kDescriptorsFile,
                             descriptors_json(m_state.external_descriptors)));
  return criu.dump(co, &notify);
}

}  // namespace hull::container
