#include "container/state_dir.h"

#include <fcntl.h>
#include <sys/file.h>

#include "sys/file.h"

namespace hull::container {

using base::Error;
using base::fail;

base::Result<StateDir> StateDir::claim(const std::string& root, const std::string& id) {
  TRY(sys::mkdir_all(root, 0711));
  std::string path = root + "/" + id;
  auto made = sys::mkdirat(AT_FDCWD, path, 0711);
  if (!made.has_value()) {
    if (made.error().errno_code() == EEXIST)
      return fail(Error::make(base::ErrorKind::AlreadyExists,
                              fmt::format("container with id exists: {}", id)));
    return fail(std::move(made).error());
  }
  // Ours from here on: removed again unless kept.
  StateDir d;
  d.m_path = std::move(path);
  d.m_fd = TRY(sys::open(d.m_path, O_RDONLY | O_DIRECTORY));
  TRY(sys::flock(d.m_fd, LOCK_EX, d.m_path));
  return d;
}

StateDir::StateDir(StateDir&& o) noexcept
    : m_path(std::exchange(o.m_path, {})), m_fd(std::move(o.m_fd)), m_keep(o.m_keep) {}

StateDir::~StateDir() {
  if (!m_keep && !m_path.empty()) (void)sys::remove_tree(m_path);
}

base::Result<> StateDir::write_state(const State& s) {
  return sys::write_file_atomic(m_fd, "state.json", serialize_state(s));
}

sys::UniqueFd StateDir::keep() && {
  m_keep = true;
  return std::move(m_fd);
}

}  // namespace hull::container
