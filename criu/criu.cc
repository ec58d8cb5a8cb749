#include "criu/criu.h"

#include <fmt/format.h>

#include <charconv>
#include <vector>

#include "criu/criu_client.h"
#include "sys/file.h"
#include "sys/socket.h"
#include "sys/spawn.h"

namespace hull::criu {

using base::Error;
using base::ErrorKind;
using base::fail;

std::string Version::to_string() const {
  if (sublevel != 0) return fmt::format("{}.{}.{}", major, minor, sublevel);
  return fmt::format("{}.{}", major, minor);
}

namespace {

// One decimal component; advances `s` past it.
bool take_number(std::string_view& s, int& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || end == s.data() || out < 0) return false;
  s.remove_prefix(static_cast<size_t>(end - s.data()));
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

Result<Version> parse_version_output(std::string_view text) {
  std::optional<Version> version;
  std::string gitid;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.starts_with("Version:")) {
      std::string_view v = trim(line.substr(8));
      Version parsed;
      bool ok = take_number(v, parsed.major) && v.starts_with('.');
      if (ok) {
        v.remove_prefix(1);
        ok = take_number(v, parsed.minor);
      }
      // A third component is optional; anything after it ("-rc1") is ignored.
      if (ok && v.starts_with('.')) {
        v.remove_prefix(1);
        ok = take_number(v, parsed.sublevel);
      }
      if (!ok)
        return fail(
            Error::protocol(fmt::format("criu -V: cannot parse version line \"{}\"", line)));
      version = parsed;
    } else if (line.starts_with("GitID:")) {
      gitid = std::string(trim(line.substr(6)));
    }
  }
  if (!version) return fail(Error::protocol("criu -V printed no \"Version:\" line"));
  version->gitid = std::move(gitid);
  return *version;
}

Result<CgroupMode> parse_cgroup_mode(std::string_view name) {
  if (name == "soft") return CgroupMode::Soft;
  if (name == "full") return CgroupMode::Full;
  if (name == "strict") return CgroupMode::Strict;
  if (name == "ignore") return CgroupMode::Ignore;
  if (name == "props") return CgroupMode::Props;
  if (name == "none") return CgroupMode::None;
  if (name == "default") return CgroupMode::Default;
  return fail(Error::invalid(fmt::format(
      "invalid manage-cgroups-mode \"{}\": want soft, full, strict, ignore, props or none", name)));
}

namespace {

// One request on a fresh `criu swrk`, then a clean exit. Pre-dump leaves criu waiting for the
// next request of its series; hull asks for one pre-dump at a time (like runc) and lets the
// client's destructor close and reap it.
Result<Response> run_one(const std::string& path, const Request& req, CriuNotifyHandler* handler,
                         std::span<const int> inherited = {}) {
  CriuClient client = TRY(CriuClient::start(path, inherited));
  Response resp = TRY(client.call(req, handler));
  if (req.type != RequestType::PreDump) {
    auto done = client.finish();
    if (!done.has_value()) {
      std::string hint = log_hint(req.opts, req.type);
      return fail(std::move(done).error().context(
          fmt::format("after answering {}{}", request_type_name(req.type),
                      hint.empty() ? "" : " (" + hint + ")")));
    }
  }
  return resp;
}

Result<> validate(const CriuOptions& opts, RequestType type) {
  if (opts.images_dir_fd < 0) return fail(Error::invalid("criu: images_dir_fd is required"));
  if (type != RequestType::Restore && opts.pid <= 0)
    return fail(Error::invalid("criu: the pid of the tree to dump is required"));
  if (type != RequestType::Restore && !opts.inherit_fds.empty())
    return fail(Error::invalid("criu: inherit_fds apply to restore only"));
  if (opts.log_file.find('/') != std::string::npos)
    return fail(
        Error::invalid(fmt::format("criu: log_file \"{}\" must be a bare name", opts.log_file)));
  return {};
}

Result<Features> feature_query(std::string_view name) {
  Features f;
  if (name == "mem_dirty_track" || name == "mem_track") {
    f.mem_track = true;
  } else if (name == "lazy_pages" || name == "uffd-noncoop") {
    f.lazy_pages = true;
  } else if (name == "pidfd_store") {
    f.pidfd_store = true;
  } else {
    return fail(Error::invalid(fmt::format(
        "unknown criu feature \"{}\": want mem_dirty_track, lazy_pages or pidfd_store", name)));
  }
  return f;
}

// `criu -V` for releases that predate the VERSION RPC.
Result<Version> version_from_cli(const std::string& path) {
  sys::FdPair out = TRY(sys::pipe());
  std::vector<std::string> argv = {path, "-V"};
  std::vector<int> fds = {-1, out.second.get(), -1};
  sys::ChildProcess child = TRY(sys::spawn(argv, fds));
  out.second.reset();
  std::string text = TRY(sys::read_all(out.first, "criu -V output"));
  sys::ExitStatus status = TRY(child.wait());
  if (status.signal != 0 || status.code != 0)
    return fail(Error::make(
        ErrorKind::Child, fmt::format("{} -V failed (exit status {})", path, status.shell_code())));
  return parse_version_output(text);
}

}  // namespace

