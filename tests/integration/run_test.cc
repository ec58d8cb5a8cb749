// `hull run` end to end: real containers from a busybox bundle, each test checking what the
// container saw and that the host is left clean afterwards.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include "tests/harness/harness.h"

namespace hull::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;

// One line of /proc/self/mountinfo as seen inside the container.
struct MountEntry {
  std::string fstype;
  std::set<std::string> opts;  // per-mount options (ro, nosuid, ...)
};

// The container's mounts by mount point (the last mount on a path is the visible one).
std::map<std::string, MountEntry> visible_mounts(const std::string& mountinfo) {
  std::map<std::string, MountEntry> out;
  for (const auto& m : parse_mountinfo(mountinfo)) {
    MountEntry e{m.fstype, {}};
    std::istringstream o(m.options);
    std::string opt;
    while (std::getline(o, opt, ',')) e.opts.insert(opt);
    out[m.mount_point] = e;
  }
  return out;
}

class RunTest : public ::testing::Test {
 protected:
  void SetUp() override { m_mounts_before = mount_points(); }

  // Everything a container could leave on the host: its state dir, mounts under the bundle or
  // the runtime root (or naming it), cgroup dirs named after it under hull's default /hull.
  void TearDown() override {
    for (const auto& id : m_ids) {
      EXPECT_FALSE(fs::exists(m_hull.root() + "/" + id)) << "state dir left for " << id;
      for (const auto& dir : cgroup_dirs("hull")) {
        EXPECT_NE(fs::path(dir).filename().string(), id) << "cgroup left: " << dir;
      }
    }
    for (const auto& m : mount_points()) {
      if (m_mounts_before.count(m)) continue;
      bool ours = m.rfind(m_hull.root(), 0) == 0;
      for (const auto& d : m_dirs) ours |= m.rfind(d, 0) == 0;
      for (const auto& id : m_ids) ours |= m.find(id) != std::string::npos;
      EXPECT_FALSE(ours) << "mount left: " << m;
    }
  }

  RunResult run(const Bundle& b, std::string id = {}) {
    if (id.empty()) id = fresh_id("run");
    m_ids.push_back(id);
    m_dirs.push_back(b.dir());
    return m_hull({"run", "--bundle", b.dir(), id});
  }

  // Runs `script` under sh in a fresh bundle after `edit` (Python statements on `c`).
  RunResult sh(const std::string& script, const std::string& edit = {}) {
    Bundle b({"sh", "-c", script});
    if (!edit.empty()) b.edit(edit);
    return run(b);
  }

  Hull m_hull;
  std::set<std::string> m_mounts_before;
  std::vector<std::string> m_ids;
  std::vector<std::string> m_dirs;
};

TEST_F(RunTest, ProcessIsPid1) {
  RunResult r = sh("echo $$");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1\n");
}

TEST_F(RunTest, HostnameFromConfig) {
  RunResult r = sh("hostname", "c['hostname'] = 'itest-box'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "itest-box\n");
}

TEST_F(RunTest, ReadOnlyRootWithWritableTmpfs) {
  Bundle b({"sh", "-c",
            "if touch /rootfile 2>/dev/null; then echo root-writable; else echo root-ro; fi; "
            "touch /tmp/f && echo tmp-ok"});
  b.edit(
      "c['root']['readonly'] = True\n"
      "c['mounts'].append({'destination': '/tmp', 'type': 'tmpfs', 'source': 'tmpfs', "
      "'options': ['nosuid', 'nodev']})");
  RunResult r = run(b);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "root-ro\ntmp-ok\n");
  EXPECT_FALSE(fs::exists(b.rootfs() + "/rootfile"));
  EXPECT_FALSE(fs::exists(b.rootfs() + "/tmp/f"));  // it went to the tmpfs
}

