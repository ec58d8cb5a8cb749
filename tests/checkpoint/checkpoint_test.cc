// hull checkpoint / restore against real criu: a busybox counter is checkpointed and restored and
// must continue from where it was; failures must be clear and leave nothing behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "tests/harness/harness.h"

namespace hull::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

std::string criu_path() {
  if (const char* env = std::getenv("HULL_CRIU"); env != nullptr && *env != '\0') return env;
  if (access("/opt/hull-criu/bin/criu", X_OK) == 0) return "/opt/hull-criu/bin/criu";
  return "/usr/sbin/criu";
}

// The counter file's value; -1 while it is being rewritten (empty) or missing.
long read_count(const std::string& path) {
  std::string s = read_text(path);
  if (s.empty() || s.back() != '\n') return -1;
  return std::strtol(s.c_str(), nullptr, 10);
}

// Waits until the counter is above `n`; returns the value seen (or -1 on timeout).
long wait_count_above(const std::string& path, long n) {
  long v = -1;
  return wait_for([&] { return (v = read_count(path)) > n; }) ? v : -1;
}

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RunResult check = run_command({criu_path(), "check"}, 30s);
    if (check.exit_code == 0) return;
    // tools/test provisions criu first: there, a missing one is a failure, not a skip.
    const char* required = std::getenv("HULL_CRIU_REQUIRED");
    if (required != nullptr && std::string(required) == "1")
      FAIL() << criu_path() << " check fails (HULL_CRIU_REQUIRED=1): " << check.err;
    GTEST_SKIP() << criu_path() << " check fails: " << check.err;
  }

  // Other tests create containers at the same time: only this test's ids and paths count.
  void TearDown() override {
    m_ids.delete_all();
    if (IsSkipped()) return;
    for (const auto& m : mount_points())
      EXPECT_EQ(m.rfind(m_hull.root(), 0), std::string::npos) << "mount left behind: " << m;
    for (const auto& d : cgroup_dirs())
      for (const auto& cid : m_ids.all())
        EXPECT_THAT(d, Not(HasSubstr(cid))) << "cgroup left behind";
  }

  // A counter whose value lives in `where` ("shell": a shell variable; "tmpfs": a file on a tmpfs
  // mount) and is copied to /data/count, a bind mount of m_data. The shell's stdio goes to the
  // container's /dev/null. With `limit`, it stops there with exit code 7.
  std::unique_ptr<Bundle> counter_bundle(const std::string& where = "shell",
                                         const std::string& limit = "") {
    // /data/count is replaced by rename, never truncated in place: a kill between a truncate
    // and the write would leave it empty, and the tests compare its last value.
    std::string loop = where == "tmpfs" ? "n=$(cat /scratch/n 2>/dev/null || echo 0); n=$((n+1)); "
                                          "echo $n > /scratch/n; echo $n > /data/count.new; "
                                          "mv /data/count.new /data/count"
                                        : "i=$((i+1)); echo $i > /data/count.new; "
                                          "mv /data/count.new /data/count";
    std::string cond =
        limit.empty() ? "true" : "[ $(cat /data/count 2>/dev/null || echo 0) -lt " + limit + " ]";
    std::string script = "exec </dev/null >/dev/null 2>&1; i=0; while " + cond + "; do " + loop +
                         "; sleep 0.05; done; exit 7";
    auto b = std::make_unique<Bundle>(std::vector<std::string>{"/bin/sh", "-c", script});
    b->edit(edits::bind(m_data.path(), "/data"));
    if (where == "tmpfs")
      b->edit(
          "c['mounts'].append({'destination': '/scratch', 'type': 'tmpfs', 'source': 'tmpfs', "
          "'options': ['nosuid', 'nodev', 'size=1m']})");
    return b;
  }

  std::string id(const std::string& name) { return m_ids.add(name); }

  RunResult hull(std::vector<std::string> args, const std::string& criu = {}) {
    args.insert(args.begin(), {"--criu", criu.empty() ? criu_path() : criu});
    return m_hull(args, 60s);
  }

  void run_counter(const Bundle& b, const std::string& cid) {
    RunResult r = hull({"run", "-d", "--bundle", b.dir(), cid});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_GT(wait_count_above(count_file(), 3), 3) << "the counter does not count";
  }

  std::string count_file() const { return m_data.path() + "/count"; }
  std::string state_dir(const std::string& cid) const { return m_hull.root() + "/" + cid; }

  // The counter does not move for a while: nothing runs.
  void expect_frozen() {
    long a = read_count(count_file());
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(read_count(count_file()), a) << "the counter still runs";
  }

  // `checkpoint --image-path img [args] cid`, which must succeed and stop the counter; `*at` gets
  // the count it stopped at.
  void checkpoint(const std::string& cid, const std::string& img, long* at,
                  const std::vector<std::string>& args = {}) {
    std::vector<std::string> argv = {"checkpoint", "--image-path", img};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back(cid);
    RunResult ck = hull(argv);
    ASSERT_EQ(ck.exit_code, 0) << ck.err;
    expect_frozen();
    *at = read_count(count_file());
  }

  // `restore -d` of `img` as `cid`: the counter goes on from `at` (a fresh start would count from
  // 1 again).
  void restore_continues(const Bundle& b, const std::string& cid, const std::string& img, long at) {
    RunResult rs = hull({"restore", "-d", "--image-path", img, "--bundle", b.dir(), cid});
    ASSERT_EQ(rs.exit_code, 0) << rs.err;
    long next = wait_count_above(count_file(), at);
    EXPECT_GT(next, at);
    EXPECT_LT(next, at + 40);
  }

  Hull m_hull;
  TempDir m_data, m_images;
  ContainerIds m_ids{m_hull};
};

