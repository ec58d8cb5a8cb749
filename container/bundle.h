// An OCI bundle, loaded once: its absolute directory, config.json's text and parsed Config, and
// the checked rootfs. create and restore start from one; the CLI loads it to look at the config
// (process.terminal) and hands it on, so config.json is read and parsed once.
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "container/config.h"

namespace hull::container {

struct Bundle {
  std::string dir;          // absolute, symlinks resolved
  std::string config_path;  // <dir>/config.json
  std::string config_json;  // its text, as read
  std::unique_ptr<Config> config;
  std::string rootfs;  // absolute host path of root.path, a directory

  // Reads and parses <path>/config.json and checks root.path: relative paths are relative to the
  // bundle; a rootfs reached through a symlink is refused (it could be the host's / or any host
  // directory the bundle's author points at), as runc refuses it. Errors name the file and the
  // JSON path: "/b/config.json: .root.path: invalid rootfs /b/r: ...". Relative bind sources are
  // made absolute against the bundle (runc's); config_json keeps the text as written.
  static base::Result<Bundle> load(const std::string& path);
};

}  // namespace hull::container
