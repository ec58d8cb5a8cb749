#include "container/cgroups/devices.h"

#include <algorithm>

namespace hull::container::cgroups {

using base::Error;
using base::fail;

namespace {

DeviceCgroupRule allow(const char* type, std::optional<int64_t> major, std::optional<int64_t> minor,
                       const char* access) {
  return DeviceCgroupRule{true, type, major, minor, access};
}

std::string normalize_access(const std::string& access) {
  std::string out;
  for (char c : std::string("rwm"))
    if (access.find(c) != std::string::npos) out.push_back(c);
  return out;
}

std::string number(const std::optional<int64_t>& n) {
  return n ? std::to_string(*n) : std::string("*");
}

// eBPF encodings (include/uapi/linux/bpf_common.h, bpf.h).
struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  struct bpf_insn i {};
  i.code = code;
  i.dst_reg = dst & 0xf;
  i.src_reg = src & 0xf;
  i.off = off;
  i.imm = imm;
  return i;
}

uint32_t access_bits(const std::string& access) {
  uint32_t bits = 0;
  if (access.find('r') != std::string::npos) bits |= BPF_DEVCG_ACC_READ;
  if (access.find('w') != std::string::npos) bits |= BPF_DEVCG_ACC_WRITE;
  if (access.find('m') != std::string::npos) bits |= BPF_DEVCG_ACC_MKNOD;
  return bits;
}

}  // namespace

namespace {

// runc's AllowedDevices: a rule and, for a node runc also creates, its path.
struct DefaultRule {
  const char* path;
  DeviceCgroupRule rule;
};

const std::vector<DefaultRule>& default_rules() {
  static const std::vector<DefaultRule> kRules = {
      {"", allow("c", std::nullopt, std::nullopt, "m")},  // mknod of any char device
      {"", allow("b", std::nullopt, std::nullopt, "m")},  // mknod of any block device
      {"/dev/null", allow("c", 1, 3, "rwm")},
      {"/dev/random", allow("c", 1, 8, "rwm")},
      {"/dev/full", allow("c", 1, 7, "rwm")},
      {"/dev/tty", allow("c", 5, 0, "rwm")},
      {"/dev/zero", allow("c", 1, 5, "rwm")},
      {"/dev/urandom", allow("c", 1, 9, "rwm")},
      {"", allow("c", 136, std::nullopt, "rwm")},  // /dev/pts/*
      {"", allow("c", 5, 2, "rwm")},               // /dev/ptmx
      {"", allow("c", 10, 200, "rwm")},            // /dev/net/tun
  };
  return kRules;
}

}  // namespace

std::vector<DeviceCgroupRule> default_device_rules() {
  std::vector<DeviceCgroupRule> out;
  for (const auto& d : default_rules()) out.push_back(d.rule);
  return out;
}

std::vector<DeviceCgroupRule> container_device_rules(const std::vector<DeviceCgroupRule>& rules,
                                                     const std::vector<Device>& devices) {
  // linux.devices only creates nodes: their access is what the rules say (runc's specconv
  // createDevices). A default whose path the config lists is dropped, as runc drops it.
  std::vector<DeviceCgroupRule> out = rules;
  for (const auto& d : default_rules()) {
    bool listed = std::any_of(devices.begin(), devices.end(),
                              [&](const Device& dev) { return *d.path && dev.path == d.path; });
    if (!listed) out.push_back(d.rule);
  }
  return out;
}

Result<DeviceSet> emulate_devices(const std::vector<DeviceCgroupRule>& rules) {
  DeviceSet set;
  for (size_t i = 0; i < rules.size(); ++i) {
    const DeviceCgroupRule& r = rules[i];
    std::string field = "linux.resources.devices[" + std::to_string(i) + "]";
    if (!r.type.empty() && r.type != "a" && r.type != "c" && r.type != "b")
      return fail(Error::invalid(field + ".type: \"" + r.type + "\" is not one of a, c, b"));
    if (r.access.find_first_not_of("rwm") != std::string::npos)
      return fail(Error::invalid(field + ".access: \"" + r.access + "\" is not a subset of rwm"));
    if ((r.major && *r.major < 0 && *r.major != -1) || (r.minor && *r.minor < 0 && *r.minor != -1))
      return fail(Error::invalid(field + ": negative major/minor"));
    if ((r.major && *r.major > UINT32_MAX) || (r.minor && *r.minor > UINT32_MAX))
      return fail(Error::invalid(field + ": major/minor out of range"));
    std::string access = normalize_access(r.access.empty() ? "rwm" : r.access);
    if (r.type.empty() || r.type == "a") {
      set.default_allow = r.allow;
      set.exceptions.clear();
      continue;
    }
    DeviceException ex{r.type[0], r.major, r.minor, access};
    if (ex.major && *ex.major == -1) ex.major.reset();  // runc's spelling of "*"
    if (ex.minor && *ex.minor == -1) ex.minor.reset();
    auto same = [&](const DeviceException& e) {
      return e.type == ex.type && e.major == ex.major && e.minor == ex.minor;
    };
    if (r.allow == set.default_allow) {
      // Matches the default: narrows an existing exception (kernel dev_exception_rm).
      for (auto& e : set.exceptions)
        if (same(e)) {
          std::string left;
          for (char c : e.access)
            if (access.find(c) == std::string::npos) left.push_back(c);
          e.access = left;
        }
      std::erase_if(set.exceptions, [](const DeviceException& e) { return e.access.empty(); });
    } else {
      auto it = std::find_if(set.exceptions.begin(), set.exceptions.end(), same);
      if (it != set.exceptions.end()) {
        it->access = normalize_access(it->access + access);
      } else {
        set.exceptions.push_back(std::move(ex));
      }
    }
  }
  return set;
}

