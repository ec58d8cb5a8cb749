// CVE-2019-5736: a container process must never get a writable handle on the host's runtime
// binary through /proc/<pid>/exe. Defences: hull re-executes from a sealed memfd copy
// (ensure_sealed_self, in create/run/exec) and init is PR_SET_DUMPABLE 0 while it runs hull's code.
//
// Each test runs a private copy of hull on a read-write /tmp (so a failed defence damages only
// the copy) and compares its sha256 before and after. Checked to fail without the defence: a
// build with ensure_sealed_self() removed from cli/cmd_run.cc and cli/cmd_exec.cc and the
// PR_SET_DUMPABLE call removed from container/init.cc: both tests report "opened <tmp>/hull",
// then "overwrote", and the copy's hash changes. (With only the seal gone, InitWaitingForStart
// is still stopped by PR_SET_DUMPABLE: "Permission denied" on /proc/1/exe.)
#include <sys/stat.h>

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/security/sec_util.h"

namespace hull::testing::security {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Holds the runtime's exe open read-only, then keeps trying to open it for writing through the
// held fd (the binary is busy while hull runs; the attack waits until it is not).
constexpr const char* kOverwriteLoop =
    "n=0; while [ $n -lt 40 ]; do "
    "  if printf PWNED 2>/dev/null >/proc/self/fd/3; then echo overwrote; exit 0; fi; "
    "  n=$((n+1)); usleep 100000; "
    "done; echo 'write refused'";

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
    std::vector<std::string> argv = {m_hull_copy, "--root", runner().root()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, timeout);
  }
  void TearDown() override {
    for (const auto& id : m_ids) (void)copy({"delete", "--force", id});
    SecurityTest::TearDown();
  }

  TempDir m_bin;
  std::string m_hull_copy, m_hash;
  std::vector<std::string> m_ids;
};

// While `create`'s init waits for `start` it is still hull: its /proc/1/exe must be neither
// writable nor openable for a later write.
TEST_F(ExeOverwriteTest, InitWaitingForStart) {
  Bundle b({"/bin/sleep", "30"});
  b.edit("c['root']['readonly'] = False");
  m_ids.push_back("exe-init");
  RunResult r = copy({"create", "--bundle", b.dir(), "exe-init"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // Direct: write the waiting init's binary.
  r = copy({"exec", "exe-init", "/bin/sh", "-c", "echo x > /proc/1/exe"});
  EXPECT_NE(r.exit_code, 0) << r.out;

  // Patient: hold /proc/1/exe now, write through it once init has exec'd the user process.
  std::string script = // A failed redirection on `exec` ends the shell: probe in a subshell first.
      std::string("if ! (exec 3</proc/1/exe); then echo 'open refused'; exit 0; fi; "
                  "exec 3</proc/1/exe; "
                                   "echo \"opened $(readlink /proc/self/fd/3)\"; ") +
                       kOverwriteLoop;
  r = copy({"exec", "--detach", "exe-init", "/bin/sh", "-c", "{ " + script + "; } >/result 2>&1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = copy({"start", "exe-init"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string result = b.rootfs() + "/result";
  std::string text = wait_for_text(result, "refused", std::chrono::seconds(60));
  EXPECT_THAT(text, Not(HasSubstr("overwrote")));
  EXPECT_THAT(text, HasSubstr("refused"));
  EXPECT_EQ(sha256_of(m_hull_copy), m_hash) << "the host's hull binary was modified: " << text;
}

// The classic: the image's /bin/sh is "#!/proc/self/exe", so `hull exec c /bin/sh` makes the
// kernel run the runtime's own binary inside the container. A process already in the container
// opens /proc/<pid>/exe of it and writes through that fd once hull has exited.
TEST_F(ExeOverwriteTest, ClassicShebangAttack) {
  Bundle b({"/bin/busybox", "sh", "/attack.sh"});
  b.edit("c['root']['readonly'] = False");
  std::string r = b.rootfs();
  copy_libraries(m_hull_copy, r);
  ASSERT_EQ(::unlink((r + "/bin/sh").c_str()), 0);
  // The interpreter's one argument makes the runtime block on opening a FIFO: a deterministic
  // window for the attacker, like the original exploit's busy loop.
  ASSERT_TRUE(write_text(r + "/bin/sh", "#!/proc/self/exe --log=/fifo\n"));
  ::chmod((r + "/bin/sh").c_str(), 0755);
  ASSERT_TRUE(write_text(
      r + "/attack.sh",
      std::string("mkfifo /fifo\n"
                  "pid=; i=0\n"
                  "while [ -z \"$pid\" ]; do\n"
                  "  for d in /proc/[0-9]*; do\n"
                  "    if tr '\\0' ' ' < $d/cmdline 2>/dev/null | grep -q -e '--log=/fifo'; then "
                  "pid=${d#/proc/}; fi\n"
                  "  done\n"
                  "  i=$((i+1)); [ $i -gt 3000 ] && { echo 'no runtime seen' > /result; exit 1; }\n"
                  "done\n"
                  "if ! (exec 3</proc/$pid/exe); then echo 'open refused' > /result; exit 0; fi\n"
                  "exec 3</proc/$pid/exe\n"
                  "echo \"opened $(readlink /proc/$pid/exe)\" > /result\n"
                  "cat /fifo > /dev/null &\n"
                  // The binary is busy (ETXTBSY) until the runtime has exited.
                  "while [ -d /proc/$pid ]; do usleep 100000; done\n"
                  "{ ") +
          kOverwriteLoop + "; } >> /result\n"));
  m_ids.push_back("exe-classic");
  RunResult res = copy({"run", "--detach", "--bundle", b.dir(), "exe-classic"});
  ASSERT_EQ(res.exit_code, 0) << res.err;
  // /bin/sh is now the runtime itself; it fails (unknown command) once the FIFO opens.
  res = copy({"exec", "exe-classic", "/bin/sh"});
  EXPECT_NE(res.exit_code, 0);
  std::string text = wait_for_text(r + "/result", "refused", std::chrono::seconds(60));
  EXPECT_THAT(text, HasSubstr("opened"));  // the attack really ran against the runtime's exe
  EXPECT_THAT(text, HasSubstr("write refused"));
  EXPECT_THAT(text, Not(HasSubstr("overwrote")));
  EXPECT_EQ(sha256_of(m_hull_copy), m_hash) << "the host's hull binary was modified: " << text;
}

}  // namespace
}  // namespace hull::testing::security
