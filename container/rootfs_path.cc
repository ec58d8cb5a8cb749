#include "container/rootfs_path.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>

#include <cerrno>
#include <string_view>

#include "base/path.h"
#include "container/mount_table.h"
#include "sys/file.h"
#include "sys/mount.h"

namespace hull::container {

using base::Error;
using base::fail;
using base::Result;
using sys::FdRef;
using sys::UniqueFd;

namespace {

constexpr uint64_t kInRoot = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;

std::string clean(const std::string& path) {
  std::string out;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) {
      std::string_view comp(path.data() + i, j - i);
      if (comp != ".") {
        out += '/';
        out += comp;
      }
    }
    i = j;
  }
  return out.empty() ? "/" : out;
}

Result<> check_kind(FdRef fd, const std::string& path, PathKind kind) {
  struct stat st = TRY(sys::fstat(fd, path));
  if (kind == PathKind::Directory && !S_ISDIR(st.st_mode))
    return fail(Error::from_errno(ENOTDIR, "open in container root", path));
  if (kind == PathKind::File && S_ISDIR(st.st_mode))
    return fail(Error::from_errno(EISDIR, "open in container root", path));
  return {};
}

}  // namespace

Result<UniqueFd> open_in_root(FdRef root, const std::string& path) {
  return sys::openat2(root, clean(path), O_PATH, kInRoot);
}

Result<UniqueFd> ensure_in_root(FdRef root, const std::string& path, PathKind kind) {
  std::string p = clean(path);
  auto existing = sys::openat2(root, p, O_PATH, kInRoot);
  if (existing.has_value()) {
    TRY(check_kind(*existing, p, kind));
    return existing;
  }
  if (existing.error().errno_code() != ENOENT || p == "/") return existing;
  size_t slash = p.rfind('/');
  std::string parent = slash == 0 ? "/" : p.substr(0, slash);
  std::string name = p.substr(slash + 1);
  if (name == "..") return fail(Error::from_errno(EINVAL, "create in container root", p));
  UniqueFd dir = TRY(ensure_in_root(root, parent, PathKind::Directory));
  if (kind == PathKind::Directory) {
    auto made = sys::mkdirat(dir, name, 0755);
    if (!made.has_value() && made.error().errno_code() != EEXIST)
      return fail(std::move(made).error());
  } else {
    auto made = sys::openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
    if (!made.has_value() && made.error().errno_code() != EEXIST)
      return fail(std::move(made).error());
  }
  // O_NOFOLLOW: if `name` was swapped for a symlink meanwhile, we get the link, and the kind
  // check below refuses it.
  UniqueFd fd = TRY(sys::openat(dir, name, O_PATH | O_NOFOLLOW));
  TRY(check_kind(fd, p, kind));
  struct stat st = TRY(sys::fstat(fd, p));
  if (S_ISLNK(st.st_mode)) return fail(Error::from_errno(ELOOP, "open in container root", p));
  return fd;
}

Result<std::string> resolve_in_root(FdRef root, const std::string& path) {
  std::string existing = clean(path), rest;
  UniqueFd fd;
  while (true) {
    auto opened = open_in_root(root, existing);
    if (opened.has_value()) {
      fd = std::move(*opened);
      break;
    }
    if (opened.error().errno_code() != ENOENT || existing == "/")
      return fail(std::move(opened).error());
    size_t slash = existing.rfind('/');
    rest = existing.substr(slash) + rest;
    existing = slash == 0 ? "/" : existing.substr(0, slash);
  }
  // Both links name host paths; RESOLVE_IN_ROOT keeps the target below the root's.
  std::string root_path = TRY(sys::readlinkat(AT_FDCWD, sys::fd_path(root)));
  std::string target = TRY(sys::readlinkat(AT_FDCWD, sys::fd_path(fd)));
  if (root_path == "/") root_path.clear();
  if (target.compare(0, root_path.size(), root_path) != 0 ||
      (target.size() > root_path.size() && target[root_path.size()] != '/'))
    return fail(Error::from_errno(EXDEV, "resolve in container root", path));
  return clean(target.substr(root_path.size()) + rest);
}

Result<UniqueFd> open_bind_source(const std::string& source, const std::string& rootfs) {
  std::string absolute = source;
  if (source.empty() || source[0] != '/') absolute = TRY(sys::getcwd()) + "/" + source;
  const std::string root = clean(rootfs);
  for (const std::string& form : {clean(absolute), base::clean_path(absolute)}) {
    if (!is_at_or_below(form, root)) continue;
    UniqueFd root_fd = TRY(sys::open(root, O_PATH | O_DIRECTORY));
    std::string inside = root == "/" ? form : form.substr(root.size());
    return sys::openat2(root_fd, inside.empty() ? "/" : inside, O_PATH, kInRoot);
  }
  return sys::open(source, O_PATH);
}

}  // namespace hull::container
