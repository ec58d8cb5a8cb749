// pause/resume, events --stats, update and delete on real containers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "tests/harness/harness.h"

namespace hull::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

long read_count(const std::string& path) {
  std::string s = read_text(path);
  return s.empty() ? -1 : std::atol(s.c_str());
}

TEST(LifecycleTest, PauseFreezesTheContainerAndResumeContinuesIt) {
  TempDir shared;
  Bundle b({"sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > /shared/count; sleep 0.02; done"});
  b.edit(edits::bind(shared.path(), "/shared"));
  Hull hull;
  Running c(hull, b, unique_id("cg-pause"));
  ASSERT_TRUE(c.ok()) << c.run().err;
  std::string count = shared.path() + "/count";
  ASSERT_TRUE(wait_for([&] { return read_count(count) > 2; }));
  EXPECT_EQ(c.status(), "running");

  RunResult p = hull({"pause", c.id()});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(c.status(), "paused");
  long frozen = read_count(count);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(read_count(count), frozen);
  // A paused container cannot be paused again; resume is the way out.
  EXPECT_NE(hull({"pause", c.id()}).exit_code, 0);

  RunResult r = hull({"resume", c.id()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(c.status(), "running");
  EXPECT_TRUE(wait_for([&] { return read_count(count) > frozen + 2; }));
  EXPECT_NE(hull({"resume", c.id()}).exit_code, 0);

  ASSERT_EQ(hull({"kill", c.id(), "KILL"}).exit_code, 0);
  ASSERT_TRUE(wait_for([&] { return c.status() == "stopped"; }));
  RunResult stopped = hull({"pause", c.id()});
  EXPECT_EQ(stopped.exit_code, 1);
  EXPECT_THAT(stopped.err, HasSubstr("stopped"));
}

// init and exec'd processes enter the cgroups themselves (a v1 `tasks` write of "0", and
// CLONE_INTO_CGROUP for cgroup2): every hierarchy of /proc/<pid>/cgroup, read from the host, must
// name the container's cgroup, for init and for an exec'd process alike.
TEST(LifecycleTest, InitAndExecAreInEveryHierarchy) {
  Bundle b({"sleep", "1000"});
  b.edit(edits::drop_namespace("cgroup"));
  Hull hull;
  Running c(hull, b, unique_id("cg-join"));
  ASSERT_TRUE(c.ok()) << c.run().err;
  ASSERT_EQ(hull({"exec", "-d", c.id(), "sleep", "999"}).exit_code, 0);
  RunResult ps = hull({"ps", "--format", "json", c.id()});
  ASSERT_EQ(ps.exit_code, 0) << ps.err;
  std::vector<std::string> pids;
  for (size_t i = ps.out.find_first_of("0123456789"); i != std::string::npos;) {
    size_t end = ps.out.find_first_not_of("0123456789", i);
    pids.push_back(ps.out.substr(i, end - i));
    i = end == std::string::npos ? end : ps.out.find_first_of("0123456789", end);
  }
  ASSERT_EQ(pids.size(), 2u) << ps.out;  // init's sleep and the exec'd one
  const std::string mine = read_text("/proc/self/cgroup");
  const size_t hierarchies = static_cast<size_t>(std::count(mine.begin(), mine.end(), '\n'));
  for (const auto& pid : pids) {
    SCOPED_TRACE("pid " + pid);
    std::string text = read_text("/proc/" + pid + "/cgroup");
    ASSERT_EQ(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')), hierarchies) << text;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find('\n', pos);
      std::string line = text.substr(pos, end - pos);
      EXPECT_TRUE(
          line.size() > c.id().size() &&
          line.compare(line.size() - c.id().size() - 6, std::string::npos, "/hull/" + c.id()) == 0)
          << line;
      pos = end + 1;
    }
  }
}

TEST(LifecycleTest, EventsStatsNumbersMatchTheWorkload) {
  Bundle b({"sleep", "1000"});
  b.edit(
      "c['linux']['resources']['memory'] = {'limit': 67108864}\n"
      "c['linux']['resources']['pids'] = {'limit': 100}");
  Hull hull;
  Running c(hull, b, unique_id("cg-stats"));
  ASSERT_TRUE(c.ok()) << c.run().err;
  for (int i = 0; i < 2; ++i) ASSERT_EQ(hull({"exec", "-d", c.id(), "sleep", "100"}).exit_code, 0);

  RunResult r = hull({"events", "--stats", c.id()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  simdjson::dom::parser parser;
  simdjson::padded_string text(r.out);
  simdjson::dom::element ev;
  ASSERT_EQ(parser.parse(text).get(ev), simdjson::SUCCESS) << r.out;
  std::string_view type, id;
  ASSERT_EQ(ev["type"].get(type), simdjson::SUCCESS);
  ASSERT_EQ(ev["id"].get(id), simdjson::SUCCESS);
  EXPECT_EQ(type, "stats");
  EXPECT_EQ(id, c.id());
  uint64_t usage = 0, limit = 0, pids = 0, pids_limit = 0;
  ASSERT_EQ(ev["data"]["memory"]["usage"]["usage"].get(usage), simdjson::SUCCESS) << r.out;
  ASSERT_EQ(ev["data"]["memory"]["usage"]["limit"].get(limit), simdjson::SUCCESS) << r.out;
  ASSERT_EQ(ev["data"]["pids"]["current"].get(pids), simdjson::SUCCESS) << r.out;
  ASSERT_EQ(ev["data"]["pids"]["limit"].get(pids_limit), simdjson::SUCCESS) << r.out;
  EXPECT_GT(usage, 0u);
  EXPECT_LT(usage, limit);
  EXPECT_EQ(limit, 67108864u);
  EXPECT_EQ(pids, 3u);  // init and the two exec'd sleeps
  EXPECT_EQ(pids_limit, 100u);
  // The container has its own network namespace: its loopback is listed.
  simdjson::dom::array ifaces;
  ASSERT_EQ(ev["data"]["network_interfaces"].get(ifaces), simdjson::SUCCESS) << r.out;
  std::string_view name;
  ASSERT_GE(ifaces.size(), 1u);
  EXPECT_EQ(ifaces.at(0)["Name"].get(name), simdjson::SUCCESS);
  EXPECT_EQ(name, "lo");

  // runc's wording for a container that is not running.
  ASSERT_EQ(hull({"kill", c.id(), "KILL"}).exit_code, 0);
  ASSERT_TRUE(wait_for([&] { return c.status() == "stopped"; }));
  RunResult gone = hull({"events", "--stats", c.id()});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_THAT(gone.err, HasSubstr("container with id " + c.id() + " is not running"));
}

TEST(LifecycleTest, UpdateChangesLiveLimitsAndKeepsWhatItDoesNotName) {
  Bundle b({"sleep", "1000"});
  b.edit(
      "c['linux']['resources']['memory'] = {'limit': 67108864}\n"
      "c['linux']['resources']['pids'] = {'limit': 50}\n"
      "c['linux']['resources']['cpu'] = {'shares': 512}");
  Hull hull;
  Running c(hull, b, unique_id("cg-update"));
  ASSERT_TRUE(c.ok()) << c.run().err;
  auto paths = c.cgroup_paths();
  ASSERT_TRUE(paths.count("memory") && paths.count("pids") && paths.count("cpu"));
  auto mem_limit = [&] { return trimmed(read_text(paths["memory"] + "/memory.limit_in_bytes")); };
  auto pids_max = [&] { return trimmed(read_text(paths["pids"] + "/pids.max")); };
  auto shares = [&] { return trimmed(read_text(paths["cpu"] + "/cpu.shares")); };
  ASSERT_EQ(mem_limit(), "67108864");

  RunResult u = hull({"update", "--memory", "128m", "--pids-limit", "77", c.id()});
  ASSERT_EQ(u.exit_code, 0) << u.err;
  EXPECT_EQ(mem_limit(), "134217728");
  EXPECT_EQ(pids_max(), "77");
  EXPECT_EQ(shares(), "512");
  RunResult inside = hull({"exec", c.id(), "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes"});
  EXPECT_EQ(inside.out, "134217728\n") << inside.err;
  // Recorded in state.json's config for later commands.
  std::string state = read_text(hull.root() + "/" + c.id() + "/state.json");
  EXPECT_THAT(state, HasSubstr(R"("limit":134217728)"));
  EXPECT_THAT(state, HasSubstr(R"("pids":{"limit":77})"));

  // Docker sends every field, zero meaning "unchanged".
  const std::string docker =
      R"({"memory":{"limit":0,"reservation":0,"swap":0,"kernel":0,"kernelTCP":0},)"
      R"("cpu":{"shares":0,"quota":0,"period":0,"realtimeRuntime":0,)"
      R"("realtimePeriod":0,"cpus":"","mems":""},"blockIO":{"weight":0},)"
      R"("pids":{"limit":99}})";
  RunResult d = hull({"update", "--resources", "-", c.id()}, std::chrono::seconds(30), docker);
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_EQ(pids_max(), "99");
  EXPECT_EQ(mem_limit(), "134217728");
  EXPECT_EQ(shares(), "512");

  TempDir tmp;
  std::string file = tmp.path() + "/r.json";
  ASSERT_TRUE(write_text(file, R"({"cpu":{"shares":256}})"));
  RunResult f = hull({"update", "--resources=" + file, c.id()});
  ASSERT_EQ(f.exit_code, 0) << f.err;
  EXPECT_EQ(shares(), "256");
  EXPECT_EQ(mem_limit(), "134217728");
  EXPECT_EQ(pids_max(), "99");

  RunResult bad = hull({"update", "--memory", "1.5x", c.id()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("invalid value for memory: invalid size: '1.5x'"));
  EXPECT_EQ(mem_limit(), "134217728");

  ASSERT_EQ(hull({"kill", c.id(), "KILL"}).exit_code, 0);
  ASSERT_TRUE(wait_for([&] { return c.status() == "stopped"; }));
  RunResult stopped = hull({"update", "--memory", "64m", c.id()});
  EXPECT_EQ(stopped.exit_code, 1);
  EXPECT_THAT(stopped.err, HasSubstr("container not running"));

  // delete removes every cgroup directory of the container.
  ASSERT_EQ(hull({"delete", c.id()}).exit_code, 0);
  for (const auto& [controller, dir] : paths) EXPECT_FALSE(std::filesystem::exists(dir)) << dir;
}

// A cgroup made and frozen outside hull, in the freezer hierarchy (v1) or the cgroup2 root.
// The destructor thaws it, runs `cleanup` and removes the directory from every hierarchy.
class FrozenCgroup {
 public:
  FrozenCgroup(std::string rel, std::function<void()> cleanup)
      : m_rel(std::move(rel)), m_cleanup(std::move(cleanup)) {
    if (std::filesystem::exists("/sys/fs/cgroup/freezer/tasks")) {
      m_dir = "/sys/fs/cgroup/freezer/" + m_rel;
      m_file = "freezer.state";
      m_frozen = "FROZEN";
      m_thawed = "THAWED";
    } else if (std::filesystem::exists("/sys/fs/cgroup/cgroup.controllers")) {
      m_dir = "/sys/fs/cgroup/" + m_rel;
      m_file = "cgroup.freeze";
      m_frozen = "1";
      m_thawed = "0";
    } else {
      return;
    }
    std::error_code ec;
    std::filesystem::create_directory(m_dir, ec);
    std::ofstream(m_dir + "/" + m_file) << m_frozen;
  }
  ~FrozenCgroup() {
    if (m_dir.empty()) return;
    std::ofstream(m_dir + "/" + m_file) << m_thawed;
    m_cleanup();
    std::error_code ec;
    for (const auto& h : std::filesystem::directory_iterator("/sys/fs/cgroup", ec))
      std::filesystem::remove(h.path() / m_rel, ec);
    std::filesystem::remove("/sys/fs/cgroup/" + m_rel, ec);
  }
  bool ok() const { return !m_dir.empty() && is_frozen(); }
  bool is_frozen() const { return trimmed(read_text(m_dir + "/" + m_file)) == m_frozen; }

 private:
  std::string m_rel, m_dir, m_file, m_frozen, m_thawed;
  std::function<void()> m_cleanup;
};

// A cgroupsPath naming a cgroup someone froze: init would stop at its first step and `run -d`
// waited for it (about 90 s). runc refuses at once ("container's cgroup unexpectedly frozen"),
// before it creates anything, and leaves the cgroup as it was.
TEST(LifecycleTest, FrozenCgroupIsRefused) {
  Hull hull;
  const std::string id = unique_id("cg-frozen");
  FrozenCgroup frozen(id, [&] { (void)hull({"delete", "--force", id}); });
  if (!frozen.ok()) GTEST_SKIP() << "no freezer to freeze a cgroup with";
  Bundle b({"true"});
  b.edit("c['linux']['cgroupsPath'] = '/" + id + "'");
  auto started = std::chrono::steady_clock::now();
  RunResult r = hull({"run", "-d", "--bundle", b.dir(), id}, std::chrono::seconds(20));
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_FALSE(r.timed_out);
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("container's cgroup unexpectedly frozen"));
  EXPECT_FALSE(std::filesystem::exists(hull.root() + "/" + id));
  EXPECT_TRUE(frozen.is_frozen());
  // Nothing was made in the other hierarchies.
  std::error_code ec;
  for (const auto& h : std::filesystem::directory_iterator("/sys/fs/cgroup", ec)) {
    if (h.path().filename() == "freezer") continue;
    EXPECT_FALSE(std::filesystem::exists(h.path() / id)) << h.path();
  }
}

// linux.resources.unified on a host that is not pure cgroup v2 (v1 or hybrid): runc 1.1 refuses
// it ("invalid configuration: cannot use unified on cgroup v1") and leaves nothing. On this
// kind of host hull used to write the key into the hybrid cgroup2 directory.
TEST(LifecycleTest, UnifiedOnV1IsRefused) {
  if (std::filesystem::exists("/sys/fs/cgroup/cgroup.controllers"))
    GTEST_SKIP() << "a pure cgroup v2 host";
  Bundle b({"true"});
  // cgroup.max.descendants is in every cgroup2 directory, so a hybrid host would accept it.
  b.edit("c['linux']['resources']['unified'] = {'cgroup.max.descendants': '10'}");
  Hull hull;
  const std::string id = unique_id("cg-unified-v1");
  RunResult r = hull({"run", "--bundle", b.dir(), id});
  if (r.exit_code == 0) (void)hull({"delete", "--force", id});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("linux.resources.unified: invalid configuration: cannot use "
                               "unified on cgroup v1"));
  EXPECT_FALSE(std::filesystem::exists(hull.root() + "/" + id));
  for (const std::string& dir : cgroup_dirs()) EXPECT_THAT(dir, Not(HasSubstr(id)));
}

}  // namespace
}  // namespace hull::testing