TEST_F(CheckpointTest, CheckpointStopsAndRestoreContinuesTheCounter) {
  auto b = counter_bundle();
  std::string cid = id("counter");
  run_counter(*b, cid);
  std::string img = m_images.path() + "/img";
  long at_checkpoint = 0;
  ASSERT_NO_FATAL_FAILURE(checkpoint(cid, img, &at_checkpoint));
  EXPECT_TRUE(exists(img + "/descriptors.json"));
  EXPECT_TRUE(exists(img + "/inventory.img"));
  // Checkpointed containers are gone, as with runc.
  EXPECT_FALSE(exists(state_dir(cid)));
  ASSERT_GT(at_checkpoint, 3);

  ASSERT_NO_FATAL_FAILURE(restore_continues(*b, cid, img, at_checkpoint));
  RunResult st = hull({"state", cid});
  ASSERT_EQ(st.exit_code, 0) << st.err;
  EXPECT_THAT(st.out, HasSubstr("\"status\": \"running\""));
  long pid = state_pid(st.out);
  ASSERT_GT(pid, 0);
  EXPECT_EQ(kill(static_cast<pid_t>(pid), 0), 0);
  // The restored init is in the container's cgroup: `ps` lists it.
  RunResult ps = hull({"ps", "--format", "json", cid});
  EXPECT_THAT(ps.out, HasSubstr(std::to_string(pid))) << ps.err;
  // No criu-root mount is left in the state dir.
  EXPECT_FALSE(exists(state_dir(cid) + "/criu-root"));

  ASSERT_EQ(hull({"kill", cid, "KILL"}).exit_code, 0);
  EXPECT_EQ(wait_for_status(m_hull, cid, "stopped", 2s), "stopped");
  RunResult del = hull({"delete", cid});
  EXPECT_EQ(del.exit_code, 0) << del.err;
  EXPECT_FALSE(exists(state_dir(cid)));
}

TEST_F(CheckpointTest, LeaveRunningKeepsCounting) {
  auto b = counter_bundle();
  std::string cid = id("leave");
  run_counter(*b, cid);
  RunResult ck =
      hull({"checkpoint", "--leave-running", "--image-path", m_images.path() + "/img", cid});
  ASSERT_EQ(ck.exit_code, 0) << ck.err;
  EXPECT_THAT(hull({"state", cid}).out, HasSubstr("\"status\": \"running\""));
  long now = read_count(count_file());
  EXPECT_GT(wait_count_above(count_file(), now + 2), now + 2);
}

