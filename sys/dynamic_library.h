// dlopen(3): a shared library loaded on demand. hull links only what every command needs; a
// library that one rarely used path needs (libsystemd for --systemd-cgroup) is loaded here, so
// the start of every other command does not pay for mapping and relocating it and its
// dependencies.
#pragma once

#include <dlfcn.h>

#include <string>

#include "base/result.h"
#include "sys/unique_fd.h"

namespace hull::sys {

struct DynamicLibraryTraits {
  using Value = void*;
  static constexpr void* invalid() { return nullptr; }
  static void free(void* handle) { ::dlclose(handle); }
};

class DynamicLibrary {
 public:
  // dlopen(name, RTLD_NOW | RTLD_LOCAL): every symbol resolved now, none visible to others.
  // Failure: an Unsupported error with dlerror()'s text ("libx.so.1: cannot open shared object
  // file: No such file or directory").
  static base::Result<DynamicLibrary> open(const std::string& name);

  // dlsym: the address of `symbol`, or an Unsupported error naming the library and symbol.
  base::Result<void*> symbol(const std::string& symbol) const;

  // The symbol as a typed function pointer:
  // `TRY(lib.function<decltype(&sd_bus_call)>("sd_bus_call"))`.
  template <typename Fn>
  base::Result<Fn> function(const std::string& name) const {
    void* p = TRY(symbol(name));
    // SAFETY: POSIX guarantees that a dlsym result for a function converts to a function pointer;
    // the caller names the declared type of that function.
    return reinterpret_cast<Fn>(p);
  }

  const std::string& name() const { return m_name; }

 private:
  DynamicLibrary(UniqueHandle<DynamicLibraryTraits> handle, std::string name)
      : m_handle(std::move(handle)), m_name(std::move(name)) {}

  UniqueHandle<DynamicLibraryTraits> m_handle;
  std::string m_name;
};

}  // namespace hull::sys
