#include "base/error.h"

#include <gmock/gmock.h>

#include <cerrno>
#include <type_traits>

namespace hull::base {
namespace {

static_assert(!std::is_copy_constructible_v<Error>);
static_assert(std::is_nothrow_move_constructible_v<Error> || std::is_move_constructible_v<Error>);

TEST(ErrorTest, SysErrorNamesCallSubjectAndErrno) {
  auto e = Error::from_errno(EACCES, "mount proc on", "/run/x/rootfs/proc");
  EXPECT_EQ(e.kind(), ErrorKind::Sys);
  EXPECT_EQ(e.errno_code(), EACCES);
  EXPECT_EQ(e.message(), "mount proc on /run/x/rootfs/proc: Permission denied (EACCES)");
}

TEST(ErrorTest, ContextFramesPrintNewestFirst) {
  auto e = Error::from_errno(EACCES, "mount proc on", "/run/x/rootfs/proc")
               .context("preparing rootfs")
               .context("create \"web\"");
  EXPECT_EQ(e.message(),
            "create \"web\": preparing rootfs: mount proc on /run/x/rootfs/proc: Permission "
            "denied (EACCES)");
  EXPECT_EQ(e.cause(), "mount proc on /run/x/rootfs/proc: Permission denied (EACCES)");
}

TEST(ErrorTest, PlainErrorsCarryKindAndDetail) {
  auto e = Error::invalid(".process.args[2]: expected string, got number").context("config.json");
  EXPECT_EQ(e.kind(), ErrorKind::InvalidArgument);
  EXPECT_EQ(e.errno_code(), 0);
  EXPECT_EQ(e.message(), "config.json: .process.args[2]: expected string, got number");
}

TEST(ErrorTest, FmtFormatsTheMessage) {
  auto e = Error::not_found("container \"x\" does not exist");
  EXPECT_EQ(fmt::format("{}", e), "container \"x\" does not exist");
}

TEST(ErrorTest, CloneIsIndependent) {
  auto e = Error::from_errno(ENOENT, "open", "/a");
  auto c = e.clone();
  e.context("outer");
  EXPECT_EQ(c.message(), "open /a: No such file or directory (ENOENT)");
  EXPECT_EQ(e.message(), "outer: open /a: No such file or directory (ENOENT)");
}

TEST(ErrorTest, ARecordRebuildsKindErrnoAndFrames) {
  auto e =
      Error::from_errno(EACCES, "mount proc on", "/proc").context(".mounts[2]").context("init");
  Error back = Error::from_record(e.record());
  EXPECT_EQ(back.kind(), ErrorKind::Sys);
  EXPECT_EQ(back.errno_code(), EACCES);
  EXPECT_EQ(back.message(), e.message());
  ErrorRecord odd = Error::invalid("x").record();
  odd.kind = static_cast<ErrorKind>(99);  // from a confused peer
  EXPECT_EQ(Error::from_record(std::move(odd)).kind(), ErrorKind::Protocol);
}

TEST(ErrorTest, ErrnoNames) {
  EXPECT_EQ(errno_name(ENOENT), "ENOENT");
  EXPECT_EQ(errno_name(EPERM), "EPERM");
  EXPECT_EQ(errno_name(100000), "E100000");
}

}  // namespace
}  // namespace hull::base
