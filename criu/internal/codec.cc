#include "criu/internal/codec.h"

#include <fmt/format.h>

#include "criu/internal/rpc.pb.h"

namespace hull::criu::internal {

using base::Error;
using base::fail;

namespace {

criu_cg_mode to_proto(CgroupMode mode) {
  switch (mode) {
    case CgroupMode::Unset:  // never sent; callers check first
    case CgroupMode::Default: return DEFAULT;
    case CgroupMode::Ignore: return IGNORE;
    case CgroupMode::None: return CG_NONE;
    case CgroupMode::Props: return PROPS;
    case CgroupMode::Soft: return SOFT;
    case CgroupMode::Full: return FULL;
    case CgroupMode::Strict: return STRICT;
  }
  return DEFAULT;
}

void fill_options(const CriuOptions& o, RequestType type, criu_opts& pb) {
  pb.set_images_dir_fd(o.images_dir_fd);
  if (o.work_dir_fd >= 0) pb.set_work_dir_fd(o.work_dir_fd);
  if (o.pid > 0) pb.set_pid(o.pid);
  if (o.leave_running) pb.set_leave_running(true);
  if (o.tcp_established) pb.set_tcp_established(true);
  if (o.ext_unix_sk) pb.set_ext_unix_sk(true);
  if (o.shell_job) pb.set_shell_job(true);
  if (o.file_locks) pb.set_file_locks(true);
  if (o.manage_cgroups_mode != CgroupMode::Unset)
    pb.set_manage_cgroups_mode(to_proto(o.manage_cgroups_mode));
  for (const ExtMount& m : o.ext_mounts) {
    ext_mount_map* e = pb.add_ext_mnt();
    e->set_key(m.key);
    e->set_val(m.value);
  }
  for (size_t i = 0; i < o.inherit_fds.size(); ++i) {
    inherit_fd* e = pb.add_inherit_fd();
    e->set_key(o.inherit_fds[i].key);
    e->set_fd(kFirstInheritedFd + static_cast<int>(i));
  }
  for (const CgroupRoot& r : o.cgroup_roots) {
    cgroup_root* e = pb.add_cg_root();
    if (!r.controller.empty()) e->set_ctrl(r.controller);
    e->set_path(r.path);
  }
  for (const std::string& e : o.external) pb.add_external(e);
  if (!o.root.empty()) pb.set_root(o.root);
  if (!o.parent_img.empty()) pb.set_parent_img(o.parent_img);
  if (o.track_mem) pb.set_track_mem(true);
  if (o.auto_dedup) pb.set_auto_dedup(true);
  if (o.lazy_pages) pb.set_lazy_pages(true);
  if (o.status_fd >= 0) pb.set_status_fd(o.status_fd);
  if (o.page_server) {
    criu_page_server_info* ps = pb.mutable_ps();
    ps->set_address(o.page_server->address);
    ps->set_port(o.page_server->port);
  }
  if (o.empty_ns != 0) pb.set_empty_ns(o.empty_ns);
  if (o.orphan_pts_master) pb.set_orphan_pts_master(true);
  // rst_sibling is accepted only for restore ("not allowed in standalone service" otherwise).
  if (type == RequestType::Restore && o.restore_sibling) pb.set_rst_sibling(true);
  if (!o.lsm_profile.empty()) pb.set_lsm_profile(o.lsm_profile);
  if (!o.config_file.empty()) pb.set_config_file(o.config_file);
  pb.set_log_level(o.log_level);
  pb.set_log_file(o.log_file.empty() ? default_log_file(type) : o.log_file);
}

bool known_type(int value) { return criu_req_type_IsValid(value); }

}  // namespace

std::string encode_request(const Request& req) {
  criu_req pb;
  pb.set_type(static_cast<criu_req_type>(req.type));
  if (req.opts != nullptr) fill_options(*req.opts, req.type, *pb.mutable_opts());
  if (req.notify_scripts) pb.mutable_opts()->set_notify_scripts(true);
  if (req.type == RequestType::Notify) pb.set_notify_success(req.notify_success);
  if (req.features) {
    criu_features* f = pb.mutable_features();
    f->set_mem_track(req.features->mem_track);
    f->set_lazy_pages(req.features->lazy_pages);
    f->set_pidfd_store(req.features->pidfd_store);
  }
  // criu_opts.images_dir_fd is required: a message with opts but without it would not parse on
  // criu's side. Requests without options (VERSION) leave opts out entirely.
  if (pb.has_opts() && !pb.opts().has_images_dir_fd()) pb.mutable_opts()->set_images_dir_fd(-1);
  std::string out;
  // Serializing a message whose required fields are set cannot fail.
  VERIFY(pb.SerializeToString(&out));
  return out;
}

// The required fields `pb` lacks, named as the full protobuf runtime would (the lite runtime
// hull links cannot name them).
std::string missing_fields(const criu_resp& pb) {
  std::string out;
  auto add = [&](bool present, std::string_view name) {
    if (present) return;
    if (!out.empty()) out += ", ";
    out += name;
  };
  add(pb.has_type(), "type");
  add(pb.has_success(), "success");
  if (pb.has_restore()) add(pb.restore().has_pid(), "restore.pid");
  if (pb.has_version()) {
    add(pb.version().has_major_number(), "version.major_number");
    add(pb.version().has_minor_number(), "version.minor_number");
  }
  return out.empty() ? "a required field" : out;
}

Result<Response> decode_response(std::string_view bytes) {
  criu_resp pb;
  // ParsePartialFromArray + IsInitialized rather than ParseFromArray: the latter logs to stderr
  // through libprotobuf, and library code does not print.
  if (bytes.size() > static_cast<size_t>(INT32_MAX) ||
      !pb.ParsePartialFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return fail(Error::protocol(
        fmt::format("malformed criu response ({} bytes): not a criu_resp message", bytes.size())));
  if (!pb.IsInitialized())
    return fail(Error::protocol(fmt::format("malformed criu response ({} bytes): missing {}",
                                            bytes.size(), missing_fields(pb))));
  if (!known_type(pb.type()))
    return fail(Error::protocol(
        fmt::format("criu response of unknown type {}", static_cast<int>(pb.type()))));
  Response r;
  r.type = static_cast<RequestType>(pb.type());
  r.success = pb.success();
  if (pb.has_cr_errno()) r.cr_errno = pb.cr_errno();
  r.cr_errmsg = pb.cr_errmsg();
  if (pb.has_dump() && pb.dump().has_restored()) r.dump_restored = pb.dump().restored();
  if (pb.has_restore()) r.restored_pid = pb.restore().pid();
  if (pb.has_notify()) r.notify = Notify{pb.notify().script(), pb.notify().pid()};
  if (pb.has_features()) {
    r.features = Features{pb.features().mem_track(), pb.features().lazy_pages(),
                          pb.features().pidfd_store()};
  }
  if (pb.has_version()) {
    const criu_version& v = pb.version();
    r.version = Version{v.major_number(), v.minor_number(), v.sublevel(), v.gitid()};
  }
  if (pb.has_status()) r.status = pb.status();
  return r;
}

std::string encode_response(const Response& r) {
  criu_resp pb;
  pb.set_type(static_cast<criu_req_type>(r.type));
  pb.set_success(r.success);
  if (r.cr_errno) pb.set_cr_errno(*r.cr_errno);
  if (!r.cr_errmsg.empty()) pb.set_cr_errmsg(r.cr_errmsg);
  if (r.dump_restored) pb.mutable_dump()->set_restored(*r.dump_restored);
  if (r.restored_pid) pb.mutable_restore()->set_pid(*r.restored_pid);
  if (r.notify) {
    pb.mutable_notify()->set_script(r.notify->script);
    pb.mutable_notify()->set_pid(r.notify->pid);
  }
  if (r.features) {
    pb.mutable_features()->set_mem_track(r.features->mem_track);
    pb.mutable_features()->set_lazy_pages(r.features->lazy_pages);
    pb.mutable_features()->set_pidfd_store(r.features->pidfd_store);
  }
  if (r.version) {
    criu_version* v = pb.mutable_version();
    v->set_major_number(r.version->major);
    v->set_minor_number(r.version->minor);
    v->set_sublevel(r.version->sublevel);
    if (!r.version->gitid.empty()) v->set_gitid(r.version->gitid);
  }
  if (r.status) pb.set_status(*r.status);
  std::string out;
  VERIFY(pb.SerializeToString(&out));
  return out;
}

}  // namespace hull::criu::internal