TEST_F(CheckpointTest, CheckpointDeleteRestoreUnderTheSameId) {
  auto b = counter_bundle();
  std::string cid = id("sameid");
  run_counter(*b, cid);
  std::string img = m_images.path() + "/img";
  ASSERT_EQ(hull({"checkpoint", "--leave-running", "--image-path", img, cid}).exit_code, 0);
  ASSERT_EQ(hull({"delete", "--force", cid}).exit_code, 0);
  EXPECT_FALSE(exists(state_dir(cid)));
  expect_frozen();
  long before = read_count(count_file());
  auto restored_at = std::chrono::steady_clock::now();
  RunResult rs = hull({"restore", "-d", "--image-path", img, "--bundle", b->dir(), cid});
  ASSERT_EQ(rs.exit_code, 0) << rs.err;
  // The images are from before `delete`: the counter resumes at or below where it stopped, and
  // counts at most one step per 50 ms sleep since (a slow host, e.g. tools/vm's emulated guest,
  // takes seconds to restore).
  long next = wait_count_above(count_file(), 0);
  auto steps = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - restored_at)
                   .count() /
               50;
  EXPECT_GT(next, 0);
  EXPECT_LE(next, before + 2 + steps);
  EXPECT_THAT(hull({"state", cid}).out, HasSubstr("\"status\": \"running\""));
  EXPECT_GT(wait_count_above(count_file(), next), next);
}

TEST_F(CheckpointTest, PreDumpFailsClearlyAndLeavesTheContainerRunning) {
  auto b = counter_bundle();
  std::string cid = id("predump");
  run_counter(*b, cid);
  std::string img = m_images.path() + "/pre";
  RunResult ck = hull({"checkpoint", "--pre-dump", "--image-path", img, cid});
  // This kernel has no memory dirty tracking (`criu check --feature mem_dirty_track` fails).
  RunResult feature = run_command({criu_path(), "check", "--feature", "mem_dirty_track"}, 30s);
  if (feature.exit_code == 0) {
    EXPECT_EQ(ck.exit_code, 0) << ck.err;
  } else {
    EXPECT_EQ(ck.exit_code, 1);
    EXPECT_THAT(ck.err, HasSubstr("pre-dump needs memory dirty tracking"));
    EXPECT_THAT(ck.err, HasSubstr("mem_dirty_track"));
    EXPECT_FALSE(exists(img));
  }
  EXPECT_THAT(hull({"state", cid}).out, HasSubstr("\"status\": \"running\""));
  long now = read_count(count_file());
  EXPECT_GT(wait_count_above(count_file(), now + 2), now + 2);
}

// Iterative migration: pre-dump, pre-dump on top (--parent-path), then the final dump. The chain
// needs memory dirty tracking; where the kernel lacks it only the argument checks run.
TEST_F(CheckpointTest, PreDumpChainWithParentPath) {
  auto b = counter_bundle();
  std::string cid = id("chain");
  run_counter(*b, cid);
  std::string base = m_images.path();
  RunResult abs = hull({"checkpoint", "--leave-running", "--image-path", base + "/2",
                        "--parent-path", base + "/1", cid});
  EXPECT_EQ(abs.exit_code, 1);
  EXPECT_THAT(abs.err, HasSubstr("--parent-path must be relative"));
  RunResult missing = hull({"checkpoint", "--leave-running", "--image-path", base + "/2",
                            "--parent-path", "../nope", cid});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("invalid --parent-path"));
  EXPECT_THAT(hull({"state", cid}).out, HasSubstr("\"status\": \"running\""));
  if (run_command({criu_path(), "check", "--feature", "mem_dirty_track"}, 30s).exit_code != 0)
    GTEST_SKIP() << "no memory dirty tracking on this kernel: the pre-dump chain cannot run";
  ASSERT_EQ(hull({"checkpoint", "--pre-dump", "--image-path", base + "/1", cid}).exit_code, 0);
  ASSERT_EQ(
      hull({"checkpoint", "--pre-dump", "--image-path", base + "/2", "--parent-path", "../1", cid})
          .exit_code,
      0);
  long at_checkpoint = 0;
  ASSERT_NO_FATAL_FAILURE(checkpoint(cid, base + "/3", &at_checkpoint, {"--parent-path", "../2"}));
  restore_continues(*b, cid, base + "/3", at_checkpoint);
}

