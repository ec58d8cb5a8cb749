#include "cli/criu_flags.h"

#include <sched.h>

#include "sys/file.h"

namespace hull::cli {

Result<container::CriuCommonOptions> criu_options(const Globals& g, const Args& a) {
  container::CriuCommonOptions o;
  o.criu_path = g.criu;
  o.image_path =
      a.has("image-path") ? a.get_or("image-path", "") : TRY(sys::getcwd()) + "/checkpoint";
  o.work_path = a.get_or("work-path", "");
  o.tcp_established = a.has("tcp-established");
  o.ext_unix_sk = a.has("ext-unix-sk");
  o.shell_job = a.has("shell-job");
  o.file_locks = a.has("file-locks");
  o.lazy_pages = a.has("lazy-pages");
  o.manage_cgroups_mode = a.get_or("manage-cgroups-mode", "");
  for (const auto& ns : a.all("empty-ns")) {
    if (ns != "network")
      return base::fail(
          base::Error::invalid(fmt::format("--empty-ns: namespace \"{}\" is not supported", ns)));
    o.empty_ns |= CLONE_NEWNET;
  }
  return o;
}

}  // namespace hull::cli
