// A rollback guard: runs its function when it goes out of scope unless released.
//   Cleanup undo([&] { (void)sys::remove_tree(dir); });
//   ... on success: undo.release();
#pragma once

#include <utility>

namespace hull::base {

template <typename F>
class [[nodiscard]] Cleanup {
 public:
  explicit Cleanup(F f) : m_f(std::move(f)) {}
  Cleanup(Cleanup&& o) noexcept : m_f(std::move(o.m_f)), m_armed(std::exchange(o.m_armed, false)) {}
  Cleanup(const Cleanup&) = delete;
  Cleanup& operator=(const Cleanup&) = delete;
  Cleanup& operator=(Cleanup&&) = delete;
  ~Cleanup() {
    if (m_armed) m_f();
  }
  // Success: the work stays done.
  void release() { m_armed = false; }

 private:
  F m_f;
  bool m_armed = true;
};

}  // namespace hull::base
