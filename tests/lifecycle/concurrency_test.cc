// Concurrency and faults: parallel lifecycles, racing creates of one id, and the runtime
// SIGKILLed in the middle of create.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "tests/harness/harness.h"

namespace hull::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(ConcurrencyTest, TwentyContainersInParallel) {
  Hull hull;
  Bundle b({"sleep", "100"});
  constexpr int kCount = 20;
  int fds_before = open_fd_count();
  std::vector<std::string> ids;
  for (int i = 0; i < kCount; ++i) ids.push_back(unique_id("par" + std::to_string(i)));
  std::vector<std::string> failures(kCount);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCount; ++i) {
    threads.emplace_back([&, i] {
      const std::string& id = ids[static_cast<size_t>(i)];
      std::string& why = failures[static_cast<size_t>(i)];
      auto step = [&](const std::vector<std::string>& args) {
        RunResult r = hull(args, std::chrono::seconds(60));
        if (r.exit_code != 0 && why.empty())
          why = args[0] + ": " + std::to_string(r.exit_code) + " " + r.err;
        return r;
      };
      step({"create", "--bundle", b.dir(), id});
      step({"start", id});
      RunResult st = step({"state", id});
      if (why.empty() && json_at(st.out, "/status") != "running") why = "state: " + st.out;
      step({"exec", id, "true"});
      step({"kill", id, "KILL"});
      if (why.empty() &&
          wait_for_status(hull, id, "stopped", std::chrono::seconds(20)) != "stopped")
        why = "never stopped";
      step({"delete", id});
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kCount; ++i)
    EXPECT_EQ(failures[static_cast<size_t>(i)], "") << ids[static_cast<size_t>(i)];
  for (const auto& id : ids) {
    (void)hull({"delete", "--force", id});  // leave nothing behind even after a failure
    EXPECT_THAT(cgroup_dirs_of(id), IsEmpty()) << id;
    EXPECT_FALSE(fs::exists(hull.root() + "/" + id)) << id;
  }
  EXPECT_EQ(open_fd_count(), fds_before) << "the test process leaked descriptors";
  EXPECT_THAT(mounts_under(b.dir()), IsEmpty());
  EXPECT_THAT(mounts_under(hull.root()), IsEmpty());
  EXPECT_THAT(wait_no_processes(hull.root()), IsEmpty());
  RunResult list = hull({"list", "-q"});
  EXPECT_EQ(list.out, "");
}

TEST(ConcurrencyTest, TwoCreatesOfOneIdExactlyOneWins) {
  Hull hull;
  Bundle b({"sleep", "100"});
  std::string id = unique_id("dup");
  for (int round = 0; round < 5; ++round) {
    ContainerGuard guard(hull, id);
    RunResult r1, r2;
    std::atomic<bool> go{false};
    std::thread t1([&] {
      while (!go) {
      }
      r1 = hull({"create", "--bundle", b.dir(), id});
    });
    std::thread t2([&] {
      while (!go) {
      }
      r2 = hull({"create", "--bundle", b.dir(), id});
    });
    go = true;
    t1.join();
    t2.join();
    ASSERT_EQ((r1.exit_code == 0) + (r2.exit_code == 0), 1)
        << "round " << round << ": " << r1.exit_code << " " << r1.err << " / " << r2.exit_code
        << " " << r2.err;
    const RunResult& loser = r1.exit_code == 0 ? r2 : r1;
    EXPECT_EQ(loser.exit_code, 1);
    EXPECT_THAT(loser.err, HasSubstr("exists"));
    // The loser must not have damaged the winner.
    EXPECT_EQ(status_of(hull, id), "created");
    ASSERT_EQ(hull({"start", id}).exit_code, 0);
    EXPECT_EQ(status_of(hull, id), "running");
    EXPECT_EQ(hull({"delete", "--force", id}).exit_code, 0);
    EXPECT_THAT(cgroup_dirs_of(id), IsEmpty());
  }
}

// Delays cover every phase of create: before the state dir, before clone, during init's setup,
// and after it (then an ordinary created container).
TEST(ConcurrencyTest, RuntimeKilledDuringCreateThenDeleteForceCleansUp) {
  Hull hull;
  Bundle b({"sleep", "100"});
  std::string id = unique_id("killed");
  for (int delay_ms : {0, 2, 5, 10, 15, 20, 30, 40, 60, 80, 120}) {
    SCOPED_TRACE("SIGKILL after " + std::to_string(delay_ms) + " ms");
    {
      Spawned create({hull_binary(), "--root", hull.root(), "create", "--bundle", b.dir(), id});
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      create.kill(SIGKILL);
      ASSERT_TRUE(create.wait(std::chrono::seconds(10)).has_value());
    }
    RunResult r = hull({"delete", "--force", id}, std::chrono::seconds(20));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(fs::exists(hull.root() + "/" + id));
    EXPECT_THAT(cgroup_dirs_of(id), IsEmpty());
    EXPECT_THAT(wait_no_processes(hull.root()), IsEmpty());
    EXPECT_THAT(mounts_under(b.dir()), IsEmpty());
    // The id is usable again.
    r = hull({"create", "--bundle", b.dir(), id});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(hull({"delete", "--force", id}).exit_code, 0);
    EXPECT_THAT(cgroup_dirs_of(id), IsEmpty());
  }
}

}  // namespace
}  // namespace hull::testing
