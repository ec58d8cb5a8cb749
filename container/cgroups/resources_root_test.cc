// set/freeze/stats/notify on real cgroups: the host's (v1 or hybrid) and, for the v2 driver, a
// cgroup2 mounted in a private mount namespace. Needs real root (tags = ["no-sandbox"]).
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "base/testing/matchers.h"
#include "container/cgroups/cgroups.h"
#include "container/cgroups/testing.h"
#include "sys/file.h"

namespace hull::container::cgroups {
namespace {

using base::testing::IsOk;
using ::testing::HasSubstr;
using testing_support::Gate;
using testing_support::SharedCounter;
using testing_support::Sleeper;
using testing_support::unique_id;

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

std::string read_trimmed(const std::string& path) {
  auto t = sys::read_file(path);
  if (!t.has_value()) return "<" + t.error().message() + ">";
  std::string s = *t;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Kills whatever is left in the cgroup and removes it.
void cleanup(Manager& m) {
  for (int i = 0; i < 100; ++i) {
    auto pids = m.pids();
    if (!pids.has_value() || pids->empty()) break;
    for (pid_t p : *pids) ::kill(p, SIGKILL);
    sleep_ms(10);
  }
  EXPECT_THAT(m.destroy(), IsOk());
}

class ResourcesRootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto mgr = Manager::create("", unique_id("res"));
    ASSERT_THAT(mgr, IsOk());
    m_mgr = std::move(*mgr);
  }
  void TearDown() override {
    if (m_mgr) cleanup(*m_mgr);
  }
  std::string path(const std::string& controller) { return m_mgr->paths().paths.at(controller); }

  std::unique_ptr<Manager> m_mgr;
};

TEST_F(ResourcesRootTest, MemoryLimitIsWrittenAndUpdated) {
  Sleeper child;
  ASSERT_THAT(m_mgr->apply(child.pid()), IsOk());
  Resources r;
  r.memory = MemoryResources{};
  r.memory->limit = 64 << 20;
  ASSERT_THAT(m_mgr->set(r), IsOk());
  EXPECT_EQ(read_trimmed(path("memory") + "/memory.limit_in_bytes"), "67108864");
  r.memory->limit = 32 << 20;
  ASSERT_THAT(m_mgr->set(r), IsOk());
  EXPECT_EQ(read_trimmed(path("memory") + "/memory.limit_in_bytes"), "33554432");
  auto stats = m_mgr->stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->memory.usage.limit, 33554432u);
}

TEST_F(ResourcesRootTest, PidsLimitMakesForksFail) {
  Gate gate;
  Sleeper child([&] {
    gate.wait();
    int forked = 0;
    for (int i = 0; i < 8; ++i) {
      pid_t p = ::fork();
      if (p == 0) {
        for (;;) ::pause();
      }
      if (p > 0) ++forked;
    }
    ::_exit(forked);
  });
  ASSERT_THAT(m_mgr->apply(child.pid()), IsOk());
  Resources r;
  r.pids_limit = 4;
  ASSERT_THAT(m_mgr->set(r), IsOk());
  EXPECT_EQ(read_trimmed(path("pids") + "/pids.max"), "4");
  gate.open();
  int status = child.wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);  // the child itself counts as the fourth task
  auto stats = m_mgr->stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->pids.limit, 4u);
  EXPECT_EQ(stats->pids.current, 3u);
}

TEST_F(ResourcesRootTest, OomKillFiresNotifyOom) {
  Gate gate;
  Sleeper child([&] {
    gate.wait();
    for (int i = 0; i < 512; ++i) {
      char* p = static_cast<char*>(::malloc(1 << 20));
      if (p != nullptr) std::memset(p, 1, 1 << 20);
    }
    ::_exit(0);
  });
  ASSERT_THAT(m_mgr->apply(child.pid()), IsOk());
  Resources r;
  r.memory = MemoryResources{};
  r.memory->limit = 32 << 20;
  if (sys::exists(path("memory") + "/memory.memsw.limit_in_bytes")) r.memory->swap = 32 << 20;
  ASSERT_THAT(m_mgr->set(r), IsOk());
  auto oom = m_mgr->notify_oom();
  ASSERT_THAT(oom, IsOk());
  gate.open();
  int status = child.wait();
  ASSERT_TRUE(WIFSIGNALED(status)) << "status " << status;
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  struct pollfd pfd = {oom->fd().get(), oom->poll_events(), 0};
  ASSERT_EQ(::poll(&pfd, 1, 5000), 1);
  auto n = oom->consume();
  ASSERT_THAT(n, IsOk());
  EXPECT_GE(*n, 1u);
  auto stats = m_mgr->stats();
  ASSERT_THAT(stats, IsOk());
  // The peak reached the limit before the kill.
  EXPECT_GE(stats->memory.usage.max, 30u << 20);
  EXPECT_LE(stats->memory.usage.max, 32u << 20);
}

