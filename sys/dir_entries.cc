#include "sys/dir_entries.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace hull::sys {

using base::Error;
using base::fail;

base::Result<std::vector<DirEntry>> list_dir_at(FdRef dir, const std::string& what) {
  // openat(".") gives a fresh open file description: readdir on a dup would share (and move)
  // the caller's offset.
  int fd = ::openat(dir.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail(Error::from_errno(errno, "open", what));
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    int err = errno;
    ::close(fd);
    return fail(Error::from_errno(err, "opendir", what));
  }
  std::vector<DirEntry> out;
  errno = 0;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    bool is_dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN) {
      struct stat st {};
      is_dir = ::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    }
    out.push_back(DirEntry{std::move(name), is_dir});
    errno = 0;
  }
  int err = errno;
  ::closedir(d);
  if (err != 0) return fail(Error::from_errno(err, "readdir", what));
  return out;
}

}  // namespace hull::sys
