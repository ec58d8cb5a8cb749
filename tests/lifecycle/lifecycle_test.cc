// create/start/state/kill/delete, list/ps, error cases and --preserve-fds through the hull CLI
// against real containers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <thread>

#include "tests/harness/harness.h"

namespace hull::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// A bundle whose process touches <host dir>/ran (bind-mounted at /out) and then sleeps.
struct MarkerBundle {
  TempDir host;
  Bundle bundle{{"sh", "-c", "touch /out/ran; exec sleep 100"}};
  MarkerBundle() {
    bundle.edit(edits::bind(host.path(), "/out") +
                "c['annotations'] = {'org.hull.test': 'yes', 'second': '2'}");
  }
  std::string marker() const { return host.path() + "/ran"; }
};

TEST(LifecycleTest, CreateStartKillDelete) {
  Hull hull;
  MarkerBundle b;
  {
    ContainerGuard guard(hull, unique_id("c1"));
    RunResult r = hull({"create", "--bundle", b.bundle.dir(), unique_id("c1")});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    RunResult st = hull({"state", unique_id("c1")});
    ASSERT_EQ(st.exit_code, 0) << st.err;
    EXPECT_EQ(json_at(st.out, "/status"), "created") << st.out;
    EXPECT_EQ(json_at(st.out, "/id"), unique_id("c1"));
    EXPECT_EQ(json_at(st.out, "/bundle"), b.bundle.dir());
    EXPECT_THAT(json_at(st.out, "/ociVersion").value_or(""), ::testing::StartsWith("1."));
    EXPECT_EQ(json_at(st.out, "/annotations/org.hull.test"), "yes");
    EXPECT_EQ(json_at(st.out, "/annotations/second"), "2");
    std::string pid = json_at(st.out, "/pid").value_or("0");
    ASSERT_GT(std::stoi(pid), 0) << st.out;
    EXPECT_TRUE(fs::exists("/proc/" + pid)) << pid;
    EXPECT_TRUE(fs::exists(hull.root() + "/" + unique_id("c1")));
    EXPECT_FALSE(cgroup_dirs_of(unique_id("c1")).empty());

    // The user process must not run before `start`.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_FALSE(fs::exists(b.marker()));
    EXPECT_EQ(status_of(hull, unique_id("c1")), "created");

    r = hull({"start", unique_id("c1")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(wait_for_file(b.marker()));
    st = hull({"state", unique_id("c1")});
    EXPECT_EQ(json_at(st.out, "/status"), "running") << st.out;
    EXPECT_EQ(json_at(st.out, "/pid"), pid) << "start keeps the init pid";

    r = hull({"kill", unique_id("c1"), "KILL"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(wait_for_status(hull, unique_id("c1"), "stopped"), "stopped");

    r = hull({"delete", unique_id("c1")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(fs::exists(hull.root() + "/" + unique_id("c1")));
    EXPECT_THAT(cgroup_dirs_of(unique_id("c1")), ::testing::IsEmpty());
    r = hull({"state", unique_id("c1")});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("does not exist"));
  }
  EXPECT_THAT(mounts_under(b.bundle.dir()), ::testing::IsEmpty());
  EXPECT_THAT(mounts_under(b.host.path()), ::testing::IsEmpty());
  EXPECT_THAT(mounts_under(hull.root()), ::testing::IsEmpty());
}

TEST(LifecycleTest, StoppedOnItsOwnAndRun) {
  Hull hull;
  Bundle b({"sh", "-c", "exit 0"});
  ContainerGuard guard(hull, unique_id("quick"));
  RunResult r = hull({"run", "--bundle", b.dir(), unique_id("quick")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // runc leaves a foreground `run` container deleted.
  EXPECT_FALSE(fs::exists(hull.root() + "/" + unique_id("quick") + "/state.json"));

  ASSERT_EQ(hull({"create", "--bundle", b.dir(), unique_id("q2")}).exit_code, 0);
  ContainerGuard guard2(hull, unique_id("q2"));
  ASSERT_EQ(hull({"start", unique_id("q2")}).exit_code, 0);
  EXPECT_EQ(wait_for_status(hull, unique_id("q2"), "stopped"), "stopped");
  r = hull({"delete", unique_id("q2")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(cgroup_dirs_of(unique_id("q2")), ::testing::IsEmpty());
}

TEST(LifecycleTest, KillSignalNamesAndNumbers) {
  Hull hull;
  Bundle b({"sleep", "100"});
  const std::vector<std::vector<std::string>> kills = {{"kill", unique_id("k1"), "KILL"},
                                                       {"kill", unique_id("k2"), "9"},
                                                       {"kill", "--all", unique_id("k3"), "9"},
                                                       {"kill", unique_id("k4"), "SIGKILL"}};
  for (size_t i = 0; i < kills.size(); ++i) {
    std::string id = unique_id("k" + std::to_string(i + 1));
    ContainerGuard guard(hull, id);
    ASSERT_EQ(hull({"run", "--detach", "--bundle", b.dir(), id}).exit_code, 0);
    ASSERT_EQ(status_of(hull, id), "running");
    RunResult r = hull(kills[i]);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(wait_for_status(hull, id, "stopped"), "stopped") << kills[i][1];
    EXPECT_EQ(hull({"delete", id}).exit_code, 0);
  }
  // An unknown signal is refused before anything is sent.
  ContainerGuard guard(hull, unique_id("k5"));
  ASSERT_EQ(hull({"run", "--detach", "--bundle", b.dir(), unique_id("k5")}).exit_code, 0);
  RunResult r = hull({"kill", unique_id("k5"), "NOPE"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("NOPE"));
  EXPECT_EQ(status_of(hull, unique_id("k5")), "running");
}

TEST(LifecycleTest, ErrorCasesFollowRunc) {
  Hull hull;
  Bundle b({"sleep", "100"});
  ContainerGuard guard(hull, unique_id("e1"));
  ASSERT_EQ(hull({"run", "--detach", "--bundle", b.dir(), unique_id("e1")}).exit_code, 0);

  RunResult r = hull({"start", unique_id("e1")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("running"));

  r = hull({"delete", unique_id("e1")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("not stopped"));
  EXPECT_EQ(status_of(hull, unique_id("e1")), "running")
      << "a refused delete leaves the container alone";

  r = hull({"create", "--bundle", b.dir(), unique_id("e1")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(unique_id("e1")));

  ASSERT_EQ(hull({"kill", unique_id("e1"), "9"}).exit_code, 0);
  ASSERT_EQ(wait_for_status(hull, unique_id("e1"), "stopped"), "stopped");
  r = hull({"kill", unique_id("e1"), "9"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("stopped"));
  r = hull({"exec", unique_id("e1"), "true"});
  EXPECT_EQ(r.exit_code, 255) << "runc's exec fails with 255";
  EXPECT_THAT(r.err, HasSubstr("stopped"));
  r = hull({"start", unique_id("e1")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("stopped"));

  for (const std::vector<std::string>& cmd :
       std::vector<std::vector<std::string>>{{"state", "nope"},
                                             {"start", "nope"},
                                             {"kill", "nope", "9"},
                                             {"delete", "nope"},
                                             {"exec", "nope", "true"},
                                             {"ps", "nope"}}) {
    r = hull(cmd);
    EXPECT_EQ(r.exit_code, cmd[0] == "exec" ? 255 : 1) << cmd[0];
    EXPECT_THAT(r.err, HasSubstr("does not exist")) << cmd[0];
    EXPECT_THAT(r.err, HasSubstr("nope")) << cmd[0];
  }
  r = hull({"delete", "--force", "nope"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(hull({"delete", unique_id("e1")}).exit_code, 0);
  r = hull({"delete", "--force", unique_id("e1")});
  EXPECT_EQ(r.exit_code, 0) << "engines send delete, then delete --force: " << r.err;
}

TEST(LifecycleTest, DeleteForceKillsRunningAndCreated) {
  Hull hull;
  Bundle b({"sleep", "100"});
  ContainerGuard g1(hull, unique_id("f1"));
  ContainerGuard g2(hull, unique_id("f2"));
  ASSERT_EQ(hull({"run", "--detach", "--bundle", b.dir(), unique_id("f1")}).exit_code, 0);
  ASSERT_EQ(hull({"create", "--bundle", b.dir(), unique_id("f2")}).exit_code, 0);
  std::string pid1 = init_pid(hull, unique_id("f1"));
  std::string pid2 = init_pid(hull, unique_id("f2"));
  ASSERT_FALSE(pid1.empty());
  ASSERT_FALSE(pid2.empty());
  EXPECT_EQ(hull({"delete", "--force", unique_id("f1")}).exit_code, 0);
  EXPECT_EQ(hull({"delete", unique_id("f2")}).exit_code, 0) << "runc deletes a created container";
  for (const std::string& pid : {pid1, pid2})
    EXPECT_TRUE(wait_exited(pid)) << "pid " << pid << " survived";
  EXPECT_FALSE(fs::exists(hull.root() + "/" + unique_id("f1")));
  EXPECT_FALSE(fs::exists(hull.root() + "/" + unique_id("f2")));
  EXPECT_THAT(cgroup_dirs_of(unique_id("f1")), ::testing::IsEmpty());
  EXPECT_THAT(cgroup_dirs_of(unique_id("f2")), ::testing::IsEmpty());
}

// A corrupt state.json must not keep a container's processes and cgroups forever. runc 1.1.5
// fails with "unexpected EOF" and leaves them all; hull's `delete --force` removes what it can
// find: without state.json, the default cgroup (/hull/<id>) and every process in it; with a
// state.json that parses around a bad config, the recorded cgroups and init. No pid namespace
// here, so the backgrounded sleep outlives init and only the cgroup finds it.
TEST(LifecycleTest, DeleteForceCleansUpAfterACorruptState) {
  struct Case {
    const char* name;
    bool pause;
    bool recorded;
    std::function<std::string(const std::string&)> corrupt;
  };
  auto truncated = [](const std::string& s) { return s.substr(0, 60); };
  auto zeros = [](const std::string& s) { return std::string(s.size(), '\0'); };
  auto bad_config = [](const std::string& s) {
    return s.substr(0, s.find("\"config\":")) + "\"config\":{\"ociVersion\":\"9.0\"}}";
  };
  // `recorded`: state.json still parses, so its cgroups and init are used without a warning.
  for (const Case& k :
       {Case{"truncated", false, false, truncated}, Case{"zeros", true, false, zeros},
        Case{"bad-config", true, true, bad_config}}) {
    SCOPED_TRACE(k.name);
    Hull hull;
    Bundle b({"sh", "-c", "sleep 1000 & exec sleep 1001"});
    b.edit(edits::drop_namespace("pid"));
    const std::string id = unique_id(std::string("cor-") + k.name);
    ContainerGuard guard(hull, id);
    ASSERT_EQ(hull({"run", "--detach", "--bundle", b.dir(), id}).exit_code, 0);
    std::string ps;
    wait_for(
        [&] {
          ps = hull({"ps", "--format", "json", id}).out;
          return json_array_size(ps, "") == 2u;
        },
        std::chrono::seconds(2));
    ASSERT_EQ(json_array_size(ps, ""), 2u) << ps;  // init's sleep and the backgrounded one
    std::vector<std::string> pids = {json_at(ps, "/0").value_or(""),
                                     json_at(ps, "/1").value_or("")};
    if (k.pause) {
      ASSERT_EQ(hull({"pause", id}).exit_code, 0);
    }
    const std::string state = hull.root() + "/" + id + "/state.json";
    ASSERT_TRUE(write_text(state, k.corrupt(read_text(state))));

    RunResult plain = hull({"delete", id});
    EXPECT_EQ(plain.exit_code, 1);
    EXPECT_THAT(plain.err, HasSubstr("state.json"));
    RunResult forced = hull({"delete", "--force", id});
    EXPECT_EQ(forced.exit_code, 0) << forced.err;
    if (k.recorded) {
      EXPECT_THAT(forced.err, Not(HasSubstr("level=warning")));
    } else {
      EXPECT_THAT(forced.err, HasSubstr("linux.cgroupsPath keeps its cgroup and processes"));
    }
    for (const std::string& pid : pids)
      EXPECT_TRUE(wait_exited(pid)) << "pid " << pid << " survived";
    EXPECT_FALSE(fs::exists(hull.root() + "/" + id));
    EXPECT_THAT(cgroup_dirs_of(id), ::testing::IsEmpty());
  }
}

TEST(LifecycleTest, ListAndPsFormats) {
  Hull hull;
  Bundle b({"sleep", "100"});
  ContainerGuard g1(hull, unique_id("la"));
  ContainerGuard g2(hull, unique_id("lb"));
  ASSERT_EQ(hull({"run", "--detach", "--bundle", b.dir(), unique_id("la")}).exit_code, 0);
  ASSERT_EQ(hull({"create", "--bundle", b.dir(), unique_id("lb")}).exit_code, 0);
  std::string pid = init_pid(hull, unique_id("la"));
  ASSERT_FALSE(pid.empty());

  RunResult r = hull({"list", "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, unique_id("la") + "\n" + unique_id("lb") + "\n");

  r = hull({"list"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("ID"));
  EXPECT_THAT(r.out, HasSubstr("STATUS"));
  EXPECT_THAT(r.out,
              ::testing::ContainsRegex(unique_id("la") + " +" + pid + " +running +" + b.dir()));
  EXPECT_THAT(r.out, ::testing::ContainsRegex(unique_id("lb") + " +[0-9]+ +created"));
  r = hull({"list", "--format", "table"});
  EXPECT_THAT(r.out, ::testing::ContainsRegex(unique_id("la") + " +" + pid + " +running"));

  r = hull({"list", "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(json_array_size(r.out, ""), 2u) << r.out;
  EXPECT_EQ(json_at(r.out, "/0/id"), unique_id("la"));
  EXPECT_EQ(json_at(r.out, "/0/status"), "running");
  EXPECT_EQ(json_at(r.out, "/0/pid"), pid);
  EXPECT_EQ(json_at(r.out, "/0/bundle"), b.dir());
  EXPECT_EQ(json_at(r.out, "/1/id"), unique_id("lb"));
  EXPECT_EQ(json_at(r.out, "/1/status"), "created");

  r = hull({"ps", "--format", "json", unique_id("la")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json_array_size(r.out, ""), 1u) << r.out;
  EXPECT_EQ(json_at(r.out, "/0"), pid) << "ps lists host pids";
  // An exec'ed process joins the cgroup, so ps sees it too.
  ASSERT_EQ(hull({"exec", "--detach", unique_id("la"), "sleep", "30"}).exit_code, 0);
  r = hull({"ps", "--format", "json", unique_id("la")});
  EXPECT_EQ(json_array_size(r.out, ""), 2u) << r.out;

  r = hull({"ps", unique_id("la")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("PID"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("\\b" + pid + "\\b.*sleep 100"));

  EXPECT_EQ(hull({"delete", "--force", unique_id("la")}).exit_code, 0);
  EXPECT_EQ(hull({"delete", "--force", unique_id("lb")}).exit_code, 0);
  r = hull({"list", "--format", "json"});
  // runc prints Go's nil slice: null.
  EXPECT_THAT(r.out, ::testing::AnyOf("null\n", "[]\n")) << r.out;
  EXPECT_EQ(hull({"list", "-q"}).out, "");
}

TEST(LifecycleTest, PreserveFdsPassesAnExtraFd) {
  Hull hull;
  TempDir tmp;
  Bundle b({"sh", "-c", "echo via-fd-3 >&3"});
  std::string file = tmp.path() + "/fd3";
  ContainerGuard guard(hull, unique_id("pf"));
  // The shell opens the file at fd 3 and execs hull, as an engine passing a socket would.
  RunResult r = run_command({"/bin/sh", "-c",
                             "exec \"$0\" --root \"$1\" create --preserve-fds 1 --bundle \"$2\" "
                             "\"$4\" 3>>\"$3\"",
                             hull_binary(), hull.root(), b.dir(), file, unique_id("pf")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = hull({"start", unique_id("pf")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(wait_for_status(hull, unique_id("pf"), "stopped"), "stopped");
  EXPECT_EQ(read_text(file), "via-fd-3\n");

  // Without --preserve-fds the fd is closed in the container: the write fails.
  Bundle b2({"sh", "-c", "echo leaked >&3 || echo closed"});
  TempDir out;
  b2.edit(edits::bind(out.path(), "/out") +
          "c['process']['args'] = ['sh', '-c', '(echo leaked >&3) 2>/dev/null || echo closed > "
          "/out/r']");
  ContainerGuard guard2(hull, unique_id("pf2"));
  r = run_command({"/bin/sh", "-c",
                   "exec \"$0\" --root \"$1\" create --bundle \"$2\" \"$4\" 3>>\"$3\"",
                   hull_binary(), hull.root(), b2.dir(), file, unique_id("pf2")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = hull({"start", unique_id("pf2")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(wait_for_status(hull, unique_id("pf2"), "stopped"), "stopped");
  EXPECT_EQ(read_text(out.path() + "/r"), "closed\n");
  EXPECT_EQ(read_text(file), "via-fd-3\n");
}

TEST(LifecycleTest, SocketActivationPassesListenFds) {
  Hull hull;
  TempDir tmp;
  Bundle b({"sh", "-c", "echo \"$LISTEN_FDS $LISTEN_PID\" >&3"});
  std::string file = tmp.path() + "/fd3";
  std::string id = unique_id("lf");
  ContainerGuard guard(hull, id);
  // systemd-style: LISTEN_FDS=1 with the socket at fd 3, no --preserve-fds.
  RunResult r =
      run_command({"/bin/sh", "-c",
                   "LISTEN_FDS=1 exec \"$0\" --root \"$1\" run --bundle \"$2\" \"$4\" 3>>\"$3\"",
                   hull_binary(), hull.root(), b.dir(), file, id});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_text(file), "1 1\n");
}

}  // namespace
}  // namespace hull::testing
