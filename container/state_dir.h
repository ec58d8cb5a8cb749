// <root>/<id>, the directory that is a container on disk (container.h). Claiming an id is one
// mkdir, atomic: of two concurrent creates exactly one wins. The directory is locked (flock on its
// fd) from the claim on, and removed again when the StateDir is dropped unkept, so a create or
// restore that fails half-way leaves no trace of the id.
#pragma once

#include <string>
#include <utility>

#include "base/result.h"
#include "container/state.h"
#include "sys/unique_fd.h"

namespace hull::container {

class StateDir {
 public:
  // mkdir <root>/<id> (the root is made if missing, 0711), open and lock it. AlreadyExists:
  // "container with id exists: <id>", runc's words.
  static base::Result<StateDir> claim(const std::string& root, const std::string& id);

  StateDir(StateDir&& o) noexcept;
  StateDir& operator=(StateDir&&) = delete;
  ~StateDir();

  const std::string& path() const { return m_path; }
  sys::FdRef fd() const { return m_fd; }
  // state.json, atomically (tmp + rename).
  base::Result<> write_state(const State& s);
  // Success: the directory stays; returns the locked fd, which holds the lock from now on.
  sys::UniqueFd keep() &&;

 private:
  StateDir() = default;
  std::string m_path;
  sys::UniqueFd m_fd;
  bool m_keep = false;
};

}  // namespace hull::container
