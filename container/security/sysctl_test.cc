#include "container/security/sysctl.h"

#include "base/testing/matchers.h"

namespace hull::container::security {
namespace {

using base::testing::ErrorMessageHas;
using base::testing::IsOk;

Linux with(std::vector<Namespace> namespaces) {
  Linux l;
  l.namespaces = std::move(namespaces);
  return l;
}

TEST(SysctlTest, Normalisation) {
  EXPECT_EQ(normalize_sysctl_key("net.ipv4.ip_forward"), "net.ipv4.ip_forward");
  EXPECT_EQ(normalize_sysctl_key("net/ipv4/conf/eth0.1/rp_filter"),
            "net.ipv4.conf.eth0/1.rp_filter");
  EXPECT_EQ(sysctl_proc_path("net/ipv4/conf/eth0.1/rp_filter"), "net/ipv4/conf/eth0.1/rp_filter");
  EXPECT_EQ(sysctl_proc_path("kernel.shmmax"), "kernel/shmmax");
}

TEST(SysctlTest, IpcKeysNeedAnIpcNamespace) {
  Linux ipc = with({{NamespaceType::Ipc, ""}});
  Linux none = with({});
  for (const char* key : {"kernel.msgmax", "kernel.sem", "kernel.shm_rmid_forced",
                          "fs.mqueue.msg_max", "kernel/shmmax"}) {
    EXPECT_THAT(validate_sysctl(key, ipc), IsOk()) << key;
    EXPECT_THAT(validate_sysctl(key, none), ErrorMessageHas("host's ipc namespace")) << key;
  }
}

TEST(SysctlTest, NetKeysNeedAnotherNetworkNamespace) {
  EXPECT_THAT(validate_sysctl("net.ipv4.ip_forward", with({{NamespaceType::Network, ""}})), IsOk());
  EXPECT_THAT(
      validate_sysctl("net.ipv4.ip_forward", with({})),
      ErrorMessageHas(
          R"(.linux.sysctl["net.ipv4.ip_forward"]: sysctl "net.ipv4.ip_forward" is not allowed in the host's network namespace)"));
  // Joining our own network namespace by path is the host's namespace too.
  EXPECT_THAT(
      validate_sysctl("net.core.somaxconn", with({{NamespaceType::Network, "/proc/self/ns/net"}})),
      ErrorMessageHas("host's network namespace"));
  EXPECT_THAT(
      validate_sysctl("net.core.somaxconn", with({{NamespaceType::Network, "/nonexistent/netns"}})),
      ErrorMessageHas("/nonexistent/netns"));
}

TEST(SysctlTest, UtsAndUserKeys) {
  Linux uts = with({{NamespaceType::Uts, ""}});
  EXPECT_THAT(validate_sysctl("kernel.domainname", uts), IsOk());
  EXPECT_THAT(validate_sysctl("kernel.hostname", uts), ErrorMessageHas("\"hostname\" field"));
  EXPECT_THAT(validate_sysctl("kernel.domainname", with({})),
              ErrorMessageHas("is not in a separate kernel namespace"));
  EXPECT_THAT(validate_sysctl("user.max_user_namespaces", with({{NamespaceType::User, ""}})),
              IsOk());
  EXPECT_THAT(validate_sysctl("user.max_user_namespaces", with({})),
              ErrorMessageHas("needs a user namespace"));
}

TEST(SysctlTest, HostKeysAreRefused) {
  Linux all = with({{NamespaceType::Ipc, ""},
                    {NamespaceType::Network, ""},
                    {NamespaceType::Uts, ""},
                    {NamespaceType::User, ""}});
  EXPECT_THAT(
      validate_sysctl("kernel.panic", all),
      ErrorMessageHas(
          R"(.linux.sysctl["kernel.panic"]: sysctl "kernel.panic" is not in a separate kernel namespace)"));
  EXPECT_THAT(validate_sysctl("vm.overcommit_memory", all),
              ErrorMessageHas("vm.overcommit_memory"));
  EXPECT_THAT(validate_sysctl("net..ipv4", all), ErrorMessageHas("is not a valid sysctl name"));
  EXPECT_THAT(validate_sysctl("net.ipv4.", all), ErrorMessageHas("is not a valid sysctl name"));
  EXPECT_THAT(validate_sysctl("", all), ErrorMessageHas("is not a valid sysctl name"));
  all.sysctl = {{"net.ipv4.ip_forward", "1"}, {"kernel.panic", "1"}};
  EXPECT_THAT(validate_sysctls(all), ErrorMessageHas("kernel.panic"));
}

}  // namespace
}  // namespace hull::container::security