TEST_F(ResourcesRootTest, MemoryPressureNotifierRegisters) {
  Sleeper child;
  ASSERT_THAT(m_mgr->apply(child.pid()), IsOk());
  auto low = m_mgr->notify_memory_pressure(PressureLevel::Low);
  ASSERT_THAT(low, IsOk());
  EXPECT_EQ(low->kind(), EventNotifier::Kind::EventFd);
  auto n = low->consume();  // nothing pending: a non-blocking read gives 0
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, 0u);
}

TEST_F(ResourcesRootTest, FreezeStopsACounterAndThawResumesIt) {
  SharedCounter counter;
  Sleeper child([&] { counter.spin(); });
  ASSERT_THAT(m_mgr->apply(child.pid()), IsOk());
  sleep_ms(20);
  ASSERT_THAT(m_mgr->freeze(), IsOk());
  auto state = m_mgr->freezer_state();
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(*state, FreezerState::Frozen);
  uint64_t before = counter.get();
  sleep_ms(100);
  EXPECT_EQ(counter.get(), before);
  ASSERT_THAT(m_mgr->thaw(), IsOk());
  auto thawed = m_mgr->freezer_state();
  ASSERT_THAT(thawed, IsOk());
  EXPECT_EQ(*thawed, FreezerState::Thawed);
  sleep_ms(50);
  EXPECT_GT(counter.get(), before);
}

