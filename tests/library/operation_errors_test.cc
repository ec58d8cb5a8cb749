// Errors of the library's operations carry one context frame, `<verb> "<id>": `, added by the
// library itself: an embedder reads what `hull` prints (the CLI adds no frame of its own).
// Real containers; the pid-file case also checks that a refused create leaves nothing behind.
// Checked to fail without the change: with in_operation adding no frame, every case fails; before
// it, create, exec, checkpoint and restore errors had no frame when called from the library.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include "container/container.h"
#include "tests/harness/harness.h"

namespace hull::testing {
namespace {

using container::Container;
using ::testing::IsEmpty;
using ::testing::StartsWith;

template <typename T>
std::string failure(const base::Result<T>& r) {
  return r.has_value() ? std::string("(succeeded)") : r.error().message();
}

class OperationErrorsTest : public ::testing::Test {
 protected:
  container::CreateOptions options(const std::string& name, const Bundle& b) const {
    container::CreateOptions o;
    o.root = m_root.path();
    o.id = unique_id("operr-" + name);
    o.bundle = b.dir();
    return o;
  }
  void TearDown() override {
    for (const auto& id : Container::list(m_root.path()).value_or(std::vector<std::string>{}))
      if (auto c = Container::load(m_root.path(), id); c.has_value()) (void)c->destroy(true);
    EXPECT_THAT(Container::list(m_root.path()).value_or(std::vector<std::string>{"?"}), IsEmpty());
    for (const auto& dir : cgroup_dirs()) EXPECT_EQ(dir.find("operr-"), std::string::npos) << dir;
  }

  TempDir m_root;
};

TEST_F(OperationErrorsTest, CreateRunAndRestoreNameTheirVerb) {
  Bundle b({"sleep", "100"});
  auto o = options("create", b);
  o.bundle = b.dir() + "/nonexistent";
  EXPECT_THAT(failure(Container::create(o)), StartsWith("create \"" + o.id + "\": "));

  Bundle missing({"nosuchcmd"});
  auto r = options("run", missing);
  EXPECT_EQ(failure(Container::run(r)),
            "run \"" + r.id + "\": exec: \"nosuchcmd\": executable file not found in $PATH");

  // A pid file that cannot be written: the container is destroyed, as runc does.
  auto p = options("pidfile", b);
  p.pid_file = b.dir() + "/nonexistent/pid";
  EXPECT_THAT(failure(Container::create(p)),
              StartsWith("create \"" + p.id + "\": writing pid file " + p.pid_file + ": "));
  EXPECT_THAT(Container::list(m_root.path()).value_or(std::vector<std::string>{"?"}), IsEmpty());

  container::RestoreOptions ro;
  ro.root = m_root.path();
  ro.id = unique_id("operr-restore");
  ro.bundle = b.dir();
  EXPECT_EQ(failure(Container::restore(ro)),
            "restore \"" + ro.id + "\": an image path is required");
}

TEST_F(OperationErrorsTest, OperationsOnAStoppedContainerNameTheirVerbOnce) {
  Bundle b({"sleep", "100"});
  auto o = options("stopped", b);
  o.keep_child = true;
  auto made = Container::run(o);
  ASSERT_TRUE(made.has_value()) << made.error().message();
  Container c = std::move(*made);
  sys::ChildProcess init = c.take_init();
  EXPECT_EQ(failure(c.destroy(false)), fmt::format("delete \"{}\": cannot delete container {} that "
                                                   "is not stopped: running",
                                                   o.id, o.id));
  ASSERT_EQ(::kill(init.pid(), SIGKILL), 0);
  ASSERT_TRUE(init.wait().has_value());

  const std::string f = "\"" + o.id + "\": ";
  EXPECT_EQ(failure(c.signal(SIGTERM, false)),
            "kill " + f + "container not running (it is stopped)");
  EXPECT_EQ(failure(c.pause()), "pause " + f + "container not running (it is stopped)");
  EXPECT_EQ(failure(c.resume()), "resume " + f + "container not paused (it is stopped)");
  EXPECT_EQ(failure(c.start()), "start " + f + "cannot start a container that has stopped");
  container::ExecOptions e;
  e.process.args = {"true"};
  EXPECT_EQ(failure(c.exec(e)), "exec " + f + "cannot exec in a stopped container");
  container::CheckpointOptions ck;
  ck.criu.image_path = b.dir() + "/img";
  EXPECT_EQ(failure(c.checkpoint(ck)), "checkpoint " + f + "container is stopped, not running");
  container::Resources res;
  res.pids_limit = 10;
  EXPECT_EQ(failure(c.update(res)), "update " + f + "container not running");
}

}  // namespace
}  // namespace hull::testing