TEST_F(CheckpointTest, TmpfsContentIsRestored) {
  auto b = counter_bundle("tmpfs");
  std::string cid = id("tmpfs");
  run_counter(*b, cid);
  std::string img = m_images.path() + "/img";
  long at_checkpoint = 0;
  ASSERT_NO_FATAL_FAILURE(checkpoint(cid, img, &at_checkpoint));
  // The count lives in /scratch (tmpfs): an empty tmpfs would restart it at 1.
  restore_continues(*b, cid, img, at_checkpoint);
}

// /data is a symlink in the rootfs (to /srv/data): the bind mount lands on its target, and criu
// sees the mount point /srv/data. hull must name that one in the external mount map, on dump and
// on restore, as runc does (it resolves the destination inside the rootfs first).
TEST_F(CheckpointTest, BindMountOntoASymlinkIsCheckpointedAndRestored) {
  auto b = counter_bundle();
  ASSERT_EQ(mkdir((b->rootfs() + "/srv").c_str(), 0755), 0);
  ASSERT_EQ(mkdir((b->rootfs() + "/srv/data").c_str(), 0755), 0);
  ASSERT_EQ(symlink("/srv/data", (b->rootfs() + "/data").c_str()), 0);
  std::string cid = id("symlink");
  run_counter(*b, cid);
  std::string img = m_images.path() + "/img";
  long at_checkpoint = 0;
  ASSERT_NO_FATAL_FAILURE(checkpoint(cid, img, &at_checkpoint));
  restore_continues(*b, cid, img, at_checkpoint);
}

// /data/inner is bound inside the bind mount /data: create made its mount point in /data's
// source. A fresh copy of that volume (here: the directory removed) lacks it, so restore must
// make it there again, through /data, before criu mounts /data/inner (runc issue 2748).
TEST_F(CheckpointTest, NestedBindMountPointIsRecreatedOnRestore) {
  auto b = counter_bundle();
  TempDir inner;
  b->edit(edits::bind(inner.path(), "/data/inner"));
  std::string cid = id("nested");
  run_counter(*b, cid);
  std::string img = m_images.path() + "/img";
  long at_checkpoint = 0;
  ASSERT_NO_FATAL_FAILURE(checkpoint(cid, img, &at_checkpoint));
  ASSERT_EQ(rmdir((m_data.path() + "/inner").c_str()), 0) << strerror(errno);
  ASSERT_NO_FATAL_FAILURE(restore_continues(*b, cid, img, at_checkpoint));
  EXPECT_TRUE(exists(m_data.path() + "/inner")) << "the mount point is made in /data's source";
  EXPECT_FALSE(exists(b->rootfs() + "/data/inner")) << "not in the rootfs below /data";
}

// The org.criu.config annotation names a criu configuration file; its settings override hull's
// RPC options. Here it renames criu's log, in the work dir of checkpoint and of restore.
TEST_F(CheckpointTest, CriuConfigAnnotationIsPassedToCriu) {
  auto b = counter_bundle();
  std::string conf = m_images.path() + "/criu.conf";
  ASSERT_TRUE(write_text(conf, "log-file=from-annotation.log\n"));
  b->edit("c.setdefault('annotations', {})['org.criu.config'] = '" + conf + "'");
  std::string cid = id("criuconf");
  run_counter(*b, cid);
  std::string img = m_images.path() + "/img";
  std::string work1 = m_images.path() + "/work1", work2 = m_images.path() + "/work2";
  RunResult ck = hull({"checkpoint", "--image-path", img, "--work-path", work1, cid});
  ASSERT_EQ(ck.exit_code, 0) << ck.err;
  EXPECT_TRUE(exists(work1 + "/from-annotation.log"));
  EXPECT_FALSE(exists(work1 + "/dump.log"));
  RunResult rs =
      hull({"restore", "-d", "--image-path", img, "--work-path", work2, "--bundle", b->dir(), cid});
  ASSERT_EQ(rs.exit_code, 0) << rs.err;
  EXPECT_TRUE(exists(work2 + "/from-annotation.log"));
  EXPECT_FALSE(exists(work2 + "/restore.log"));
}