TEST_F(ResourcesRootTest, StatsAreSane) {
  Gate gate;  // memory is charged to the cgroup the task is in when it faults the pages in
  Sleeper child([&] {
    gate.wait();
    char* p = static_cast<char*>(::malloc(16 << 20));
    if (p != nullptr) std::memset(p, 1, 16 << 20);
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
    while (std::chrono::steady_clock::now() < end) {
    }
  });
  ASSERT_THAT(m_mgr->apply(child.pid()), IsOk());
  gate.open();
  sleep_ms(400);
  auto s = m_mgr->stats();
  ASSERT_THAT(s, IsOk());
  EXPECT_GT(s->cpu.usage.total, 50'000'000u);  // ns: most of the 200 ms busy loop
  EXPECT_LT(s->cpu.usage.total, 5'000'000'000u);
  EXPECT_FALSE(s->cpu.usage.percpu.empty());
  EXPECT_GE(s->memory.usage.usage, 16u << 20);
  EXPECT_GE(s->memory.usage.max, s->memory.usage.usage);
  EXPECT_FALSE(s->memory.raw.empty());
  EXPECT_EQ(s->pids.current, 1u);
  EXPECT_THAT(stats_json(*s), HasSubstr(R"("pids":{"current":1})"));
}

TEST_F(ResourcesRootTest, DeviceRulesDenyOtherDevices) {
  Gate gate;
  Sleeper child([&] {
    gate.wait();
    int ok = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (ok < 0) ::_exit(1);
    int denied = ::open("/dev/kmsg", O_RDONLY | O_CLOEXEC);  // c 1:11, not in the defaults
    if (denied >= 0) ::_exit(2);
    ::_exit(errno == EPERM ? 0 : 3);
  });
  ASSERT_THAT(m_mgr->apply(child.pid()), IsOk());
  Resources r;
  // Listed in linux.devices, denied by the resources: it stays denied, as with runc.
  const Device kmsg{"c", "/dev/kmsg", 1, 11, {}, {}, {}};
  r.devices = container_device_rules({DeviceCgroupRule{false, "a", {}, {}, "rwm"}}, {kmsg});
  ASSERT_THAT(m_mgr->set(r), IsOk());
  EXPECT_THAT(read_trimmed(path("devices") + "/devices.list"), HasSubstr("c 1:3 rwm"));
  gate.open();
  int status = child.wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(ResourcesRootTest, HybridHugetlbGoesToTheUnifiedDirectory) {
  if (m_mgr->mode() != Mode::Hybrid) GTEST_SKIP() << "not a hybrid host";
  Sleeper child;
  ASSERT_THAT(m_mgr->apply(child.pid()), IsOk());
  if (!sys::exists(path("") + "/hugetlb.2MB.max")) GTEST_SKIP() << "no 2MB hugetlb in cgroup2";
  Resources r;
  r.hugepage_limits = {HugepageLimit{"2MB", 4 << 20}};
  ASSERT_THAT(m_mgr->set(r), IsOk());
  EXPECT_EQ(read_trimmed(path("") + "/hugetlb.2MB.max"), "4194304");
  Resources bad;
  bad.hugepage_limits = {HugepageLimit{"3MB", 1}};
  EXPECT_THAT(m_mgr->set(bad), base::testing::ErrorMessageHas("hugepageLimits[0].pageSize"));
}

// The v2 driver end to end in a private cgroup2 mount: freezer, eBPF device filter, stats,
// PSI trigger, hugetlb.
TEST(V2RootTest, FreezeDevicesStatsPressure) {
  std::string result = testing_support::run_in_v2_namespace([]() -> Result<> {
    using base::Error;
    using base::fail;
    auto mgr = TRY(Manager::create("", unique_id("v2res")));
    struct Cleanup {
      Manager& m;
      ~Cleanup() {
        for (int i = 0; i < 100; ++i) {
          auto pids = m.pids();
          if (!pids.has_value() || pids->empty()) break;
          for (pid_t p : *pids) ::kill(p, SIGKILL);
          sleep_ms(10);
        }
        (void)m.destroy();
      }
    } cleanup_guard{*mgr};

    // Freezer.
    SharedCounter counter;
    Sleeper spinner([&] { counter.spin(); });
    TRY(mgr->apply(spinner.pid()));
    sleep_ms(20);
    TRY(mgr->freeze());
    if (TRY(mgr->freezer_state()) != FreezerState::Frozen)
      return fail(Error::invalid("state is not frozen after freeze()"));
    uint64_t before = counter.get();
    sleep_ms(100);
    if (counter.get() != before) return fail(Error::invalid("counter advanced while frozen"));
    TRY(mgr->thaw());
    sleep_ms(50);
    if (counter.get() == before) return fail(Error::invalid("counter stuck after thaw"));

    // Stats: cpu.stat is core in cgroup v2.
    Stats s = TRY(mgr->stats());
    if (s.cpu.usage.total == 0) return fail(Error::invalid("cpu usage is 0"));
    spinner.kill();

    // Device filter: defaults allow /dev/null, deny /dev/kmsg even when linux.devices lists it.
    Gate gate;
    Sleeper opener([&] {
      gate.wait();
      if (::open("/dev/null", O_RDWR | O_CLOEXEC) < 0) ::_exit(1);
      if (::open("/dev/kmsg", O_RDONLY | O_CLOEXEC) >= 0) ::_exit(2);
      ::_exit(errno == EPERM ? 0 : 3);
    });
    TRY(mgr->apply(opener.pid()));
    Resources r;
    const Device kmsg{"c", "/dev/kmsg", 1, 11, {}, {}, {}};  // a linux.devices node stays denied
    r.devices = container_device_rules({DeviceCgroupRule{false, "a", {}, {}, "rwm"}}, {kmsg});
    TRY(mgr->set(r));
    TRY(mgr->set(r));  // replacing the program keeps exactly one attached
    gate.open();
    int status = opener.wait();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      return fail(Error::invalid("device filter: opener status " + std::to_string(status)));

    // PSI trigger on memory.pressure (core in cgroup v2).
    auto psi = TRY(mgr->notify_memory_pressure(PressureLevel::Low));
    if (psi.poll_events() != POLLPRI || psi.fd().get() < 0)
      return fail(Error::invalid("psi notifier has no fd"));

    // hugetlb is the one controller this host leaves to cgroup2.
    std::string dir = mgr->paths().paths.at("");
    if (sys::exists(dir + "/hugetlb.2MB.max")) {
      Resources h;
      h.hugepage_limits = {HugepageLimit{"2MB", 2 << 20}};
      TRY(mgr->set(h));
      if (read_trimmed(dir + "/hugetlb.2MB.max") != "2097152")
        return fail(Error::invalid("hugetlb.2MB.max not written"));
    }
    return {};
  });
  EXPECT_EQ(result, "ok");
}

}  // namespace
}  // namespace hull::container::cgroups
