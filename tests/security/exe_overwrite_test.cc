// CVE-2019-5736: a container process must never get a writable handle on a runtime binary through
// /proc/<pid>/exe (nor, with CAP_SYS_ADMIN, /proc/<pid>/map_files). Defences: everything hull runs
// inside a container is hull-init, executed from a read-only overlayfs view of hull's own file or,
// where that view cannot be made, from a sealed memfd copy (container/security/sealed_exe.h), and
// init is PR_SET_DUMPABLE 0 while it runs hull's code.
//
// Each test runs a private copy of hull on a read-write /tmp (so a failed defence damages only
// the copy) and compares its sha256 before and after. Checked to fail without the defence: with
// hull-init executed from an ordinary writable file (a memfd without its seals, or hull's own
// file instead of the view) the classic attack reports "overwrote", and without the
// PR_SET_DUMPABLE call in container/init/init.cc InitWaitingForStart opens /proc/1/exe.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "tests/security/sec_util.h"

namespace hull::testing::security {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// With the runtime's exe held open read-only as fd 3, waits until the test says every hull
// process has exited (the file /go appears: the binary is busy while hull runs), then tries to
// open it for writing through the held fd, once. Builtins only: no fork per iteration.
// `also` runs after the first attempt and before END (more attempts of the same kind).
std::string overwrite_script(const std::string& also = "") {
  return "n=0; while [ ! -e /go ] && [ $n -lt 3000000 ]; do n=$((n+1)); done; "
         "if printf PWNED 2>/dev/null >/proc/self/fd/3; then echo overwrote; else echo 'write "
         "refused'; fi; " +
         also + "echo END";
}

// Tells the attacker in the container to go ahead.
bool release(const std::string& rootfs) { return write_text(rootfs + "/go", "go\n"); }

class ExeOverwriteTest : public SecurityTest {
 protected:
  void SetUp() override {
    m_hull_copy = m_bin.path() + "/hull";
    std::filesystem::copy_file(hull_binary(), m_hull_copy);
    ::chmod(m_hull_copy.c_str(), 0755);
    m_hash = sha256_of(m_hull_copy);
    ASSERT_FALSE(m_hash.empty());
  }
  RunResult copy(const std::vector<std::string>& args,
                 std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    std::vector<std::string> argv = {m_hull_copy, "--root", m_root};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, timeout);
  }
  void TearDown() override {
    // With the intact binary: a failed defence leaves the copy overwritten.
    for (const auto& id : m_ids)
      (void)run_command({hull_binary(), "--root", m_root, "delete", "--force", id});
    SecurityTest::TearDown();
  }

  // The classic attack below; `exe` is what the attacker sees as the runtime's /proc/<pid>/exe.
  void classic_shebang_attack(const std::string& exe);

  TempDir m_bin;
  std::string m_hull_copy, m_hash;
  std::string m_root = runner().root();
  std::vector<std::string> m_ids;
};

