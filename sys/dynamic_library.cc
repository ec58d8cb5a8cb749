#include "sys/dynamic_library.h"

namespace hull::sys {

using base::Error;
using base::fail;

namespace {

std::string last_dlerror(const std::string& fallback) {
  const char* e = ::dlerror();
  return e != nullptr ? std::string(e) : fallback;
}

}  // namespace

base::Result<DynamicLibrary> DynamicLibrary::open(const std::string& name) {
  void* handle = ::dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr)
    return fail(Error::unsupported("dlopen " + name + ": " + last_dlerror("failed")));
  return DynamicLibrary(UniqueHandle<DynamicLibraryTraits>(handle), name);
}

base::Result<void*> DynamicLibrary::symbol(const std::string& symbol) const {
  (void)::dlerror();  // a NULL symbol value is only an error when dlerror() says so
  void* p = ::dlsym(m_handle.get(), symbol.c_str());
  if (p == nullptr)
    return fail(Error::unsupported("dlsym " + symbol + " in " + m_name + ": " +
                                   last_dlerror("symbol is NULL")));
  return p;
}

}  // namespace hull::sys