TEST_F(CheckpointTest, DetachedRestoreWritesThePidFile) {
  auto b = counter_bundle();
  std::string cid = id("pidfile");
  run_counter(*b, cid);
  std::string img = m_images.path() + "/img";
  ASSERT_EQ(hull({"checkpoint", "--image-path", img, cid}).exit_code, 0);
  std::string pid_file = m_images.path() + "/pid";
  RunResult rs = hull({"restore", "--detach", "--pid-file", pid_file, "--image-path", img,
                       "--bundle", b->dir(), cid});
  ASSERT_EQ(rs.exit_code, 0) << rs.err;
  long pid = std::strtol(read_text(pid_file).c_str(), nullptr, 10);
  ASSERT_GT(pid, 0);
  EXPECT_EQ(state_pid(hull({"state", cid}).out), pid);
  EXPECT_EQ(kill(static_cast<pid_t>(pid), 0), 0);
}

TEST_F(CheckpointTest, ForegroundRestoreWaitsAndDeletes) {
  auto b = counter_bundle("shell", "40");
  std::string cid = id("fg");
  run_counter(*b, cid);
  std::string img = m_images.path() + "/img";
  ASSERT_EQ(hull({"checkpoint", "--image-path", img, cid}).exit_code, 0);
  // The counter stops itself at 40 with exit code 7; restore returns that code.
  RunResult rs = hull({"restore", "--image-path", img, "--bundle", b->dir(), cid});
  EXPECT_EQ(rs.exit_code, 7) << rs.err;
  EXPECT_EQ(read_count(count_file()), 40);
  EXPECT_FALSE(exists(state_dir(cid)));
}