// While `create`'s init waits for `start` it is still hull: its /proc/1/exe must be neither
// writable nor openable for a later write.
TEST_F(ExeOverwriteTest, InitWaitingForStart) {
  Bundle b({"/bin/sleep", "30"});
  b.edit("c['root']['readonly'] = False");
  const std::string id = unique_id("exe-init");
  m_ids.push_back(id);
  RunResult r = copy({"create", "--bundle", b.dir(), id});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // Direct: write the waiting init's binary.
  r = copy({"exec", id, "/bin/sh", "-c", "echo x > /proc/1/exe"});
  EXPECT_NE(r.exit_code, 0) << r.out;

  // Patient: hold /proc/1/exe now, write through it once init has exec'd the user process.
  // A failed redirection on `exec` ends the shell: probe in a subshell first.
  std::string script =
      std::string(
          "if ! (exec 3</proc/1/exe); then echo 'open refused'; echo END; exit 0; "
          "fi; exec 3</proc/1/exe; echo \"opened $(readlink /proc/self/fd/3)\"; ") +
      overwrite_script();
  r = copy({"exec", "--detach", id, "/bin/sh", "-c", "{ " + script + "; } >/result 2>&1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = copy({"start", id});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string result = b.rootfs() + "/result";
  // Unless the open was refused, the attacker now waits on /go: hull has exited everywhere.
  if (wait_for_text(result, "open", std::chrono::seconds(30)).find("opened") != std::string::npos) {
    EXPECT_TRUE(release(b.rootfs()));
  }
  std::string text = wait_for_text(result, "END", std::chrono::seconds(30));
  EXPECT_THAT(text, Not(HasSubstr("overwrote")));
  EXPECT_THAT(text, HasSubstr("refused"));
  EXPECT_EQ(sha256_of(m_hull_copy), m_hash) << "the host's hull binary was modified: " << text;
}

// The classic: the image's /bin/sh is "#!/proc/self/exe", so `hull exec c /bin/sh` makes the
// kernel run, inside the container, whatever program the exec'd process was running when it
// executed /bin/sh. A process already in the container opens /proc/<pid>/exe (and, with
// CAP_SYS_ADMIN, /proc/<pid>/map_files) of it and writes through them once hull has exited.
// With hull that program is hull from its read-only view, or hull-init from a sealed memfd, never
// the host's binary as it is on disk.
void ExeOverwriteTest::classic_shebang_attack(const std::string& exe) {
  Bundle b({"/bin/busybox", "sh", "/attack.sh"});
  b.edit(
      "c['root']['readonly'] = False\n"
      "for s in ('bounding', 'effective', 'permitted'):\n"
      "    c['process']['capabilities'][s].append('CAP_SYS_ADMIN')");
  std::string r = b.rootfs();
  copy_libraries(m_hull_copy, r);
  ASSERT_EQ(::unlink((r + "/bin/sh").c_str()), 0);
  ASSERT_TRUE(write_text(r + "/bin/sh", "#!/proc/self/exe\n"));
  ::chmod((r + "/bin/sh").c_str(), 0755);
  ASSERT_TRUE(write_text(
      r + "/attack.sh",
      std::string(
          "pid=; i=0\n"
          "while [ -z \"$pid\" ]; do\n"
          // Builtins only (no fork per process): fast enough on a loaded host. The
          // program's argv[0] is the interpreter path.
          "  for d in /proc/[0-9]*; do\n"
          "    c=; read -r c < $d/cmdline 2>/dev/null\n"
          "    case \"$c\" in /proc/self/exe*) pid=${d#/proc/};; esac\n"
          "  done\n"
          "  i=$((i+1)); [ $i -gt 200000 ] && { echo 'no runtime seen' END > /result; exit 1; }\n"
          "done\n"
          "if ! (exec 3</proc/$pid/exe); then echo 'open refused' END > /result; exit 0; fi\n"
          "exec 3</proc/$pid/exe\n"
          "echo \"opened $(readlink /proc/$pid/exe)\" > /result\n"
          "for m in /proc/$pid/map_files/*; do\n"
          "  case \"$(readlink $m)\" in /memfd:hull*|*/hull*) exec 4<$m;\n"
          "    echo \"mapped $(readlink $m)\" >> /result; break;; esac\n"
          "done\n"
          "echo held >> /result\n"
          "{ ") +
          overwrite_script("if printf PWNED 2>/dev/null >/proc/self/fd/4; then echo 'overwrote "
                           "mapped'; else echo 'mapped write refused'; fi; ") +
          "; } >> /result\n"));
  const std::string id = unique_id("exe-classic");
  m_ids.push_back(id);
  RunResult res = copy({"run", "--detach", "--bundle", b.dir(), id});
  ASSERT_EQ(res.exit_code, 0) << res.err;
  // A deterministic window, like the original exploit's busy loop: the program the shebang
  // starts complains on stderr, and stderr is a pipe filled to capacity that is drained only
  // once the attacker holds its handles.
  std::string result = r + "/result", drained = m_bin.path() + "/drain";
  std::string script = "( head -c 65536 /dev/zero; " + m_hull_copy + " --root " + m_root +
                       " exec " + id + " /bin/sh ) 2>&1 | { i=0; while [ ! -e " + drained +
                       " ] && [ $i -lt 600 ]; do sleep 0.05; " +
                       "i=$((i+1)); done; cat > /dev/null; }";
  std::thread drain([&] {
    wait_for_text(result, "held", std::chrono::seconds(30));
    (void)write_text(drained, "go\n");
  });
  res = run_command({"/bin/sh", "-c", script}, std::chrono::seconds(90));
  drain.join();
  // The runtime and every host hull have exited: let the attacker try.
  EXPECT_TRUE(release(r)) << res.err << "\nresult: " << read_text(result);
  std::string text = wait_for_text(result, "END", std::chrono::seconds(30));
  EXPECT_THAT(text, HasSubstr("opened " + exe));  // the attack ran against hull's code
  EXPECT_THAT(text, HasSubstr("mapped " + exe));  // and held its mapped file
  EXPECT_THAT(text, HasSubstr("mapped write refused"));
  EXPECT_THAT(text, HasSubstr("write refused"));
  EXPECT_THAT(text, Not(HasSubstr("overwrote")));
  EXPECT_EQ(sha256_of(m_hull_copy), m_hash) << "the host's hull binary was modified: " << text;
}

// hull's default: its own file through a detached read-only overlayfs, shown as its path there.
TEST_F(ExeOverwriteTest, ClassicShebangAttack) { classic_shebang_attack("/hull"); }

// With the runtime root inside hull's directory overlayfs refuses the layers: hull-init then runs
// from its sealed memfd copy.
TEST_F(ExeOverwriteTest, ClassicShebangAttackOnTheSealedCopy) {
  m_root = m_bin.path() + "/state";
  classic_shebang_attack("/memfd:hull-init");
}

}  // namespace
}  // namespace hull::testing::security
