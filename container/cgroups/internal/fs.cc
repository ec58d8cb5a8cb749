#include "container/cgroups/internal/fs.h"

#include <fcntl.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "base/strings.h"
#include "container/cgroups/notify.h"
#include "sys/dir_entries.h"
#include "sys/file.h"

namespace hull::container::cgroups::internal {

using base::Error;
using base::fail;

namespace {

// Removes `name` under `parent` (full path `full`), children first.
Result<> remove_at(sys::FdRef parent, const std::string& name, const std::string& full) {
  constexpr int kAttempts = 8;  // 10 ms doubling: about 1.3 s in total
  auto delay = std::chrono::milliseconds(10);
  for (int attempt = 1;; ++attempt) {
    // rmdir first: a container's cgroup rarely has children, and listing a cgroup directory
    // (all its control files) costs more than the rmdir. EBUSY: child cgroups or tasks.
    auto removed = sys::unlinkat(parent, name, AT_REMOVEDIR);
    if (removed.has_value()) return {};
    int err = removed.error().errno_code();
    if (err == EBUSY) {
      auto child = sys::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
      if (!child.has_value()) {
        if (child.error().errno_code() == ENOENT) return {};
        return fail(Error::from_errno(child.error().errno_code(), "open", full));
      }
      // Listed on every attempt: a process still inside may create new children.
      auto entries = sys::list_dir_at(*child, full);
      if (!entries.has_value()) return fail(std::move(entries).error());
      bool had_children = false;
      for (const auto& e : *entries) {
        if (!e.is_dir) continue;
        had_children = true;
        TRY(remove_at(*child, e.name, full + "/" + e.name));
      }
      if (had_children) {
        removed = sys::unlinkat(parent, name, AT_REMOVEDIR);
        if (removed.has_value()) return {};
        err = removed.error().errno_code();
      }
    }
    if (err == ENOENT) return {};
    if (err != EBUSY || attempt == kAttempts) {
      Error e = Error::from_errno(err, "rmdir", full);
      if (err == EBUSY) e.context("tasks remain after " + std::to_string(kAttempts) + " attempts");
      return fail(std::move(e));
    }
    std::this_thread::sleep_for(delay);
    delay *= 2;
  }
}

}  // namespace

Result<CgroupDir> make_path(const std::string& mountpoint, const std::string& path,
                            const ParentHook& before_child, const LevelHook& after) {
  if (path.compare(0, mountpoint.size(), mountpoint) != 0)
    return fail(Error::invalid("cgroup " + path + " is not below " + mountpoint));
  CgroupDir dir = TRY(CgroupDir::open(mountpoint));
  const std::string below = path.substr(mountpoint.size());
  for (std::string_view component : base::split(below, '/')) {
    if (component.empty()) continue;
    const std::string part(component);
    if (before_child) TRY(before_child(dir));
    std::string child_path = dir.path() + "/" + part;
    auto made = sys::mkdirat(dir.fd(), part, 0755);
    if (!made.has_value() && made.error().errno_code() != EEXIST)
      return fail(Error::from_errno(made.error().errno_code(), "mkdir", child_path));
    CgroupDir child = TRY(CgroupDir::open(child_path));
    if (after) TRY(after(dir, child));
    dir = std::move(child);
  }
  return dir;
}

Result<> remove_path(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash + 1 == path.size())
    return fail(Error::invalid("cgroup path \"" + path + "\" is not absolute"));
  std::string parent_path = slash == 0 ? "/" : path.substr(0, slash);
  auto parent = sys::open(parent_path, O_RDONLY | O_DIRECTORY);
  if (!parent.has_value()) {
    if (parent.error().errno_code() == ENOENT) return {};
    return fail(std::move(parent).error());
  }
  return remove_at(*parent, path.substr(slash + 1), path);
}

