// CVE-2019-5736: a container process must never get a writable handle on the host's runtime
// binary through /proc/<pid>/exe (nor, with CAP_SYS_ADMIN, /proc/<pid>/map_files). Defences: hull re-executes from a sealed memfd copy
// (ensure_sealed_self, in create/run/exec) and init is PR_SET_DUMPABLE 0 while it runs hull's code.
//
// Each test runs a private copy of hull on a read-write /tmp (so a failed defence damages only
// the copy) and compares its sha256 before and after. Checked to fail without the defence: a
// build with ensure_sealed_self() removed from cli/cmd_run.cc and cli/cmd_exec.cc and the
// PR_SET_DUMPABLE call removed from container/init.cc: both tests report "opened <tmp>/hull",
// then "overwrote", and the copy's hash changes. (With only the seal gone, InitWaitingForStart
// is still stopped by PR_SET_DUMPABLE: "Permission denied" on /proc/1/exe.)
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
  const std::string id = unique_id("exe-init");
  m_ids.push_back(id);
  RunResult r = copy({"create", "--bundle", b.dir(), id});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // Direct: write the waiting init's binary.
  r = copy({"exec", id, "/bin/sh", "-c", "echo x > /proc/1/exe"});
  EXPECT_NE(r.exit_code, 0) << r.out;

  // Patient: hold /proc/1/exe now, write through it once init has exec'd the user process.
  // A failed redirection on `exec` ends the shell: probe in a subshell first.
  std::string script = std::string(
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
// kernel run the runtime's own binary inside the container. A process already in the container
// opens /proc/<pid>/exe of it and writes through that fd once hull has exited.
TEST_F(ExeOverwriteTest, ClassicShebangAttack) {
  Bundle b({"/bin/busybox", "sh", "/attack.sh"});
  // CAP_SYS_ADMIN lets the attacker open /proc/<pid>/map_files too: the runtime's mapped file
  // must be as unwritable as its exe.
  b.edit("c['root']['readonly'] = False\n"
         "for s in ('bounding', 'effective', 'permitted'):\n"
         "    c['process']['capabilities'][s].append('CAP_SYS_ADMIN')");
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
                  // Builtins only (no fork per process): fast enough on a loaded host. The
                  // runtime's argv[0] is the interpreter path, its argv[1] the FIFO option.
                  "  for d in /proc/[0-9]*; do\n"
                  "    c=; read -r c < $d/cmdline 2>/dev/null\n"
                  "    case \"$c\" in /proc/self/exe--log=/fifo*) pid=${d#/proc/};; esac\n"
                  "  done\n"
                  "  i=$((i+1)); [ $i -gt 200000 ] && { echo 'no runtime seen' > /result; exit 1; }\n"
                  "done\n"
                  "if ! (exec 3</proc/$pid/exe); then echo 'open refused' END > /result; exit 0; fi\n"
                  "exec 3</proc/$pid/exe\n"
                  "echo \"opened $(readlink /proc/$pid/exe)\" > /result\n"
                  "for m in /proc/$pid/map_files/*; do\n"
                  "  case \"$(readlink $m)\" in /memfd:hull*|*/hull*) exec 4<$m;\n"
                  "    echo \"mapped $(readlink $m)\" >> /result; break;; esac\n"
                  "done\n"
                  "cat /fifo > /dev/null &\n"
                  "{ ") +
          overwrite_script("if printf PWNED 2>/dev/null >/proc/self/fd/4; then echo 'overwrote "
                           "mapped'; else echo 'mapped write refused'; fi; ") +
          "; } >> /result\n"));
  const std::string id = unique_id("exe-classic");
  m_ids.push_back(id);
  RunResult res = copy({"run", "--detach", "--bundle", b.dir(), id});
  ASSERT_EQ(res.exit_code, 0) << res.err;
  // /bin/sh is now the runtime itself; it fails (unknown command) once the FIFO opens.
  res = copy({"exec", id, "/bin/sh"}, std::chrono::seconds(90));
  EXPECT_NE(res.exit_code, 0);
  // The runtime and every host hull have exited: let the attacker try.
  EXPECT_TRUE(release(r)) << "exec: " << res.exit_code << " " << res.err
                                  << "\nresult: " << read_text(r + "/result")
                                  << "\nstate: " << copy({"state", id}).out;
  std::string text = wait_for_text(r + "/result", "END", std::chrono::seconds(30));
  EXPECT_THAT(text, HasSubstr("opened /memfd:hull"));  // the attack ran against the runtime
  EXPECT_THAT(text, HasSubstr("mapped /memfd:hull"));  // and held its mapped file
  EXPECT_THAT(text, HasSubstr("mapped write refused"));
  EXPECT_THAT(text, HasSubstr("write refused"));
  EXPECT_THAT(text, Not(HasSubstr("overwrote")));
  EXPECT_EQ(sha256_of(m_hull_copy), m_hash) << "the host's hull binary was modified: " << text;
}

}  // namespace
}  // namespace hull::testing::security