TEST_F(RunTest, MountsPresentWithFlags) {
  RunResult r = sh("cat /proc/self/mountinfo");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto m = visible_mounts(r.out);
  ASSERT_TRUE(m.count("/")) << r.out;
  EXPECT_TRUE(m["/"].opts.count("ro")) << "readonly root";
  EXPECT_EQ(m["/proc"].fstype, "proc");
  EXPECT_EQ(m["/dev"].fstype, "tmpfs");
  EXPECT_TRUE(m["/dev"].opts.count("nosuid"));
  EXPECT_EQ(m["/dev/pts"].fstype, "devpts");
  EXPECT_THAT(m["/dev/pts"].opts, IsSupersetOf({"nosuid", "noexec"}));
  EXPECT_EQ(m["/dev/shm"].fstype, "tmpfs");
  EXPECT_THAT(m["/dev/shm"].opts, IsSupersetOf({"nosuid", "nodev", "noexec"}));
  EXPECT_EQ(m["/dev/mqueue"].fstype, "mqueue");
  EXPECT_EQ(m["/sys"].fstype, "sysfs");
  EXPECT_THAT(m["/sys"].opts, IsSupersetOf({"ro", "nosuid", "nodev", "noexec"}));
}

TEST_F(RunTest, EnvPassed) {
  RunResult r = sh("echo \"$GREETING\"; echo \"$PATH\"",
                   "c['process']['env'].append('GREETING=hello world')");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "hello world\n/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n");
}

TEST_F(RunTest, CwdHonoured) {
  RunResult r = sh("pwd", "c['process']['cwd'] = '/etc'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "/etc\n");
}

TEST_F(RunTest, MissingCwdIsCreatedEvenOnReadOnlyRoot) {
  Bundle b({"pwd"});
  b.edit("c['process']['cwd'] = '/work/deep'\nc['root']['readonly'] = True");
  RunResult r = run(b);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "/work/deep\n");
  EXPECT_TRUE(fs::is_directory(b.rootfs() + "/work/deep"));
}

TEST_F(RunTest, UserGroupsAndAdditionalGids) {
  RunResult r = sh("id -u; id -g; id -G",
                   "c['process']['user'] = {'uid': 1000, 'gid': 1001, 'additionalGids': [10, 20]}");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1000\n1001\n1001 10 20\n");
}

TEST_F(RunTest, Umask) {
  RunResult r = sh("umask", "c['process']['user']['umask'] = 0o027");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "0027\n");
}

TEST_F(RunTest, ExitCodePassesThrough) {
  RunResult r = sh("exit 42");
  EXPECT_EQ(r.exit_code, 42) << r.err;
}

TEST_F(RunTest, SignalExitIs128PlusSignal) {
  // PID 1 of a pid namespace ignores its own SIGKILL, so the process runs in the host's pid
  // namespace here.
  RunResult r = sh("kill -9 $$; echo survived", edits::drop_namespace("pid"));
  EXPECT_EQ(r.exit_code, 137) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(RunTest, BindMountVisibleAndWritable) {
  TempDir host;
  ASSERT_TRUE(write_text(host.path() + "/hello", "from host\n"));
  RunResult r = sh("cat /mnt/host/hello && echo new > /mnt/host/created",
                   edits::bind(host.path(), "/mnt/host", "rbind"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "from host\n");
  EXPECT_EQ(read_text(host.path() + "/created"), "new\n");
}

TEST_F(RunTest, ReadOnlyBindMountNotWritable) {
  TempDir host;
  ASSERT_TRUE(write_text(host.path() + "/hello", "from host\n"));
  RunResult r = sh("cat /mnt/host/hello; echo new > /mnt/host/created",
                   edits::bind(host.path(), "/mnt/host", "rbind,ro"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.out, "from host\n");
  EXPECT_THAT(r.err, HasSubstr("Read-only file system"));
  EXPECT_FALSE(fs::exists(host.path() + "/created"));
}

// runc's recursive "rro" (also listed by `hull features`): the submounts of an rbind are
// read-only too. (hull makes a plain "ro" rbind recursive as well; runc leaves submounts alone.)
TEST_F(RunTest, RecursiveReadOnlyCoversSubmounts) {
  TempDir host;
  const std::string inner = host.path() + "/inner";
  ASSERT_EQ(::mkdir(inner.c_str(), 0755), 0);
  ASSERT_EQ(::mount("tmpfs", inner.c_str(), "tmpfs", 0, "mode=755"), 0);
  RunResult r = sh("echo a > /mnt/host/top; echo b > /mnt/host/inner/sub; echo done",
                   edits::bind(host.path(), "/mnt/host", "rbind,rro"));
  ::umount2(inner.c_str(), MNT_DETACH);
  EXPECT_EQ(r.out, "done\n");
  size_t refused = 0;
  for (size_t i = r.err.find("Read-only file system"); i != std::string::npos;
       i = r.err.find("Read-only file system", i + 1))
    ++refused;
  EXPECT_EQ(refused, 2u) << r.err;  // the top and the submount
  EXPECT_FALSE(fs::exists(host.path() + "/top"));
}

TEST_F(RunTest, MissingRootfsNamesThePath) {
  Bundle b({"true"});
  b.edit("c['root']['path'] = 'no-such-rootfs'");
  RunResult r = run(b);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(b.dir() + "/no-such-rootfs"));
  EXPECT_THAT(r.err, HasSubstr("No such file or directory"));
}

TEST_F(RunTest, MalformedConfigNamesTheJsonPath) {
  Bundle b({"true"});
  b.edit("c['process']['args'] = [5]");
  RunResult r = run(b);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(".process.args[0]"));
  EXPECT_THAT(r.err, HasSubstr("config.json"));
}

TEST_F(RunTest, ConfigThatIsNotJsonIsRefused) {
  Bundle b({"true"});
  b.set_config("{\"ociVersion\": ");
  RunResult r = run(b);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("config.json"));
}

