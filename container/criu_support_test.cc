#include "container/criu_support.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sched.h>

#include "base/testing/matchers.h"

namespace hull::container {
namespace {

using base::ErrorKind;
using base::testing::ErrorMessageHas;
using base::testing::FailedWith;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

auto Ext(const std::string& key, const std::string& value) {
  return ::testing::AllOf(Field(&criu::ExtMount::key, key), Field(&criu::ExtMount::value, value));
}

Config config_with(const std::string& json) {
  auto c = parse_config(json);
  EXPECT_TRUE(c.has_value()) << (c.has_value() ? "" : c.error().message());
  return c.has_value() ? std::move(*c) : Config{};
}

constexpr const char* kMounts = R"({
  "ociVersion": "1.0.2",
  "root": {"path": "rootfs"},
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/data//", "type": "bind", "source": "/srv/data", "options": ["rbind"]},
    {"destination": "/etc/hosts", "type": "none", "source": "hosts", "options": ["bind", "ro"]},
    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"},
    {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup"}
  ],
  "linux": {"maskedPaths": ["/proc/kcore", "/proc/acpi"],
            "devices": [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229}]}
})";

TEST(CleanContainerPath, CollapsesSlashesAndDots) {
  EXPECT_EQ(clean_container_path("/data//x/"), "/data/x");
  EXPECT_EQ(clean_container_path("a/./b"), "/a/b");
  EXPECT_EQ(clean_container_path("/"), "/");
}

TEST(ExternalMounts, DumpNamesBindsDevicesAndMaskedFiles) {
  Config cfg = config_with(kMounts);
  ExternalMountInput in;
  in.config = &cfg;
  in.bundle = "/b";
  in.cgroup_ns = true;
  in.masked_files = {"/proc/kcore"};
  EXPECT_THAT(dump_external_mounts(in),
              ElementsAre(Ext("/data", "/data"), Ext("/etc/hosts", "/etc/hosts"),
                          Ext("/dev/fuse", "/dev/fuse"), Ext("/proc/kcore", "/dev/null")));
}

TEST(ExternalMounts, RestoreMapsToHostSourcesRelativeToTheBundle) {
  Config cfg = config_with(kMounts);
  ExternalMountInput in;
  in.config = &cfg;
  in.bundle = "/b";
  in.cgroup_ns = true;
  EXPECT_THAT(restore_external_mounts(in),
              ElementsAre(Ext("/data", "/srv/data"), Ext("/etc/hosts", "/b/hosts"),
                          Ext("/dev/fuse", "/dev/fuse"), Ext("/dev/null", "/dev/null")));
}

TEST(ExternalMounts, CgroupV1WithoutNamespaceBindsEachHierarchy) {
  Config cfg = config_with(kMounts);
  ExternalMountInput in;
  in.config = &cfg;
  in.cgroup_ns = false;
  in.layout.v1 = {{"cpu", "/sys/fs/cgroup/cpu,cpuacct"},
                  {"cpuacct", "/sys/fs/cgroup/cpu,cpuacct"},
                  {"memory", "/sys/fs/cgroup/memory"}};
  in.layout.unified = "/sys/fs/cgroup/unified";
  in.cgroup_paths = {{"cpu", "/sys/fs/cgroup/cpu,cpuacct/hull/x"},
                     {"memory", "/sys/fs/cgroup/memory/hull/x"},
                     {"", "/sys/fs/cgroup/unified/hull/x"}};
  auto mounts = restore_external_mounts(in);
  EXPECT_THAT(std::vector<criu::ExtMount>(mounts.begin() + 2, mounts.begin() + 5),
              ElementsAre(Ext("/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/cpu,cpuacct/hull/x"),
                          Ext("/sys/fs/cgroup/memory", "/sys/fs/cgroup/memory/hull/x"),
                          Ext("/sys/fs/cgroup/unified", "/sys/fs/cgroup/unified/hull/x")));
}

TEST(ExternalMounts, UserNamespaceAddsTheBoundDefaultDevicesOnce) {
  Config cfg = config_with(R"({"ociVersion": "1.0.2", "root": {"path": "r"},
                               "linux": {"devices": [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3}]}})");
  ExternalMountInput in;
  in.config = &cfg;
  in.user_ns = true;
  auto mounts = dump_external_mounts(in);
  ASSERT_EQ(mounts.size(), 6u);
  EXPECT_EQ(mounts[0].key, "/dev/null");
  EXPECT_EQ(mounts[1].key, "/dev/zero");
}

// The keys are the mount points the destinations resolve to; restore keeps the host sources.
TEST(ExternalMounts, KeysAreTheResolvedMountPoints) {
  Config cfg = config_with(kMounts);
  ExternalMountInput in;
  in.config = &cfg;
  in.bundle = "/b";
  in.cgroup_ns = true;
  in.masked_files = {"/proc/kcore"};
  in.mount_point = [](const std::string& dest) {
    return dest == "/data" ? std::string("/srv/data/") : dest;
  };
  EXPECT_THAT(dump_external_mounts(in),
              ElementsAre(Ext("/srv/data", "/srv/data"), Ext("/etc/hosts", "/etc/hosts"),
                          Ext("/dev/fuse", "/dev/fuse"), Ext("/proc/kcore", "/dev/null")));
  EXPECT_THAT(restore_external_mounts(in),
              ElementsAre(Ext("/srv/data", "/srv/data"), Ext("/etc/hosts", "/b/hosts"),
                          Ext("/dev/fuse", "/dev/fuse"), Ext("/dev/null", "/dev/null")));
}

