#include "sys/image.h"

#include <link.h>

#include <cstdint>

namespace hull::sys {

namespace {

struct Lookup {
  uintptr_t addr = 0;
  size_t size = 0;
  bool found = false;
  MappedFileRange range;
};

int visit(struct dl_phdr_info* info, size_t, void* data) {
  auto* l = static_cast<Lookup*>(data);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    if (l->addr < start || l->addr + l->size > start + ph.p_filesz) continue;
    l->found = true;
    l->range.path = info->dlpi_name != nullptr && info->dlpi_name[0] != '\0' ? info->dlpi_name
                                                                             : "/proc/self/exe";
    l->range.offset = static_cast<off_t>(ph.p_offset + (l->addr - start));
    return 1;
  }
  return 0;
}

}  // namespace

base::Result<MappedFileRange> mapped_file_range(const void* addr, size_t size) {
  Lookup l;
  l.addr = reinterpret_cast<uintptr_t>(addr);
  l.size = size;
  ::dl_iterate_phdr(visit, &l);
  if (!l.found)
    return base::fail(
        base::Error::not_found(fmt::format("no loaded file maps {} bytes at {}", size, addr)));
  return l.range;
}

}  // namespace hull::sys
