// hull's Container library from another workspace: a real container created, started, waited for
// and deleted through //container, so the init program hull carries inside itself is built and
// run from here too. Needs root (tag no-sandbox); a non-root run skips.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "container/config.h"
#include "container/container.h"

namespace {

namespace fs = std::filesystem;

TEST(ConsumerContainer, RunsABusyboxContainer) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  if (!fs::exists("/bin/busybox")) GTEST_SKIP() << "needs busybox-static";
  char tmpl[] = "/tmp/hull-consumer-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  fs::path dir = tmpl;
  fs::create_directories(dir / "bundle/rootfs/bin");
  for (const char* d : {"proc", "sys", "dev", "tmp"})
    fs::create_directories(dir / "bundle/rootfs" / d);
  fs::copy_file("/bin/busybox", dir / "bundle/rootfs/bin/busybox");
  // The default spec, with a process that says where it runs and exits 3.
  std::string spec = hull::container::default_spec_json(false);
  std::string from = "\"sh\"", to = "\"/bin/busybox\", \"sh\", \"-c\", \"[ $$ = 1 ] && exit 3\"";
  spec.replace(spec.find(from), from.size(), to);
  spec.replace(spec.find("\"terminal\": true"), 16, "\"terminal\": false");
  std::ofstream(dir / "bundle/config.json") << spec;

  hull::container::CreateOptions o;
  o.root = (dir / "state").string();
  o.id = "consumer-" + std::to_string(::getpid());
  o.bundle = (dir / "bundle").string();
  o.keep_child = true;
  auto c = hull::container::Container::create(o);
  ASSERT_TRUE(c.has_value()) << c.error().message();
  auto started = c->start();
  ASSERT_TRUE(started.has_value()) << started.error().message();
  auto init = c->take_init();
  auto status = init.wait();
  ASSERT_TRUE(status.has_value()) << status.error().message();
  EXPECT_EQ(status->code, 3);  // pid 1 of its own pid namespace
  auto destroyed = c->destroy(true);
  EXPECT_TRUE(destroyed.has_value()) << destroyed.error().message();
  EXPECT_FALSE(fs::exists(dir / "state" / o.id));
  fs::remove_all(dir);
}

}  // namespace
