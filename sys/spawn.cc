#include "sys/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "sys/child.h"
#include "sys/exec.h"
#include "sys/file.h"
#include "sys/socket.h"

extern char** environ;

namespace hull::sys {

using base::Error;
using base::fail;

namespace {
constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}  // namespace

Result<ChildProcess> spawn(std::span<const std::string> argv, std::span<const int> fds) {
  if (argv.empty() || fds.size() < 3 || fds.size() > 64)
    return fail(Error::invalid("spawn: argv must not be empty and fds must hold 3 to 64 entries"));
  const char* path_env = std::getenv("PATH");
  std::string path = TRY(look_path(argv[0], path_env != nullptr ? path_env : kDefaultPath));
  // Everything the child needs is prepared here, before clone.
  std::vector<char*> cargv;
  for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  UniqueFd dev_null = TRY(open("/dev/null", O_RDWR));
  std::vector<int> table(fds.begin(), fds.end());
  for (size_t i = 0; i < 3; ++i)
    if (table[i] < 0) table[i] = dev_null.get();
  FdPair report = TRY(pipe());
  std::vector<int> scratch(table.size());
  ExecImage image;
  image.path = path.c_str();
  image.argv = cargv.data();
  image.envp = environ;
  image.fds = table;
  image.scratch = scratch;

  Cloned cloned = TRY(clone3(0));
  if (cloned.is_child()) exec_in_child(image, report.second.get());

  ChildProcess child(cloned.pid, std::move(cloned.pidfd));
  report.second.reset();
  auto records = TRY(read_child_reports(report.first));
  if (records.empty()) return child;  // the pipe closed at exec: the program runs
  (void)child.wait();
  const ChildReport& r = records.front();
  if (r.step == kStepExec) return fail(Error::from_errno(r.value, "execve", path));
  return fail(Error::from_errno(r.value, "preparing the descriptors of", path));
}

}  // namespace hull::sys
