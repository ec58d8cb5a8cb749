#include "container/security/seccomp_enosys.h"

#include <linux/audit.h>
#include <linux/seccomp.h>

#include <cerrno>
#include <cstddef>

#include "base/result.h"

namespace hull::container::security {

namespace {

constexpr uint32_t kX32SyscallBit = 0x40000000;
// Offsets in struct seccomp_data.
constexpr uint32_t kNrOffset = offsetof(struct seccomp_data, nr);
constexpr uint32_t kArchOffset = offsetof(struct seccomp_data, arch);

struct sock_filter insn(uint16_t code, uint32_t k, uint8_t jt = 0, uint8_t jf = 0) {
  return {code, jt, jf, k};
}

// A forward jump from the instruction at `pc` to `target` (classic BPF: 8-bit, relative).
uint8_t jump(size_t pc, size_t target) {
  VERIFY(target > pc && target - pc - 1 <= 255);
  return static_cast<uint8_t>(target - pc - 1);
}

size_t block_size(const ArchLimit& l) { return l.audit_arch == AUDIT_ARCH_X86_64 ? 5 : 4; }

}  // namespace

std::vector<struct sock_filter> enosys_stub(std::span<const ArchLimit> limits) {
  std::vector<struct sock_filter> out;
  if (limits.empty()) return out;
  size_t total = 2;  // the final "ja filter" and "ret ENOSYS"
  for (const auto& l : limits) total += block_size(l);
  const size_t enosys = total - 1, filter = total;
  for (const auto& l : limits) {
    const size_t next = out.size() + block_size(l);
    out.push_back(insn(BPF_LD | BPF_W | BPF_ABS, kArchOffset));
    out.push_back(insn(BPF_JMP | BPF_JEQ | BPF_K, l.audit_arch, 0, jump(out.size(), next)));
    out.push_back(insn(BPF_LD | BPF_W | BPF_ABS, kNrOffset));
    // x32 calls arrive as x86_64 with this bit set: left to the filter.
    if (l.audit_arch == AUDIT_ARCH_X86_64)
      out.push_back(insn(BPF_JMP | BPF_JSET | BPF_K, kX32SyscallBit, jump(out.size(), filter), 0));
    out.push_back(insn(BPF_JMP | BPF_JGT | BPF_K, l.max_nr, jump(out.size(), enosys),
                       jump(out.size(), filter)));
  }
  out.push_back(insn(BPF_JMP | BPF_JA, static_cast<uint32_t>(filter - out.size() - 1)));
  out.push_back(insn(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)));
  VERIFY(out.size() == total);
  return out;
}

}  // namespace hull::container::security
