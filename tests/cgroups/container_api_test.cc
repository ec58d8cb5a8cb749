// The library API (//container) on a container the hull binary made: notify_oom fires on a real
// OOM kill, stats() reads the live cgroup, update() is seen by a later load().
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>

#include "base/testing/matchers.h"
#include "container/container.h"
#include "tests/harness/harness.h"

namespace hull::testing {
namespace {

using base::ErrorKind;
using base::testing::FailedWith;
using base::testing::IsOk;
using container::Container;

TEST(ContainerApiTest, NotifyOomFiresWhenATaskIsOomKilled) {
  Bundle b({"sleep", "1000"});
  b.edit("c['linux']['resources']['memory'] = {'limit': 33554432}");
  Hull hull;
  Running c(hull, b, unique_id("cg-api-oom"));
  ASSERT_TRUE(c.ok()) << c.run().err;
  auto oom = [&]() -> base::Result<container::cgroups::EventNotifier> {
    auto loaded = Container::load(hull.root(), c.id());  // unlocked when it goes out of scope
    if (!loaded.has_value()) return base::fail(std::move(loaded).error());
    return loaded->notify_oom();
  }();
  ASSERT_THAT(oom, IsOk());
  struct pollfd pfd = {oom->fd().get(), oom->poll_events(), 0};
  EXPECT_EQ(::poll(&pfd, 1, 0), 0) << "an OOM event before any allocation";

  RunResult hog = hull({"exec", c.id(), "sh", "-c", "head -c 200m /dev/zero | tail"});
  EXPECT_NE(hog.exit_code, 0);
  ASSERT_EQ(::poll(&pfd, 1, 10000), 1);
  auto n = oom->consume();
  ASSERT_THAT(n, IsOk());
  EXPECT_GE(*n, 1u);

  auto loaded = Container::load(hull.root(), c.id());
  ASSERT_THAT(loaded, IsOk());
  auto pressure = loaded->notify_memory_pressure(container::cgroups::PressureLevel::Low);
  EXPECT_THAT(pressure, IsOk());
}

TEST(ContainerApiTest, StatsAndUpdateThroughTheLibrary) {
  Bundle b({"sleep", "1000"});
  b.edit("c['linux']['resources']['memory'] = {'limit': 67108864}");
  Hull hull;
  Running c(hull, b, unique_id("cg-api-upd"));
  ASSERT_TRUE(c.ok()) << c.run().err;
  {
    auto loaded = Container::load(hull.root(), c.id());
    ASSERT_THAT(loaded, IsOk());
    auto stats = loaded->stats();
    ASSERT_THAT(stats, IsOk());
    EXPECT_EQ(stats->memory.usage.limit, 67108864u);
    EXPECT_GT(stats->memory.usage.usage, 0u);
    EXPECT_EQ(stats->pids.current, 1u);
    ASSERT_FALSE(stats->network_interfaces.empty());
    EXPECT_EQ(stats->network_interfaces[0].name, "lo");

    container::Resources r;
    r.memory.emplace().limit = 100 << 20;
    r.memory->reservation = 0;  // zero: unchanged
    r.pids_limit = 33;
    ASSERT_THAT(loaded->update(r), IsOk());
  }
  auto again = Container::load(hull.root(), c.id());
  ASSERT_THAT(again, IsOk());
  const auto& res = again->config().linux->resources;
  ASSERT_TRUE(res && res->memory && res->memory->limit && res->pids_limit);
  EXPECT_EQ(*res->memory->limit, 100 << 20);
  EXPECT_FALSE(res->memory->reservation.has_value());
  EXPECT_EQ(*res->pids_limit, 33);
  // The device rules of the config survive an update.
  ASSERT_FALSE(res->devices.empty());
  EXPECT_FALSE(res->devices[0].allow);
  auto stats = again->stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->memory.usage.limit, uint64_t{100} << 20);
  EXPECT_EQ(stats->pids.limit, 33u);
  again->unlock();

  ASSERT_EQ(hull({"kill", c.id(), "KILL"}).exit_code, 0);
  ASSERT_TRUE(wait_for([&] { return c.status() == "stopped"; }));
  auto stopped = Container::load(hull.root(), c.id());
  ASSERT_THAT(stopped, IsOk());
  EXPECT_THAT(stopped->update(container::Resources{}), FailedWith(ErrorKind::InvalidState));
  EXPECT_THAT(stopped->stats(), FailedWith(ErrorKind::InvalidState));
  EXPECT_THAT(stopped->notify_oom(), FailedWith(ErrorKind::InvalidState));
}

}  // namespace
}  // namespace hull::testing