// stdout is a pipe (as engines give it): restore hands the new pipe over in its place
// (inherit_fd), and the host's /dev/null on stdin/stderr became the container's own at create.
TEST_F(CheckpointTest, StdoutPipeIsHandedOverOnRestore) {
  auto b = std::make_unique<Bundle>(std::vector<std::string>{
      "/bin/sh", "-c",
      "i=0; while true; do i=$((i+1)); echo $i; echo $i > /data/count; sleep 0.05; done"});
  b->edit(edits::bind(m_data.path(), "/data"));
  std::string cid = id("pipe");
  std::string prefix = hull_binary() + " --root " + m_hull.root() + " --criu " + criu_path();
  std::string out1 = m_images.path() + "/out1", out2 = m_images.path() + "/out2";
  // The pipeline stays in the background: `cat` reads the container's stdout until it closes.
  RunResult run = run_command({"/bin/sh", "-c",
                               "(" + prefix + " run -d --bundle " + b->dir() + " " + cid +
                                   " </dev/null 2>/dev/null | cat >> " + out1 + ") &"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_GT(wait_count_above(count_file(), 3), 3) << "the counter does not count";
  std::string img = m_images.path() + "/img";
  long at_checkpoint = 0;
  ASSERT_NO_FATAL_FAILURE(checkpoint(cid, img, &at_checkpoint));
  EXPECT_THAT(read_text(img + "/descriptors.json"), HasSubstr("pipe:["));
  RunResult rs =
      run_command({"/bin/sh", "-c",
                   "(" + prefix + " restore -d --image-path " + img + " --bundle " + b->dir() +
                       " " + cid + " </dev/null 2>/dev/null | cat >> " + out2 + ") &"});
  ASSERT_EQ(rs.exit_code, 0) << rs.err;
  ASSERT_GT(wait_count_above(count_file(), at_checkpoint + 3), at_checkpoint + 3);
  // The restored shell writes to the new pipe, continuing its count.
  std::istringstream lines(read_text(out2));
  long first = 0;
  lines >> first;
  EXPECT_GT(first, at_checkpoint - 2);
  EXPECT_LT(first, at_checkpoint + 40);
  EXPECT_GE(std::strtol(read_text(out1).c_str(), nullptr, 10), 1);
}

TEST_F(CheckpointTest, RestoreFromAnEmptyImageDirFailsCleanly) {
  auto b = counter_bundle();
  std::string cid = id("empty");
  RunResult rs =
      hull({"restore", "-d", "--image-path", m_images.path(), "--bundle", b->dir(), cid});
  EXPECT_EQ(rs.exit_code, 1);
  EXPECT_THAT(rs.err, HasSubstr("descriptors.json"));
  EXPECT_THAT(rs.err, HasSubstr("not a checkpoint image directory"));
  EXPECT_FALSE(exists(state_dir(cid)));
}

TEST_F(CheckpointTest, RestoreFromACorruptImageDirFailsCleanly) {
  auto b = counter_bundle();
  std::string cid = id("corrupt");
  run_counter(*b, cid);
  std::string img = m_images.path() + "/img";
  ASSERT_EQ(hull({"checkpoint", "--image-path", img, cid}).exit_code, 0);
  for (const char* f : {"/inventory.img", "/pstree.img"})
    ASSERT_TRUE(write_text(img + f, "this is not a criu image"));
  RunResult rs = hull({"restore", "-d", "--image-path", img, "--bundle", b->dir(), cid});
  EXPECT_EQ(rs.exit_code, 1);
  EXPECT_THAT(rs.err, HasSubstr("criu RESTORE failed"));
  EXPECT_THAT(rs.err, HasSubstr("restore.log"));
  EXPECT_FALSE(exists(state_dir(cid)));
  expect_frozen();
}

TEST_F(CheckpointTest, MissingCriuIsAClearError) {
  auto b = counter_bundle();
  std::string cid = id("nocriu");
  run_counter(*b, cid);
  RunResult ck =
      hull({"checkpoint", "--image-path", m_images.path() + "/img", cid}, "/nonexistent");
  EXPECT_EQ(ck.exit_code, 1);
  EXPECT_THAT(ck.err, HasSubstr("/nonexistent"));
  EXPECT_FALSE(exists(m_images.path() + "/img"));
  EXPECT_THAT(hull({"state", cid}).out, HasSubstr("\"status\": \"running\""));
  std::string other = id("nocriu-restore");
  RunResult rs =
      hull({"restore", "-d", "--image-path", m_images.path(), "--bundle", b->dir(), other},
           "/nonexistent");
  EXPECT_EQ(rs.exit_code, 1);
  EXPECT_THAT(rs.err, HasSubstr("/nonexistent"));
  EXPECT_FALSE(exists(state_dir(other)));
}

TEST_F(CheckpointTest, TooOldCriuIsAClearError) {
  std::string fake = m_images.path() + "/old-criu";
  ASSERT_TRUE(write_text(
      fake, "#!/bin/sh\nif [ \"$1\" = -V ]; then printf 'Version: 3.10\\n'; exit 0; fi\nexit 1\n"));
  chmod(fake.c_str(), 0755);
  auto b = counter_bundle();
  std::string cid = id("oldcriu");
  run_counter(*b, cid);
  RunResult ck = hull({"checkpoint", "--image-path", m_images.path() + "/img", cid}, fake);
  EXPECT_EQ(ck.exit_code, 1);
  EXPECT_THAT(ck.err, HasSubstr("criu 3.10 is too old for checkpoint (needs >= 3.14)"));
  EXPECT_THAT(hull({"state", cid}).out, HasSubstr("\"status\": \"running\""));
  std::string other = id("oldcriu-restore");
  RunResult rs =
      hull({"restore", "-d", "--image-path", m_images.path(), "--bundle", b->dir(), other}, fake);
  EXPECT_EQ(rs.exit_code, 1);
  EXPECT_THAT(rs.err, HasSubstr("criu 3.10 is too old for restore (needs >= 3.14)"));
  EXPECT_FALSE(exists(state_dir(other)));
}

TEST_F(CheckpointTest, HelpAndBadFlags) {
  RunResult help = hull({"checkpoint", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("--leave-running"));
  EXPECT_EQ(hull({"restore", "--help"}).exit_code, 0);
  RunResult missing = hull({"checkpoint", "--image-path", m_images.path() + "/img", "nope"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("does not exist"));
  RunResult ns = hull({"checkpoint", "--empty-ns", "pid", "x"});
  EXPECT_EQ(ns.exit_code, 1);
  EXPECT_THAT(ns.err, HasSubstr("--empty-ns: namespace"));
  EXPECT_THAT(ns.err, HasSubstr("is not supported"));
}

}  // namespace
}  // namespace hull::testing