TEST_F(RunTest, BadIdsRefused) {
  Bundle b({"true"});
  std::string escape = fresh_id("escaped");
  for (const std::string& id : std::vector<std::string>{"../" + escape, "a/b", "..", ""}) {
    RunResult r = m_hull({"run", "--bundle", b.dir(), id});
    EXPECT_NE(r.exit_code, 0) << "id " << id;
    EXPECT_FALSE(r.err.empty()) << "id " << id;
  }
  RunResult r = m_hull({"run", "--bundle", b.dir(), "a/b"});
  EXPECT_THAT(r.err, AllOf(HasSubstr("invalid container id"), HasSubstr("a/b")));
  EXPECT_TRUE(fs::is_empty(m_hull.root()));
  EXPECT_FALSE(fs::exists(fs::path(m_hull.root()).parent_path() / escape));
  m_dirs.push_back(b.dir());
}

TEST_F(RunTest, DuplicateIdRefusedWhileTheFirstExists) {
  Bundle b({"sleep", "30"});
  std::string id = fresh_id("dup");
  m_ids.push_back(id);
  m_dirs.push_back(b.dir());
  RunResult created = m_hull({"create", "--bundle", b.dir(), id});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  RunResult again = m_hull({"run", "--bundle", b.dir(), id}, std::chrono::seconds(10));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("exists"));
  EXPECT_THAT(again.err, HasSubstr(id));
  // The first container is untouched by the refused one.
  RunResult state = m_hull({"state", id}, std::chrono::seconds(10));
  EXPECT_THAT(state.out, HasSubstr("\"created\""));
  RunResult del = m_hull({"delete", "--force", id}, std::chrono::seconds(10));
  EXPECT_EQ(del.exit_code, 0) << del.err;
}

TEST_F(RunTest, MissingExecutableInPath) {
  RunResult r = run(Bundle({"no-such-program"}));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("executable file not found in $PATH"));
}

TEST_F(RunTest, MissingExecutableByPath) {
  RunResult r = run(Bundle({"/bin/no-such-program"}));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("no such file or directory"));
}

TEST_F(RunTest, DefaultDevices) {
  RunResult r = sh(
      "stat -c '%n %F %t,%T %a' /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty; "
      "head -c 4 /dev/zero | od -An -tx1; echo x > /dev/null && echo null-ok",
      "c['process']['user'] = {'uid': 1000, 'gid': 1000}");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "/dev/null character special file 1,3 666\n"
            "/dev/zero character special file 1,5 666\n"
            "/dev/full character special file 1,7 666\n"
            "/dev/random character special file 1,8 666\n"
            "/dev/urandom character special file 1,9 666\n"
            "/dev/tty character special file 5,0 666\n"
            " 00 00 00 00\n"
            "null-ok\n");
}

TEST_F(RunTest, DevSymlinks) {
  RunResult r = sh("for l in fd stdin stdout stderr ptmx; do echo $l $(readlink /dev/$l); done");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "fd /proc/self/fd\nstdin /proc/self/fd/0\nstdout /proc/self/fd/1\n"
            "stderr /proc/self/fd/2\nptmx pts/ptmx\n");
}

