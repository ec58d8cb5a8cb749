#include "container/bundle.h"

#include <sys/stat.h>

#include "base/path.h"
#include "container/mount_options.h"
#include "sys/file.h"

namespace hull::container {

using base::Error;
using base::fail;

base::Result<Bundle> Bundle::load(const std::string& path) {
  Bundle b;
  b.dir = TRY(sys::realpath(path));
  b.config_path = b.dir + "/config.json";
  b.config_json = TRY(sys::read_file(b.config_path));
  b.config = std::make_unique<Config>(
      TRY(parse_config(b.config_json).map_error(base::context(b.config_path))));
  // Relative bind sources are relative to the bundle, as runc makes them.
  for (Mount& m : b.config->mounts) {
    if (m.source.empty() || m.source[0] == '/') continue;
    auto o = parse_mount_options(m);
    if (o.has_value() && o->bind) m.source = b.dir + "/" + m.source;
  }
  if (!b.config->root)
    return fail(Error::invalid(b.config_path + ": .root: required to create a container"));
  std::string rootfs = b.config->root->path;
  if (rootfs.empty() || rootfs[0] != '/') rootfs = b.dir + "/" + rootfs;
  b.rootfs = TRY(sys::realpath(rootfs).map_error(base::context(fmt::format("rootfs {}", rootfs))));
  if (b.rootfs != base::clean_path(rootfs))
    return fail(Error::invalid(fmt::format(
        "{}: .root.path: invalid rootfs {}: not an absolute path, or a symlink (resolves to {})",
        b.config_path, rootfs, b.rootfs)));
  struct stat st = TRY(sys::fstatat(AT_FDCWD, b.rootfs, 0));
  if (!S_ISDIR(st.st_mode)) return fail(Error::from_errno(ENOTDIR, "rootfs", b.rootfs));
  return b;
}

}  // namespace hull::container
