// One owning type per kernel object. UniqueHandle<Traits> owns a raw handle and frees it exactly
// once; it is move-only. UniqueFd owns a file descriptor; FdRef borrows one without owning it.
#pragma once

#include <unistd.h>

#include <utility>

namespace hull::sys {

template <typename Traits>
class UniqueHandle {
 public:
  using Value = typename Traits::Value;

  UniqueHandle() = default;
  explicit UniqueHandle(Value v) : m_value(v) {}
  UniqueHandle(UniqueHandle&& o) noexcept : m_value(std::exchange(o.m_value, Traits::invalid())) {}
  UniqueHandle& operator=(UniqueHandle&& o) noexcept {
    if (this != &o) reset(std::exchange(o.m_value, Traits::invalid()));
    return *this;
  }
  UniqueHandle(const UniqueHandle&) = delete;
  UniqueHandle& operator=(const UniqueHandle&) = delete;
  ~UniqueHandle() { reset(); }

  bool is_valid() const { return m_value != Traits::invalid(); }
  explicit operator bool() const { return is_valid(); }
  Value get() const { return m_value; }
  // Hands the handle to a new owner (e.g. a child that inherits it); this object becomes empty.
  [[nodiscard]] Value release() { return std::exchange(m_value, Traits::invalid()); }
  void reset(Value v = Traits::invalid()) {
    Value old = std::exchange(m_value, v);
    if (old != Traits::invalid()) Traits::free(old);
  }

 private:
  Value m_value = Traits::invalid();
};

struct FdTraits {
  using Value = int;
  static constexpr int invalid() { return -1; }
  static void free(int fd) { ::close(fd); }  // never retried: Linux closes the fd even on EINTR
};

using UniqueFd = UniqueHandle<FdTraits>;

// A borrowed descriptor. Converts from UniqueFd and from a raw int (AT_FDCWD, stdio).
class FdRef {
 public:
  constexpr FdRef(int fd) : m_fd(fd) {}          // NOLINT: implicit on purpose
  FdRef(const UniqueFd& fd) : m_fd(fd.get()) {}  // NOLINT
  constexpr int get() const { return m_fd; }

 private:
  int m_fd;
};

}  // namespace hull::sys
