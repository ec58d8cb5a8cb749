#include "sys/socket.h"

#include <errno.h>
#include <gmock/gmock.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "base/testing/matchers.h"
#include "sys/file.h"

namespace hull::sys {
namespace {

using base::testing::FailedWithErrno;
using base::testing::IsOk;

class SocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hull-socket-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    m_dir = tmpl;
  }
  void TearDown() override { ASSERT_THAT(remove_tree(m_dir), IsOk()); }
  std::string m_dir;
};

TEST_F(SocketTest, ListenAndConnectOnAShortPath) {
  std::string path = m_dir + "/s.sock";
  auto listener = unix_listen(path, SOCK_SEQPACKET);
  ASSERT_THAT(listener, IsOk());
  auto client = unix_connect(path, SOCK_SEQPACKET);
  ASSERT_THAT(client, IsOk());
  EXPECT_THAT(accept(*listener, path), IsOk());
}

// Docker's state paths (<exec-root>/runtime-runc/moby/<64 hex>/exec.sock) exceed sun_path.
TEST_F(SocketTest, ListenAndConnectBeyondSunPathThroughTheDirectory) {
  std::string dir = m_dir + "/" + std::string(64, 'a') + "/" + std::string(64, 'b');
  ASSERT_THAT(mkdir_all(dir, 0700), IsOk());
  std::string path = dir + "/exec.sock";
  ASSERT_GT(path.size(), 108u);
  auto listener = unix_listen(path, SOCK_SEQPACKET);
  ASSERT_THAT(listener, IsOk());
  EXPECT_EQ(::access(path.c_str(), F_OK), 0) << "the socket is bound at its real path";
  auto client = unix_connect(path, SOCK_SEQPACKET);
  ASSERT_THAT(client, IsOk());
  EXPECT_THAT(accept(*listener, path), IsOk());
}

TEST_F(SocketTest, NameTooLongForAnyAddressFails) {
  EXPECT_THAT(unix_listen(m_dir + "/" + std::string(120, 'c'), SOCK_STREAM),
              FailedWithErrno(ENAMETOOLONG));
  EXPECT_THAT(
      unix_connect(m_dir + "/missing/" + std::string(20, 'd') + std::string(100, 'e'), SOCK_STREAM),
      FailedWithErrno(ENAMETOOLONG));
}

}  // namespace
}  // namespace hull::sys

namespace hull::sys {
namespace {

// The init protocol's failure path: the child exits after its error record without reading what
// the parent sent; the kernel reports ECONNRESET first, and the record must still arrive.
TEST(SocketResetTest, LastRecordOfAPeerThatClosedWithUnreadDataArrives) {
  auto pair = socketpair(SOCK_SEQPACKET);
  ASSERT_THAT(pair, IsOk());
  ASSERT_THAT(write_all(pair->first, "unread by the peer", "parent"), IsOk());
  ASSERT_THAT(write_all(pair->second, "E: it failed", "child"), IsOk());
  pair->second.reset();
  auto got = recv_with_fds(pair->first, 4096, "parent");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->data, "E: it failed");
}

TEST(SocketResetTest, ResetWithoutARecordIsEndOfFile) {
  auto pair = socketpair(SOCK_SEQPACKET);
  ASSERT_THAT(pair, IsOk());
  ASSERT_THAT(write_all(pair->first, "unread by the peer", "parent"), IsOk());
  pair->second.reset();
  auto got = recv_with_fds(pair->first, 4096, "parent");
  ASSERT_THAT(got, IsOk());
  EXPECT_TRUE(got->data.empty());
}

}  // namespace
}  // namespace hull::sys
