#include "container/security/process_attrs.h"

#include <sched.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>

#include "base/testing/matchers.h"

namespace hull::container::security {
namespace {

using base::testing::ErrorMessageHas;
using base::testing::IsOk;

// Runs `body` in a forked child and returns its exit code (-1 if it did not exit).
int child_exit_code(const std::function<int()>& body) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(PersonalityTest, DomainsAndErrors) {
  Personality p;
  p.domain = "LINUX32";
  auto persona = prepare_personality(p);
  ASSERT_THAT(persona, IsOk());
  EXPECT_EQ(*persona, static_cast<unsigned long>(PER_LINUX32));
  p.domain = "LINUX";
  EXPECT_EQ(prepare_personality(p).value_or(99), static_cast<unsigned long>(PER_LINUX));
  p.domain = "BSD";
  EXPECT_THAT(prepare_personality(p),
              ErrorMessageHas(R"(.linux.personality.domain: unknown domain "BSD")"));
  p.domain = "LINUX";
  p.flags = {"SHORT_INODE"};
  EXPECT_THAT(prepare_personality(p), ErrorMessageHas(".linux.personality.flags[0]"));
}

TEST(PersonalityTest, ApplyChangesTheDomain) {
  int code = child_exit_code([] {
    if (!apply_personality(PER_LINUX32).has_value()) return 1;
    return ::personality(0xffffffff) == PER_LINUX32 ? 0 : 2;
  });
  EXPECT_EQ(code, 0);
}

TEST(SchedulerTest, Validation) {
  Scheduler s;
  s.policy = "SCHED_BATCH";
  s.nice = 5;
  s.flags = {"SCHED_FLAG_RESET_ON_FORK"};
  auto attr = prepare_scheduler(s);
  ASSERT_THAT(attr, IsOk());
  EXPECT_EQ(attr->policy, 3U);
  EXPECT_EQ(attr->nice, 5);
  EXPECT_EQ(attr->flags, 1U);

  Scheduler bad = s;
  bad.policy = "SCHED_FAST";
  EXPECT_THAT(prepare_scheduler(bad),
              ErrorMessageHas(R"(.process.scheduler.policy: unknown policy "SCHED_FAST")"));
  bad = s;
  bad.nice = 25;
  EXPECT_THAT(prepare_scheduler(bad), ErrorMessageHas(".process.scheduler.nice: 25 out of range"));
  bad = s;
  bad.priority = 3;
  EXPECT_THAT(prepare_scheduler(bad), ErrorMessageHas("only SCHED_FIFO and SCHED_RR"));
  bad = s;
  bad.runtime = 1000;
  EXPECT_THAT(prepare_scheduler(bad), ErrorMessageHas("only for SCHED_DEADLINE"));
  bad = s;
  bad.flags = {"SCHED_FLAG_NOPE"};
  EXPECT_THAT(prepare_scheduler(bad), ErrorMessageHas(".process.scheduler.flags[0]"));
  Scheduler rr;
  rr.policy = "SCHED_RR";
  rr.priority = 10;
  EXPECT_THAT(prepare_scheduler(rr), IsOk());
}

TEST(SchedulerTest, ApplySetsPolicyAndNice) {
  Scheduler s;
  s.policy = "SCHED_BATCH";
  s.nice = 7;
  auto attr = prepare_scheduler(s);
  ASSERT_THAT(attr, IsOk());
  int code = child_exit_code([&] {
    if (!apply_scheduler(*attr).has_value()) return 1;
    if (::sched_getscheduler(0) != SCHED_BATCH) return 2;
    errno = 0;
    return ::getpriority(PRIO_PROCESS, 0) == 7 ? 0 : 3;
  });
  EXPECT_EQ(code, 0);
}

TEST(IoPriorityTest, PrepareAndApply) {
  IoPriority p;
  p.io_class = "IOPRIO_CLASS_BE";
  p.priority = 4;
  auto prio = prepare_io_priority(p);
  ASSERT_THAT(prio, IsOk());
  EXPECT_EQ(*prio, (2 << 13) | 4);
  int code = child_exit_code([&] {
    if (!apply_io_priority(*prio).has_value()) return 1;
    // ioprio_get(IOPRIO_WHO_PROCESS, 0)
    return ::syscall(SYS_ioprio_get, 1, 0) == ((2 << 13) | 4) ? 0 : 2;
  });
  EXPECT_EQ(code, 0);

  p.priority = 8;
  EXPECT_THAT(prepare_io_priority(p),
              ErrorMessageHas(".process.ioPriority.priority: 8 out of range"));
  p.priority = 1;
  p.io_class = "IOPRIO_CLASS_FAST";
  EXPECT_THAT(prepare_io_priority(p),
              ErrorMessageHas(R"(.process.ioPriority.class: unknown class "IOPRIO_CLASS_FAST")"));
}

TEST(OomScoreAdjTest, Range) {
  EXPECT_EQ(prepare_oom_score_adj(-1000).value_or(""), "-1000");
  EXPECT_EQ(prepare_oom_score_adj(500).value_or(""), "500");
  EXPECT_THAT(prepare_oom_score_adj(1001),
              ErrorMessageHas(".process.oomScoreAdj: 1001 out of range"));
  EXPECT_THAT(prepare_oom_score_adj(-1001), ErrorMessageHas("out of range"));
}

TEST(NoNewPrivilegesTest, ApplySetsTheBit) {
  int code = child_exit_code([] {
    if (!apply_no_new_privileges(false).has_value()) return 1;
    if (::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0) return 2;
    if (!apply_no_new_privileges(true).has_value()) return 3;
    return ::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 4;
  });
  EXPECT_EQ(code, 0);
}

}  // namespace
}  // namespace hull::container::security