std::vector<std::pair<std::string, std::string>> devices_v1_writes(const DeviceSet& set) {
  std::vector<std::pair<std::string, std::string>> out;
  out.emplace_back(set.default_allow ? "devices.allow" : "devices.deny", "a");
  const char* file = set.default_allow ? "devices.deny" : "devices.allow";
  for (const auto& e : set.exceptions)
    out.emplace_back(file, std::string(1, e.type) + " " + number(e.major) + ":" + number(e.minor) +
                               " " + e.access);
  return out;
}

std::vector<struct bpf_insn> devices_bpf_program(const DeviceSet& set) {
  // Registers, from struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }:
  // R2 = device type (low 16 bits), R3 = access (high 16 bits), R4 = major, R5 = minor.
  std::vector<struct bpf_insn> p = {
      insn(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0), insn(BPF_ALU | BPF_AND | BPF_K, 2, 0, 0, 0xFFFF),
      insn(BPF_LDX | BPF_MEM | BPF_W, 3, 1, 0, 0), insn(BPF_ALU | BPF_RSH | BPF_K, 3, 0, 0, 16),
      insn(BPF_LDX | BPF_MEM | BPF_W, 4, 1, 4, 0), insn(BPF_LDX | BPF_MEM | BPF_W, 5, 1, 8, 0),
  };
  const int32_t verdict = set.default_allow ? 0 : 1;  // what a matching exception returns
  for (const auto& e : set.exceptions) {
    // Each block: its jumps skip to the next block when the access does not match.
    std::vector<struct bpf_insn> block;
    std::vector<size_t> jumps;
    int32_t type = e.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
    jumps.push_back(block.size());
    block.push_back(insn(BPF_JMP | BPF_JNE | BPF_K, 2, 0, 0, type));
    uint32_t bits = access_bits(e.access);
    if (bits != (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)) {
      block.push_back(insn(BPF_ALU | BPF_MOV | BPF_X, 1, 3, 0, 0));
      block.push_back(insn(BPF_ALU | BPF_AND | BPF_K, 1, 0, 0, static_cast<int32_t>(bits)));
      jumps.push_back(block.size());
      if (set.default_allow) {
        // A deny exception matches when any requested bit is denied (the kernel's partial
        // match for deny lists): skip only if (R3 & bits) == 0.
        block.push_back(insn(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0, 0));
      } else {
        // An allow exception must cover all requested bits: skip if (R3 & bits) != R3.
        block.push_back(insn(BPF_JMP | BPF_JNE | BPF_X, 1, 3, 0, 0));
      }
    }
    if (e.major) {
      jumps.push_back(block.size());
      block.push_back(insn(BPF_JMP | BPF_JNE | BPF_K, 4, 0, 0, static_cast<int32_t>(*e.major)));
    }
    if (e.minor) {
      jumps.push_back(block.size());
      block.push_back(insn(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 0, static_cast<int32_t>(*e.minor)));
    }
    block.push_back(insn(BPF_ALU | BPF_MOV | BPF_K, 0, 0, 0, verdict));
    block.push_back(insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
    for (size_t j : jumps) block[j].off = static_cast<int16_t>(block.size() - j - 1);
    p.insert(p.end(), block.begin(), block.end());
  }
  p.push_back(insn(BPF_ALU | BPF_MOV | BPF_K, 0, 0, 0, set.default_allow ? 1 : 0));
  p.push_back(insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
  return p;
}

bool devices_bpf_simulate(const std::vector<struct bpf_insn>& program, char type, uint32_t major,
                          uint32_t minor, const std::string& access) {
  uint64_t ctx_type = type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
  uint32_t ctx[3] = {static_cast<uint32_t>(ctx_type | (access_bits(access) << 16)), major, minor};
  uint64_t r[11] = {};
  size_t pc = 0;
  while (pc < program.size()) {
    const struct bpf_insn& i = program[pc++];
    auto imm = static_cast<uint64_t>(static_cast<int64_t>(i.imm));
    switch (i.code) {
      case BPF_LDX | BPF_MEM | BPF_W: r[i.dst_reg] = ctx[i.off / 4]; break;
      case BPF_ALU | BPF_AND | BPF_K:
        r[i.dst_reg] = static_cast<uint32_t>(r[i.dst_reg] & imm);
        break;
      case BPF_ALU | BPF_RSH | BPF_K:
        r[i.dst_reg] = static_cast<uint32_t>(r[i.dst_reg]) >> i.imm;
        break;
      case BPF_ALU | BPF_MOV | BPF_X: r[i.dst_reg] = static_cast<uint32_t>(r[i.src_reg]); break;
      case BPF_ALU | BPF_MOV | BPF_K: r[i.dst_reg] = static_cast<uint32_t>(imm); break;
      case BPF_JMP | BPF_JNE | BPF_K:
        if (r[i.dst_reg] != imm) pc += static_cast<size_t>(i.off);
        break;
      case BPF_JMP | BPF_JEQ | BPF_K:
        if (r[i.dst_reg] == imm) pc += static_cast<size_t>(i.off);
        break;
      case BPF_JMP | BPF_JNE | BPF_X:
        if (r[i.dst_reg] != r[i.src_reg]) pc += static_cast<size_t>(i.off);
        break;
      case BPF_JMP | BPF_EXIT: return r[0] != 0;
      default: return false;  // an instruction this generator never emits
    }
  }
  return false;
}

}  // namespace hull::container::cgroups
