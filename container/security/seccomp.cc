#include "container/security/seccomp.h"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cstring>
#include <optional>

#include "base/json_writer.h"
#include "container/security/seccomp_enosys.h"
#include "sys/file.h"
#include "sys/security.h"
#include "sys/socket.h"

namespace hull::container::security {

using base::Error;
using base::fail;

namespace {

constexpr std::string_view kPath = ".linux.seccomp";
constexpr uint32_t kMaxArgs = 6;  // a Linux system call has at most six arguments
constexpr uint32_t kDefaultErrno = EPERM;

Error path_error(const std::string& path, std::string_view what) {
  return Error::invalid(fmt::format("{}: {}", path, what));
}

std::string syscall_path(size_t i) { return fmt::format("{}.syscalls[{}]", kPath, i); }

// The libseccomp action for an OCI action name; nullopt when the name is unknown.
std::optional<uint32_t> to_action(std::string_view name, std::optional<uint32_t> errno_ret) {
  const uint32_t err = errno_ret.value_or(kDefaultErrno);
  if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
  if (name == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
  if (name == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
  if (name == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(err);
  if (name == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(err);
  if (name == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
  if (name == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
  if (name == "SCMP_ACT_NOTIFY") return SCMP_ACT_NOTIFY;
  return std::nullopt;
}

std::optional<scmp_compare> to_compare(std::string_view op) {
  if (op == "SCMP_CMP_NE") return SCMP_CMP_NE;
  if (op == "SCMP_CMP_LT") return SCMP_CMP_LT;
  if (op == "SCMP_CMP_LE") return SCMP_CMP_LE;
  if (op == "SCMP_CMP_EQ") return SCMP_CMP_EQ;
  if (op == "SCMP_CMP_GE") return SCMP_CMP_GE;
  if (op == "SCMP_CMP_GT") return SCMP_CMP_GT;
  if (op == "SCMP_CMP_MASKED_EQ") return SCMP_CMP_MASKED_EQ;
  return std::nullopt;
}

std::optional<unsigned int> to_flag(std::string_view flag) {
  if (flag == "SECCOMP_FILTER_FLAG_TSYNC") return SECCOMP_FILTER_FLAG_TSYNC;
  if (flag == "SECCOMP_FILTER_FLAG_LOG") return SECCOMP_FILTER_FLAG_LOG;
  if (flag == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") return SECCOMP_FILTER_FLAG_SPEC_ALLOW;
  if (flag == "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")
    return SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  return std::nullopt;
}

constexpr std::string_view kActions[] = {
    "SCMP_ACT_ALLOW",        "SCMP_ACT_ERRNO",       "SCMP_ACT_KILL",
    "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY",       "SCMP_ACT_TRACE",       "SCMP_ACT_TRAP"};
constexpr std::string_view kOperators[] = {"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
                                           "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ",
                                           "SCMP_CMP_NE"};
constexpr std::string_view kFlags[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                       "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                       "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
// The spec's architecture names; those libseccomp does not know are left out of the features.
constexpr std::string_view kArchs[] = {
    "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",     "SCMP_ARCH_LOONGARCH64"};

// "SCMP_ARCH_X86_64" → libseccomp's token; 0 when unknown.
uint32_t to_arch(std::string_view name) {
  constexpr std::string_view kPrefix = "SCMP_ARCH_";
  if (!name.starts_with(kPrefix) || name.size() == kPrefix.size()) return 0;
  std::string lower;
  for (char c : name.substr(kPrefix.size()))
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "native") return 0;
  return seccomp_arch_resolve_name(lower.c_str());
}

Result<uint32_t> checked_action(const std::string& path, const std::string& name,
                                std::optional<uint32_t> errno_ret, const std::string& errno_path) {
  if (errno_ret && *errno_ret > 0xffff)
    return fail(path_error(errno_path, fmt::format("errno {} out of range (0-65535)", *errno_ret)));
  auto action = to_action(name, errno_ret);
  if (!action) return fail(path_error(path, fmt::format("unknown action \"{}\"", name)));
  return *action;
}

// Owns a libseccomp context.
struct ContextDeleter {
  void operator()(scmp_filter_ctx ctx) const { seccomp_release(ctx); }
};
using Context = std::unique_ptr<void, ContextDeleter>;

Error libseccomp_error(int rc, std::string_view what) {
  return Error::from_errno(-rc, fmt::format("libseccomp {}", what));
}

Result<> add_rule(scmp_filter_ctx ctx, const std::string& path, const std::string& name,
                  uint32_t action, int nr, std::span<const scmp_arg_cmp> args) {
  int rc = seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned int>(args.size()),
                                  args.empty() ? nullptr : args.data());
  if (rc < 0)
    return fail(
        libseccomp_error(rc, fmt::format("adding rule for syscall \"{}\"", name)).context(path));
  return {};
}

Result<> add_syscall_rules(scmp_filter_ctx ctx, const SeccompSyscall& sc, size_t index,
                           uint32_t default_action) {
  const std::string path = syscall_path(index);
  uint32_t action =
      TRY(checked_action(path + ".action", sc.action, sc.errno_ret, path + ".errnoRet"));
  std::vector<scmp_arg_cmp> args;
  std::array<int, kMaxArgs> per_index{};
  bool repeated_index = false;
  for (size_t i = 0; i < sc.args.size(); ++i) {
    const SeccompArg& a = sc.args[i];
    const std::string arg_path = fmt::format("{}.args[{}]", path, i);
    if (a.index >= kMaxArgs)
      return fail(path_error(arg_path + ".index",
                             fmt::format("argument index {} out of range (0-5)", a.index)));
    auto op = to_compare(a.op);
    if (!op)
      return fail(path_error(arg_path + ".op", fmt::format("unknown operator \"{}\"", a.op)));
    args.push_back(scmp_arg_cmp{a.index, *op, a.value, a.value_two});
    repeated_index |= ++per_index[a.index] > 1;
  }
  for (size_t n = 0; n < sc.names.size(); ++n) {
    const std::string& name = sc.names[n];
    if (name.empty())
      return fail(path_error(fmt::format("{}.names[{}]", path, n), "empty syscall name"));
    if (action == SCMP_ACT_NOTIFY && name == "write")
      return fail(path_error(path, "SCMP_ACT_NOTIFY cannot be used for the write syscall"));
    // The same action as the default is redundant, and libseccomp would refuse it.
    if (action == default_action) continue;
    int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR) continue;  // not a syscall on this architecture: ignored, as runc
    if (repeated_index) {
      // Conditions on one argument are ANDed by libseccomp only across distinct arguments;
      // runc adds each as its own rule (an OR), and so do we.
      for (const scmp_arg_cmp& cmp : args) TRY(add_rule(ctx, path, name, action, nr, {&cmp, 1}));
    } else {
      TRY(add_rule(ctx, path, name, action, nr, args));
    }
  }
  return {};
}

Result<std::vector<struct sock_filter>> export_bpf(scmp_filter_ctx ctx) {
  sys::UniqueFd mem = TRY(sys::memfd_create("hull-seccomp", 0));
  int rc = seccomp_export_bpf(ctx, mem.get());
  if (rc < 0) return fail(libseccomp_error(rc, "exporting BPF"));
  std::string bytes = TRY(sys::pread_all(mem, "seccomp BPF memfd"));
  if (bytes.empty() || bytes.size() % sizeof(struct sock_filter) != 0)
    return fail(Error::protocol(fmt::format("libseccomp exported {} bytes of BPF", bytes.size())));
  const size_t count = bytes.size() / sizeof(struct sock_filter);
  if (count > BPF_MAXINSNS)
    return fail(Error::invalid(
        fmt::format("{}: the filter has {} BPF instructions, more than the kernel's {}", kPath,
                    count, BPF_MAXINSNS)));
  std::vector<struct sock_filter> prog(count);
  std::memcpy(prog.data(), bytes.data(), bytes.size());
  return prog;
}

// Default actions that let unknown syscalls run anyway need no ENOSYS stub (runc: allow, log,
// trace); nor does a default that already is ERRNO(ENOSYS).
bool wants_enosys_stub(uint32_t default_action) {
  if (default_action == SCMP_ACT_ALLOW || default_action == SCMP_ACT_LOG) return false;
  if ((default_action & SECCOMP_RET_ACTION_FULL) == SCMP_ACT_TRACE(0)) return false;
  return default_action != SCMP_ACT_ERRNO(ENOSYS);
}

// Per architecture of the filter, the largest syscall number the profile names (any action).
std::vector<ArchLimit> profile_limits(const Seccomp& cfg, const std::vector<uint32_t>& arches) {
  std::vector<ArchLimit> out;
  for (uint32_t arch : arches) {
    int max = -1;
    for (const auto& sc : cfg.syscalls)
      for (const auto& name : sc.names) {
        int nr = seccomp_syscall_resolve_name_arch(arch, name.c_str());
        if (nr > max) max = nr;  // unknown names and pseudo-syscalls (negative) do not count
      }
    if (max >= 0) out.push_back({arch, static_cast<uint32_t>(max)});
  }
  return out;
}

}  // namespace

SeccompFeatures seccomp_features() {
  SeccompFeatures f;
  for (auto a : kActions) f.actions.emplace_back(a);
  for (auto o : kOperators) f.operators.emplace_back(o);
  // Only architectures a filter for this one can include (libseccomp refuses the other
  // endianness with EDOM).
  for (auto a : kArchs) {
    uint32_t arch = to_arch(a);
    Context probe(seccomp_init(SCMP_ACT_ALLOW));
    if (arch == 0 || !probe) continue;
    int rc = seccomp_arch_add(probe.get(), arch);
    if (rc == 0 || rc == -EEXIST) f.archs.emplace_back(a);
  }
  for (auto flag : kFlags) {
    f.known_flags.emplace_back(flag);
    // WAIT_KILLABLE_RECV is only valid together with a listener.
    auto bit = to_flag(flag);
    if (bit && *bit == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
      *bit |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    if (bit && sys::seccomp_filter_flag_supported(*bit)) f.supported_flags.emplace_back(flag);
  }
  return f;
}

bool SeccompProgram::has_notify() const { return (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) != 0; }

Result<SeccompProgram> compile_seccomp(const Seccomp& cfg) {
  const std::string base(kPath);
  uint32_t default_action = TRY(checked_action(base + ".defaultAction", cfg.default_action,
                                               cfg.default_errno_ret, base + ".defaultErrnoRet"));
  if (default_action == SCMP_ACT_NOTIFY)
    return fail(path_error(base + ".defaultAction",
                           "SCMP_ACT_NOTIFY cannot be used as the default action"));

  SeccompProgram program;
  for (size_t i = 0; i < cfg.flags.size(); ++i) {
    auto flag = to_flag(cfg.flags[i]);
    if (!flag)
      return fail(path_error(fmt::format("{}.flags[{}]", kPath, i),
                             fmt::format("unknown flag \"{}\"", cfg.flags[i])));
    program.flags |= *flag;
  }

  std::vector<uint32_t> arches = {seccomp_arch_native()};
  Context ctx(seccomp_init(default_action));
  if (!ctx)
    return fail(Error::invalid(
        fmt::format("{}: libseccomp rejected the default action", base + ".defaultAction")));
  for (size_t i = 0; i < cfg.architectures.size(); ++i) {
    const std::string& name = cfg.architectures[i];
    const std::string path = fmt::format("{}.architectures[{}]", kPath, i);
    uint32_t arch = to_arch(name);
    if (arch == 0) return fail(path_error(path, fmt::format("unknown architecture \"{}\"", name)));
    int rc = seccomp_arch_add(ctx.get(), arch);
    if (rc < 0 && rc != -EEXIST)  // the native architecture is always present
      return fail(libseccomp_error(rc, fmt::format("adding architecture {}", name)).context(path));
    if (rc == 0) arches.push_back(arch);
  }
  // Binary-tree dispatch for long rule lists, as runc; libseccomp <= 2.5.4 misbehaves without
  // rules.
  if (cfg.syscalls.size() > 32) (void)seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2);

  bool notify = false;
  for (size_t i = 0; i < cfg.syscalls.size(); ++i) {
    TRY(add_syscall_rules(ctx.get(), cfg.syscalls[i], i, default_action));
    notify |= cfg.syscalls[i].action == "SCMP_ACT_NOTIFY" && !cfg.syscalls[i].names.empty();
  }
  if (notify) {
    if (cfg.listener_path.empty())
      return fail(path_error(base + ".listenerPath", "required when SCMP_ACT_NOTIFY is used"));
    program.flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    // TSYNC and NEW_LISTENER conflict unless a TSYNC failure is reported as ESRCH (Linux 5.7).
    if (program.flags & SECCOMP_FILTER_FLAG_TSYNC) program.flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
  }
  program.filter = TRY(export_bpf(ctx.get()));
  if (wants_enosys_stub(default_action)) {
    std::vector<struct sock_filter> stub = enosys_stub(profile_limits(cfg, arches));
    if (stub.size() + program.filter.size() > BPF_MAXINSNS)
      return fail(Error::invalid(
          fmt::format("{}: the filter has {} BPF instructions, more than the kernel's {}", kPath,
                      stub.size() + program.filter.size(), BPF_MAXINSNS)));
    program.filter.insert(program.filter.begin(), stub.begin(), stub.end());
  }
  return program;
}

Result<sys::UniqueFd> load_seccomp(const SeccompProgram& program) {
  struct sock_fprog prog {};
  prog.len = static_cast<unsigned short>(program.filter.size());
  // SAFETY: the kernel only reads the program; the cast drops const for the C struct's sake.
  prog.filter = const_cast<struct sock_filter*>(program.filter.data());
  return sys::seccomp_set_mode_filter(program.flags, prog);
}

std::string container_process_state_json(int pid, std::string_view metadata,
                                         std::string_view state_json) {
  base::JsonWriter w;
  w.begin_object();
  w.field("ociVersion", "1.2.0");
  w.key("fds").begin_array().value("seccompFd").end_array();
  w.field("pid", pid);
  if (!metadata.empty()) w.field("metadata", metadata);
  w.key("state").raw(state_json);
  w.end_object();
  return w.take();
}

Result<> send_seccomp_listener(const std::string& listener_path, int notify_fd,
                               std::string_view message) {
  auto sent = [&]() -> Result<> {
    sys::UniqueFd sock = TRY(sys::unix_connect(listener_path, SOCK_STREAM));
    const int fds[] = {notify_fd};
    return sys::send_with_fds(sock, message, fds, listener_path);
  }();
  return std::move(sent).map_error(
      base::context("sending the seccomp notify fd to " + listener_path));
}

}  // namespace hull::container::security