Result<std::vector<pid_t>> collect_pids(const std::string& path) {
  CgroupDir dir = TRY(CgroupDir::open(path));
  std::vector<pid_t> out = TRY(dir.procs());
  for (const std::string& child : TRY(dir.children())) {
    auto sub = collect_pids(path + "/" + child);
    // A child removed between the listing and the read is not an error.
    if (!sub.has_value()) {
      if (sub.error().errno_code() == ENOENT) continue;
      return fail(std::move(sub).error());
    }
    out.insert(out.end(), sub->begin(), sub->end());
  }
  return out;
}

Result<> join(const CgroupDir& dir, pid_t pid) {
  return dir.write("cgroup.procs", std::to_string(pid));
}

Result<> enable_subtree_controllers(const CgroupDir& dir) {
  std::string available = TRY(dir.read_trimmed("cgroup.controllers"));
  if (available.empty()) return {};
  std::string all;
  std::vector<std::string> each;
  size_t pos = 0;
  while (pos < available.size()) {
    size_t end = available.find(' ', pos);
    if (end == std::string::npos) end = available.size();
    if (end > pos) each.push_back("+" + available.substr(pos, end - pos));
    pos = end + 1;
  }
  for (const auto& c : each) all += (all.empty() ? "" : " ") + c;
  if (dir.write("cgroup.subtree_control", all).has_value()) return {};
  // Some controllers cannot be enabled (e.g. threaded subtrees); enable what can be.
  for (const auto& c : each) (void)dir.write("cgroup.subtree_control", c);
  return {};
}

Result<> write_field(const CgroupDir& dir, const std::string& file, const std::string& value,
                     const std::string& field) {
  return dir.write(file, value).map_error(base::context(field));
}

std::string limit_string(int64_t v) { return v < 0 ? std::string("max") : std::to_string(v); }

bool wait_until(const std::function<bool()>& done, int attempts) {
  for (int i = 0; i < attempts; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return done();
}

void read_opt(const CgroupDir& d, const std::string& file, uint64_t& out) {
  auto v = d.read_u64(file);
  if (v.has_value()) out = *v;
}

std::optional<std::pair<uint64_t, uint64_t>> parse_devno(std::string_view text,
                                                         const std::string& what) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto major = parse_u64(text.substr(0, colon), what + " major");
  auto minor = parse_u64(text.substr(colon + 1), what + " minor");
  if (!major.has_value() || !minor.has_value()) return std::nullopt;
  return std::pair{*major, *minor};
}

void hugetlb_stats(const CgroupDir& d, const std::vector<std::string>& files, bool v1,
                   std::map<std::string, HugetlbStats>& out) {
  const std::string suffix = v1 ? ".limit_in_bytes" : ".max";
  for (const std::string& file : files) {
    if (!file.starts_with("hugetlb.") || !file.ends_with(suffix) ||
        file.find(".rsvd.") != std::string::npos)
      continue;
    std::string size = file.substr(8, file.size() - 8 - suffix.size());
    HugetlbStats& h = out[size];
    std::string base = "hugetlb." + size + ".";
    if (v1) {
      read_opt(d, base + "usage_in_bytes", h.usage);
      read_opt(d, base + "max_usage_in_bytes", h.max);
      read_opt(d, base + "failcnt", h.failcnt);
    } else {
      read_opt(d, base + "current", h.usage);
      if (auto t = d.read(base + "events"); t.has_value()) h.failcnt = parse_flat_keyed(*t)["max"];
    }
  }
}

std::vector<uint16_t> parse_cpu_list(std::string_view text) {
  std::vector<uint16_t> out;
  for (std::string_view item : base::split(text, ',')) {
    while (!item.empty() && (item.back() == '\n' || item.back() == ' ')) item.remove_suffix(1);
    if (item.empty()) continue;
    size_t dash = item.find('-');
    auto lo = parse_u64(item.substr(0, dash), "cpu list");
    auto hi = dash == std::string_view::npos ? parse_u64(item, "cpu list")
                                             : parse_u64(item.substr(dash + 1), "cpu list");
    if (!lo.has_value() || !hi.has_value() || *hi > 65535) continue;
    for (uint64_t c = *lo; c <= *hi; ++c) out.push_back(static_cast<uint16_t>(c));
  }
  return out;
}

}  // namespace hull::container::cgroups::internal
