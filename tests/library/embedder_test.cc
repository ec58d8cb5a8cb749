// hull as a library inside a multithreaded program, as an engine embedding //container would use
// it: containers are created, started, waited for and destroyed from several threads at once,
// while other threads keep malloc's locks busy, and the caller's process state (working
// directory, namespaces, signal dispositions, umask, CPU affinity) is left exactly as it was.
//
// The children hull starts run nothing but system calls until they execute (STYLE §8, sys/child.h),
// so no lock another thread held at the clone can block them; this runs that under load, with a
// watchdog for a deadlock. Checked to fail: with create chdir'ing into the bundle, the state
// comparison fails; with the hook's stdin written by a plain write, the test dies of SIGPIPE.
#include <fcntl.h>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "container/container.h"
#include "tests/harness/harness.h"

namespace hull::testing {
namespace {

// Everything about the calling process that hull must not change.
struct ProcessState {
  std::string cwd;
  std::map<std::string, std::string> namespaces;
  std::vector<std::pair<uintptr_t, int>> dispositions;  // handler, flags per signal
  mode_t umask = 0;
  std::string affinity;
  bool operator==(const ProcessState&) const = default;
};

ProcessState snapshot() {
  ProcessState s;
  char buf[4096];
  if (::getcwd(buf, sizeof buf) != nullptr) s.cwd = buf;
  for (const char* ns : {"cgroup", "ipc", "mnt", "net", "pid", "pid_for_children", "time",
                         "time_for_children", "user", "uts"}) {
    ssize_t n = ::readlink(fmt::format("/proc/self/ns/{}", ns).c_str(), buf, sizeof buf);
    s.namespaces[ns] = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "?";
  }
  for (int sig = 1; sig < NSIG; ++sig) {
    struct sigaction sa {};
    ::sigaction(sig, nullptr, &sa);
    s.dispositions.emplace_back(reinterpret_cast<uintptr_t>(sa.sa_handler), sa.sa_flags);
  }
  s.umask = ::umask(022);
  ::umask(s.umask);
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  ::sched_getaffinity(0, sizeof cpus, &cpus);
  for (size_t c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &cpus)) s.affinity += fmt::format("{},", c);
  return s;
}

TEST(EmbedderTest, ContainersFromManyThreadsLeaveTheCallerAsItWas) {
  // A bundle whose prestart hook leaves its stdin unread while the state is larger than a pipe:
  // the write ends in EPIPE, which must not become a SIGPIPE for this process.
  Bundle plain({"/bin/sh", "-c", "exit 7"});
  plain.edit(
      "c['annotations'] = {'big': 'x' * 200000}\n"
      "c['hooks'] = {'prestart': [{'path': '/bin/true'}]}");
  // One in a time namespace with offsets and a joined network namespace: the launcher's helper.
  Bundle timens({"/bin/sh", "-c", "exit 7"});
  timens.edit(
      edits::drop_namespace("network") +
      fmt::format(
          "c['linux']['namespaces'].append({{'type': 'time'}})\n"
          "c['linux']['timeOffsets'] = {{'monotonic': {{'secs': 1000, 'nanosecs': 0}}}}\n"
          "c['linux']['namespaces'].append({{'type': 'network', 'path': '/proc/{}/ns/net'}})",
          ::getpid()));
  TempDir root;
  ::signal(SIGPIPE, SIG_DFL);
  ProcessState before = snapshot();

  std::atomic<bool> stop{false};
  std::vector<std::thread> noise;
  for (int t = 0; t < 3; ++t) {
    noise.emplace_back([&stop, t] {
      std::vector<std::string> keep;
      for (uint64_t i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        keep.push_back(fmt::format("noise {} {} {}", t, i, std::string(i % 4096, 'x')));
        if (keep.size() > 64) keep.clear();
      }
    });
  }
  std::vector<std::string> errors;
  std::mutex errors_mu;
  auto work = [&](int w) {
    for (int i = 0; i < (w < 0 ? 1 : 3); ++i) {
      container::CreateOptions o;
      o.root = root.path();
      o.id = fmt::format("emb-{}-{}-{}", ::getpid(), w + 1, i);
      o.bundle = (w % 2 == 0 ? plain : timens).dir();
      o.keep_child = true;
      auto report = [&](const std::string& what, const base::Error& e) {
        std::lock_guard<std::mutex> lock(errors_mu);
        errors.push_back(fmt::format("{} {}: {}", what, o.id, e.message()));
      };
      auto c = container::Container::create(o);
      if (!c.has_value()) {
        report("create", c.error());
        continue;
      }
      if (auto r = c->start(); !r.has_value()) report("start", r.error());
      sys::ChildProcess init = c->take_init();
      auto st = init.wait();
      if (!st.has_value())
        report("wait", st.error());
      else if (st->code != 7)
        report("exit", base::Error::invalid(fmt::format("code {}", st->code)));
      if (auto r = c->destroy(true); !r.has_value()) report("destroy", r.error());
    }
  };
  // The first create makes hull-init's sealed copy, which the library keeps for the process.
  work(-1);
  int fds_before = open_fd_count();
  auto all = std::async(std::launch::async, [&] {
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; ++w) workers.emplace_back(work, w);
    for (auto& t : workers) t.join();
  });
  bool finished = all.wait_for(std::chrono::seconds(150)) == std::future_status::ready;
  stop = true;
  for (auto& t : noise) t.join();
  if (!finished) {
    ADD_FAILURE() << "containers from threads did not finish in 150 s: a deadlocked child?";
    std::abort();  // the workers are stuck; nothing to clean up from here
  }
  EXPECT_THAT(errors, ::testing::IsEmpty());
  EXPECT_EQ(snapshot(), before) << "hull changed its caller's process state";
  EXPECT_EQ(open_fd_count(), fds_before);
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1) << "a child was left to reap";
  const std::string mine = fmt::format("/emb-{}-", ::getpid());
  for (const auto& dir : cgroup_dirs()) EXPECT_EQ(dir.find(mine), std::string::npos) << dir;
}

}  // namespace
}  // namespace hull::testing