Result<Version> Criu::version() {
  if (m_version) return *m_version;
  Request req;
  req.type = RequestType::Version;
  auto resp = run_one(m_path, req, nullptr);
  if (resp.has_value() && resp->version) {
    m_version = *resp->version;
    return *m_version;
  }
  // Without the binary there is nothing to fall back to.
  if (!resp.has_value() &&
      (resp.error().kind() == ErrorKind::NotFound || resp.error().kind() == ErrorKind::Sys))
    return fail(std::move(resp).error().context("asking criu for its version"));
  Version v = TRY(version_from_cli(m_path).map_error(base::context("asking criu for its version")));
  m_version = v;
  return v;
}

Result<> Criu::require_version(const Version& min, std::string_view feature) {
  Version have = TRY(version());
  if (have.number() >= min.number()) return {};
  return fail(Error::unsupported(fmt::format("criu {} is too old for {} (needs >= {})",
                                             have.to_string(), feature, min.to_string())));
}

Result<FeatureStatus> Criu::check_feature(std::string_view name) {
  Request req;
  req.type = RequestType::FeatureCheck;
  req.features = TRY(feature_query(name));
  Response resp = TRY(run_one(m_path, req, nullptr)
                          .map_error(base::context(fmt::format("checking criu feature {}", name))));
  if (!resp.features)
    return fail(
        Error::protocol(fmt::format("criu answered FEATURE_CHECK {} without features", name)));
  bool supported = (req.features->mem_track && resp.features->mem_track) ||
                   (req.features->lazy_pages && resp.features->lazy_pages) ||
                   (req.features->pidfd_store && resp.features->pidfd_store);
  return supported ? FeatureStatus::Supported : FeatureStatus::Missing;
}

Result<> Criu::dump(const CriuOptions& opts, CriuNotifyHandler* handler) {
  TRY(validate(opts, RequestType::Dump));
  Request req;
  req.type = RequestType::Dump;
  req.opts = &opts;
  req.notify_scripts = handler != nullptr;
  TRY(run_one(m_path, req, handler));
  return {};
}

Result<> Criu::pre_dump(const CriuOptions& opts, CriuNotifyHandler* handler) {
  TRY(validate(opts, RequestType::PreDump));
  // Without dirty tracking a pre-dump cannot tell which pages changed; criu would fail with a
  // less telling message, so say it first (runc checks the same feature).
  FeatureStatus dirty = TRY(check_feature("mem_dirty_track"));
  if (dirty == FeatureStatus::Missing)
    return fail(Error::unsupported(
        "pre-dump needs memory dirty tracking, which this kernel lacks "
        "(criu check --feature mem_dirty_track fails: no soft-dirty page bits)"));
  Request req;
  req.type = RequestType::PreDump;
  req.opts = &opts;
  req.notify_scripts = handler != nullptr;
  TRY(run_one(m_path, req, handler));
  return {};
}

Result<pid_t> Criu::restore(const CriuOptions& opts, CriuNotifyHandler* handler) {
  TRY(validate(opts, RequestType::Restore));
  Request req;
  req.type = RequestType::Restore;
  req.opts = &opts;
  req.notify_scripts = handler != nullptr;
  std::vector<int> inherited;
  for (const InheritFd& f : opts.inherit_fds) inherited.push_back(f.fd);
  Response resp = TRY(run_one(m_path, req, handler, inherited));
  if (!resp.restored_pid || *resp.restored_pid <= 0)
    return fail(Error::protocol("criu answered RESTORE without the restored pid"));
  return static_cast<pid_t>(*resp.restored_pid);
}

}  // namespace hull::criu