TEST_F(RunTest, MaskedPaths) {
  // /proc/kcore is masked by default but absent on many kernels: mask a file every kernel has.
  ASSERT_FALSE(read_text("/proc/cpuinfo").empty());
  RunResult r = sh("wc -c < /proc/cpuinfo; ls -A /sys/firmware | wc -l; wc -c < /proc/version",
                   "c['linux']['maskedPaths'].append('/proc/cpuinfo')");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::istringstream out(r.out);
  long cpuinfo = -1, firmware = -1, version = -1;
  out >> cpuinfo >> firmware >> version;
  EXPECT_EQ(cpuinfo, 0) << r.out;
  EXPECT_EQ(firmware, 0) << r.out;  // a masked directory is an empty tmpfs
  EXPECT_GT(version, 0) << r.out;   // unmasked /proc files still read
}

TEST_F(RunTest, ReadonlyPaths) {
  // kernel.hostname is per UTS namespace: a write, if it got through, would not touch the host.
  RunResult r =
      sh("echo changed > /proc/sys/kernel/hostname && echo wrote; hostname; "
         "grep ' /proc/sys ' /proc/self/mountinfo | cut -d' ' -f6");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Read-only file system"));
  EXPECT_THAT(r.out, ::testing::StartsWith("hull\nro"));
}

TEST_F(RunTest, SpecWritesParseableConfigAndRefusesToOverwrite) {
  TempDir dir;
  RunResult r = run_command({hull_binary(), "spec", "--bundle", dir.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string path = dir.path() + "/config.json";
  RunResult parsed = run_command({"/usr/bin/python3", "-c",
                                  "import json, sys; c = json.load(open(sys.argv[1])); "
                                  "print(c['ociVersion'], c['process']['args'], c['root']['path'])",
                                  path});
  EXPECT_EQ(parsed.exit_code, 0) << parsed.err;
  EXPECT_EQ(parsed.out, "1.0.2-dev ['sh'] rootfs\n");
  std::string before = read_text(path);
  RunResult again = run_command_in(dir.path(), {hull_binary(), "spec"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_THAT(again.err, HasSubstr("config.json"));
  EXPECT_EQ(read_text(path), before);
}

TEST_F(RunTest, VersionShape) {
  RunResult r = run_command({hull_binary(), "--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(std::regex_search(r.out, std::regex("^hull version [0-9]+\\.[0-9]+\\.[0-9]+.*\n")))
      << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\nspec: 1\\.[0-9]+\\.[0-9]+\n"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\nlibseccomp: [0-9]+\\.[0-9]+\\.[0-9]+\n")))
      << r.out;
}

// The document itself is checked against the parsers in container/features_test; here the
// command: JSON on stdout, exit 0, and runc's refusal of extra arguments.
TEST_F(RunTest, FeaturesPrintsTheDocument) {
  RunResult r = run_command({hull_binary(), "features"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.front(), '{');
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\"ociVersionMax\": \"1\\.2\\.0\""))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\"idmap\": \\{\\s*\"enabled\": true"))) << r.out;
  r = run_command({hull_binary(), "features", "extra"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("features: unexpected argument \\\"extra\\\""));  // logfmt-quoted
}

TEST_F(RunTest, JsonLogEndsWithTheError) {
  TempDir logdir;
  std::string log = logdir.path() + "/log.json";
  Bundle b({"true"});
  b.edit("c['root']['path'] = 'no-such-rootfs'");
  std::string id = fresh_id("log");
  m_ids.push_back(id);
  m_dirs.push_back(b.dir());
  RunResult r = m_hull({"--log", log, "--log-format", "json", "run", "--bundle", b.dir(), id});
  EXPECT_EQ(r.exit_code, 1);
  RunResult last =
      run_command({"/usr/bin/python3", "-c",
                   "import json, sys; d = json.loads(open(sys.argv[1]).read().splitlines()[-1]); "
                   "print(sorted(d)); print(d['level']); print(d['msg'])",
                   log});
  ASSERT_EQ(last.exit_code, 0) << last.err << read_text(log);
  EXPECT_THAT(last.out, ::testing::StartsWith("['level', 'msg', 'time']\nerror\n"));
  EXPECT_THAT(last.out, HasSubstr("no-such-rootfs"));
}

}  // namespace
}  // namespace hull::testing
