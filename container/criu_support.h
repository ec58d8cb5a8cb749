// What checkpoint and restore share: the criu version hull needs, the request made from the
// options both take (CriuCommonOptions), the external mount map (runc's addCriuDumpMount /
// addCriuRestoreMount), and descriptors.json. Pure functions over the options and the config, so
// the mapping is unit-tested without criu or root; open_criu and open_output_dir do the I/O both
// directions share.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "container/cgroups/mountinfo.h"
#include "container/config.h"
#include "container/container.h"
#include "criu/criu.h"
#include "sys/unique_fd.h"

namespace hull::container {

// criu 3.14 restores tasks into a time namespace and knows the cgroup v2 freezer; runc needs the
// same release for both.
inline const criu::Version kMinCriuVersion{3, 14};

// The file in the image directory that records the container's stdio (runc's name and format:
// a JSON array of the /proc/<init>/fd/{0,1,2} link targets).
inline constexpr const char* kDescriptorsFile = "descriptors.json";

// The criu configuration file a checkpoint or restore names (criu 3.11+ reads it after the RPC
// options, so its settings win), chosen as runc's handleCriuConfigurationFile does: the
// org.criu.config annotation; an empty annotation names none; without it, /etc/criu/runc.conf.
// That default is runc's own name, kept (as crun keeps it) so that a host set up for runc
// checkpoints the same way under hull. criu skips a file that does not exist. "" means none.
inline constexpr const char* kCriuConfigAnnotation = "org.criu.config";
inline constexpr const char* kDefaultCriuConfig = "/etc/criu/runc.conf";
std::string criu_config_file(const Config& cfg);

// "" -> Unset, otherwise criu::parse_cgroup_mode.
base::Result<criu::CgroupMode> cgroup_mode_flag(std::string_view name);

// criu's request as far as the shared options make it: checks them (an image path is given,
// --manage-cgroups-mode is known, --empty-ns names only the network) and copies the rest; the
// container's console master always comes back (orphan_pts_master). InvalidArgument otherwise.
base::Result<criu::CriuOptions> criu_request(const CriuCommonOptions& o);
// The criu binary at o.criu_path, checked to be recent enough for `action` ("checkpoint") and,
// for lazy pages, to have userfaultfd support. Nothing is written.
base::Result<criu::Criu> open_criu(const CriuCommonOptions& o, std::string_view action);
// A directory criu writes into (images, work), created (0700) when missing, as runc does.
base::Result<sys::UniqueFd> open_output_dir(const std::string& path);

// A mount destination as criu names the mount point: absolute, no repeated or trailing slashes.
std::string clean_container_path(std::string_view path);

// The mounts of a container that criu must treat as external (their source is outside the
// container): bind mounts, cgroup directories bound in when there is no cgroup namespace, masked
// files (a bind of /dev/null) and, in a user namespace, the bound device nodes.
struct ExternalMountInput {
  const Config* config = nullptr;
  std::string bundle;                               // relative bind sources are relative to it
  bool cgroup_ns = false;                           // the container has its own cgroup namespace
  bool user_ns = false;                             // device nodes were bound in, not created
  cgroups::CgroupLayout layout;                     // the host's cgroup hierarchies
  std::map<std::string, std::string> cgroup_paths;  // restore: the new container's cgroup dirs
  std::vector<std::string> masked_files;  // dump: masked paths that are files in the container
  // Where a destination lands in the rootfs once its symlinks are resolved there (runc's
  // securejoin): criu knows a mount by that mount point. Unset: the destination as written.
  std::function<std::string(const std::string&)> mount_point;
};
// Dump: key = the mount point in the container, value = the name criu stores in the images
// (the mount point itself; "/dev/null" for masked files).
std::vector<criu::ExtMount> dump_external_mounts(const ExternalMountInput& in);
// Restore: the same keys, mapped to the host path each external mount is bound from.
std::vector<criu::ExtMount> restore_external_mounts(const ExternalMountInput& in);

// Whether init was cloned into a new cgroup namespace (rootfs.cc then mounts cgroupfs afresh).
bool has_new_cgroup_ns(const Config& cfg);

// descriptors.json <-> its list. Malformed text is an InvalidArgument error naming the file.
std::string descriptors_json(const std::vector<std::string>& fds);
base::Result<std::vector<std::string>> parse_descriptors(std::string_view json,
                                                         const std::string& path);

}  // namespace hull::container