TEST(ExternalMounts, NoMountsNoEntries) {
  Config cfg = config_with(R"({"ociVersion": "1.0.2", "root": {"path": "r"}})");
  ExternalMountInput in;
  in.config = &cfg;
  in.cgroup_ns = true;
  EXPECT_THAT(dump_external_mounts(in), IsEmpty());
  EXPECT_THAT(restore_external_mounts(in), IsEmpty());
}

TEST(Descriptors, RoundTripAndErrors) {
  std::vector<std::string> fds = {"/dev/null", "pipe:[123]", "/tmp/a \"b\""};
  std::string json = descriptors_json(fds);
  EXPECT_EQ(json, R"(["/dev/null","pipe:[123]","/tmp/a \"b\""])");
  auto back = parse_descriptors(json, "d.json");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, fds);
  EXPECT_THAT(parse_descriptors("{}", "/img/descriptors.json"),
              FailedWith(ErrorKind::InvalidArgument));
  EXPECT_THAT(parse_descriptors("[1]", "/img/descriptors.json"),
              ErrorMessageHas("/img/descriptors.json: not a JSON array of strings"));
}

// runc's rule: the annotation names the file, an empty one names none, none means runc.conf.
TEST(CriuConfigFile, AnnotationEmptyAnnotationOrDefault) {
  Config cfg = config_with(R"({"ociVersion": "1.0.2", "root": {"path": "r"}})");
  EXPECT_EQ(criu_config_file(cfg), "/etc/criu/runc.conf");
  cfg.annotations["org.criu.config"] = "/b/criu.conf";
  EXPECT_EQ(criu_config_file(cfg), "/b/criu.conf");
  cfg.annotations["org.criu.config"] = "";
  EXPECT_EQ(criu_config_file(cfg), "");
}

TEST(CgroupModeFlag, EmptyIsUnsetOthersParse) {
  auto unset = cgroup_mode_flag("");
  ASSERT_TRUE(unset.has_value());
  EXPECT_EQ(*unset, criu::CgroupMode::Unset);
  auto soft = cgroup_mode_flag("soft");
  ASSERT_TRUE(soft.has_value());
  EXPECT_EQ(*soft, criu::CgroupMode::Soft);
  EXPECT_THAT(cgroup_mode_flag("bogus"), FailedWith(ErrorKind::InvalidArgument));
}

// The options checkpoint and restore share become criu's request in this one place.
TEST(CriuRequest, SharedOptionsMapOntoCriusRequest) {
  CriuCommonOptions o;
  o.image_path = "/img";
  o.tcp_established = true;
  o.ext_unix_sk = true;
  o.shell_job = true;
  o.file_locks = true;
  o.lazy_pages = true;
  o.manage_cgroups_mode = "full";
  o.empty_ns = CLONE_NEWNET;
  auto co = criu_request(o);
  ASSERT_TRUE(co.has_value()) << co.error().message();
  EXPECT_TRUE(co->tcp_established && co->ext_unix_sk && co->shell_job && co->file_locks);
  EXPECT_TRUE(co->lazy_pages);
  EXPECT_EQ(co->manage_cgroups_mode, criu::CgroupMode::Full);
  EXPECT_EQ(co->empty_ns, static_cast<uint32_t>(CLONE_NEWNET));
  EXPECT_TRUE(co->orphan_pts_master);
  // Directories are opened later; nothing else is set.
  EXPECT_EQ(co->images_dir_fd, -1);
  EXPECT_FALSE(co->leave_running || co->auto_dedup || co->track_mem);

  CriuCommonOptions defaults;
  defaults.image_path = "/img";
  auto plain = criu_request(defaults);
  ASSERT_TRUE(plain.has_value());
  EXPECT_FALSE(plain->tcp_established || plain->lazy_pages || plain->shell_job);
  EXPECT_EQ(plain->manage_cgroups_mode, criu::CgroupMode::Unset);
}

TEST(CriuRequest, BadSharedOptionsAreRefusedBeforeCriuRuns) {
  EXPECT_THAT(criu_request(CriuCommonOptions{}), ErrorMessageHas("an image path is required"));
  CriuCommonOptions o;
  o.image_path = "/img";
  o.empty_ns = CLONE_NEWPID;
  EXPECT_THAT(criu_request(o), ErrorMessageHas("--empty-ns: only the network namespace"));
  o.empty_ns = 0;
  o.manage_cgroups_mode = "bogus";
  EXPECT_THAT(criu_request(o), FailedWith(ErrorKind::InvalidArgument));
}

}  // namespace
}  // namespace hull::container
