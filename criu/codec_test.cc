// Pure tests of the wire conversion, the error mapping and the small parsers. No criu runs here.
#include "criu/internal/codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sched.h>

#include "base/testing/matchers.h"
#include "criu/criu.h"
#include "criu/criu_client.h"
#include "criu/internal/rpc.pb.h"

namespace hull::criu {
namespace {

using base::ErrorKind;
using base::testing::ErrorMessageHas;
using base::testing::FailedWith;
using base::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

criu_req parse_request(const std::string& bytes) {
  criu_req pb;
  EXPECT_TRUE(pb.ParseFromString(bytes));
  return pb;
}

TEST(EncodeRequestTest, DumpCarriesEveryOption) {
  CriuOptions o;
  o.images_dir_fd = 7;
  o.work_dir_fd = 8;
  o.pid = 4242;
  o.leave_running = true;
  o.tcp_established = true;
  o.shell_job = true;
  o.manage_cgroups_mode = CgroupMode::Strict;
  o.ext_mounts = {{"/etc/hosts", "/etc/hosts"}};
  o.external = {"mnt[/data]:data"};
  o.cgroup_roots = {{"", "/hull/abc"}};
  o.parent_img = "../pre-1";
  o.page_server = PageServer{"10.0.0.2", 27};
  o.empty_ns = CLONE_NEWNET;
  Request req;
  req.type = RequestType::Dump;
  req.opts = &o;
  req.notify_scripts = true;
  criu_req pb = parse_request(internal::encode_request(req));
  EXPECT_EQ(pb.type(), DUMP);
  const criu_opts& opts = pb.opts();
  EXPECT_EQ(opts.images_dir_fd(), 7);
  EXPECT_EQ(opts.work_dir_fd(), 8);
  EXPECT_EQ(opts.pid(), 4242);
  EXPECT_TRUE(opts.leave_running());
  EXPECT_TRUE(opts.tcp_established());
  EXPECT_TRUE(opts.shell_job());
  EXPECT_FALSE(opts.has_file_locks());
  EXPECT_TRUE(opts.notify_scripts());
  EXPECT_EQ(opts.manage_cgroups_mode(), STRICT);
  ASSERT_EQ(opts.ext_mnt_size(), 1);
  EXPECT_EQ(opts.ext_mnt(0).key(), "/etc/hosts");
  EXPECT_THAT(opts.external(), ElementsAre("mnt[/data]:data"));
  ASSERT_EQ(opts.cg_root_size(), 1);
  EXPECT_FALSE(opts.cg_root(0).has_ctrl());
  EXPECT_EQ(opts.cg_root(0).path(), "/hull/abc");
  EXPECT_EQ(opts.parent_img(), "../pre-1");
  EXPECT_EQ(opts.ps().address(), "10.0.0.2");
  EXPECT_EQ(opts.ps().port(), 27);
  EXPECT_EQ(opts.empty_ns(), static_cast<uint32_t>(CLONE_NEWNET));
  EXPECT_EQ(opts.log_file(), "dump.log");
  EXPECT_EQ(opts.log_level(), 4);
  // rst_sibling is rejected by criu outside restore.
  EXPECT_FALSE(opts.has_rst_sibling());
}

TEST(EncodeRequestTest, RestoreNumbersInheritedFdsFromFour) {
  CriuOptions o;
  o.images_dir_fd = 5;
  o.inherit_fds = {{"pipe:[100]", 40}, {"pipe:[101]", 41}};
  o.root = "/run/hull/abc/criu-root";
  Request req;
  req.type = RequestType::Restore;
  req.opts = &o;
  criu_req pb = parse_request(internal::encode_request(req));
  EXPECT_EQ(pb.type(), RESTORE);
  ASSERT_EQ(pb.opts().inherit_fd_size(), 2);
  EXPECT_EQ(pb.opts().inherit_fd(0).key(), "pipe:[100]");
  EXPECT_EQ(pb.opts().inherit_fd(0).fd(), kFirstInheritedFd);
  EXPECT_EQ(pb.opts().inherit_fd(1).fd(), kFirstInheritedFd + 1);
  EXPECT_TRUE(pb.opts().rst_sibling());
  EXPECT_EQ(pb.opts().root(), "/run/hull/abc/criu-root");
  EXPECT_EQ(pb.opts().log_file(), "restore.log");
  EXPECT_FALSE(pb.opts().has_notify_scripts());
}

TEST(EncodeRequestTest, VersionAndNotifyReplyHaveNoOptions) {
  Request version;
  version.type = RequestType::Version;
  criu_req pb = parse_request(internal::encode_request(version));
  EXPECT_EQ(pb.type(), VERSION);
  EXPECT_FALSE(pb.has_opts());

  Request reply;
  reply.type = RequestType::Notify;
  reply.notify_success = true;
  pb = parse_request(internal::encode_request(reply));
  EXPECT_EQ(pb.type(), NOTIFY);
  EXPECT_TRUE(pb.notify_success());
  EXPECT_FALSE(pb.has_opts());
}

TEST(EncodeRequestTest, FeatureCheckAsksOnlyForTheNamedFeature) {
  Request req;
  req.type = RequestType::FeatureCheck;
  req.features = Features{.mem_track = true};
  criu_req pb = parse_request(internal::encode_request(req));
  EXPECT_TRUE(pb.features().mem_track());
  EXPECT_FALSE(pb.features().lazy_pages());
}

TEST(DecodeResponseTest, RoundTripsEveryField) {
  Response r;
  r.type = RequestType::Restore;
  r.success = true;
  r.restored_pid = 1234;
  r.cr_errno = 0;
  r.notify = Notify{"post-restore", 1234};
  r.features = Features{true, false, true};
  r.version = Version{4, 1, 1, "v4.1.1"};
  r.status = 9;
  r.dump_restored = false;
  auto back = internal::decode_response(internal::encode_response(r));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, r);
}

TEST(DecodeResponseTest, ReadsCriusFailureFields) {
  criu_resp pb;
  pb.set_type(DUMP);
  pb.set_success(false);
  pb.set_cr_errno(ESRCH);
  pb.set_cr_errmsg("Can't seize 99: No such process");
  auto r = internal::decode_response(pb.SerializeAsString());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->type, RequestType::Dump);
  EXPECT_FALSE(r->success);
  EXPECT_EQ(r->cr_errno, ESRCH);
  EXPECT_EQ(r->cr_errmsg, "Can't seize 99: No such process");
}

// Malformed packets are a real fault class that cannot be provoked from a working criu, so they
// are crafted here.
TEST(DecodeResponseTest, GarbageIsAProtocolErrorNamingTheSize) {
  auto r = internal::decode_response(std::string("\xff\xff\xff\xff\x0f", 5));
  EXPECT_THAT(r, FailedWith(ErrorKind::Protocol));
  EXPECT_THAT(r, ErrorMessageHas("malformed criu response (5 bytes)"));
}

TEST(DecodeResponseTest, MissingRequiredFieldsAreRejected) {
  criu_resp pb;
  pb.set_type(DUMP);  // success (required) missing
  auto r = internal::decode_response(pb.SerializePartialAsString());
  EXPECT_THAT(r, FailedWith(ErrorKind::Protocol));
  EXPECT_THAT(r, ErrorMessageHas("(2 bytes): missing success"));
  EXPECT_THAT(internal::decode_response(""), FailedWith(ErrorKind::Protocol));
  EXPECT_THAT(internal::decode_response(""), ErrorMessageHas("missing type, success"));
  // Nested required fields too.
  criu_resp restored;
  restored.set_type(RESTORE);
  restored.set_success(true);
  restored.mutable_restore();  // pid (required) missing
  EXPECT_THAT(internal::decode_response(restored.SerializePartialAsString()),
              ErrorMessageHas("missing restore.pid"));
}

TEST(DecodeResponseTest, UnknownTypeIsRejected) {
  // Field 1 (type, varint) = 99, field 2 (success) = 1.
  std::string bytes = {0x08, 99, 0x10, 0x01};
  EXPECT_THAT(internal::decode_response(bytes), FailedWith(ErrorKind::Protocol));
}

TEST(CheckResponseTest, FailureNamesErrnoMessageAndLog) {
  Response r;
  r.type = RequestType::Restore;
  r.success = false;
  r.cr_errno = ENOENT;
  r.cr_errmsg = "Can't open inventory";
  auto e = check_response(r, RequestType::Restore, "see /tmp/img/restore.log");
  EXPECT_THAT(e, FailedWith(ErrorKind::Child));
  EXPECT_THAT(e, ErrorMessageHas("criu RESTORE failed: errno 2 (ENOENT): Can't open inventory; see "
                                 "/tmp/img/restore.log"));
}

TEST(CheckResponseTest, AddsTheLastLoggedErrorWhenItDiffers) {
  Response r;
  r.type = RequestType::Dump;
  r.success = false;
  r.cr_errmsg = "Error (criu/util.c:1533): rlimit: Can't setup RLIMIT_NOFILE\n";
  auto e = check_response(r, RequestType::Dump, "see x/dump.log", "Unable to detach from 7");
  EXPECT_THAT(e, ErrorMessageHas("criu DUMP failed: rlimit: Can't setup RLIMIT_NOFILE; last error: "
                                 "Unable to detach from 7; see x/dump.log"));
}

TEST(LastLogErrorTest, SkipsTheFailedSummary) {
  std::string log =
      "(00.01) Error (criu/util.c:1533): rlimit: noise\n"
      "(00.02) Warn  (criu/seize.c:63): Failed to open /proc/9/comm\n"
      "(00.03) Error (compel/src/lib/infect.c:418): Unable to detach from 9: No such process\n"
      "(00.04) Error (criu/cr-dump.c:2111): Dumping FAILED.\n";
  EXPECT_EQ(last_log_error(log), "Unable to detach from 9: No such process");
  EXPECT_EQ(last_log_error("(00.01) Info: all good\n"), "");
}

TEST(CheckResponseTest, RejectedRequestSaysWhatCriuAnswered) {
  Response r;
  r.type = RequestType::Empty;
  r.success = false;
  auto e = check_response(r, RequestType::Version, "");
  EXPECT_THAT(e, ErrorMessageHas("criu VERSION failed (criu answered EMPTY)"));
  r.success = true;
  EXPECT_THAT(check_response(r, RequestType::Version, ""), IsOk());
}

TEST(VersionTest, ParsesCriuDashV) {
  auto v = parse_version_output("Version: 3.17.1\nGitID: v3.17.1-1-gabc\n");
  ASSERT_THAT(v, IsOk());
  EXPECT_EQ(*v, (Version{3, 17, 1, "v3.17.1-1-gabc"}));
  EXPECT_EQ(v->number(), 31701);
  EXPECT_EQ(v->to_string(), "3.17.1");
  auto two = parse_version_output("Version: 3.19\n");
  ASSERT_THAT(two, IsOk());
  EXPECT_EQ(two->to_string(), "3.19");
  EXPECT_LT(v->number(), two->number());
}

TEST(VersionTest, RejectsOutputWithoutAVersion) {
  EXPECT_THAT(parse_version_output("criu: command not found\n"),
              ErrorMessageHas("no \"Version:\""));
  EXPECT_THAT(parse_version_output("Version: x.y\n"), ErrorMessageHas("cannot parse"));
  EXPECT_THAT(parse_version_output("Version: 3\n"), FailedWith(ErrorKind::Protocol));
}

TEST(CgroupModeTest, ParsesRuncNames) {
  auto m = parse_cgroup_mode("strict");
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(*m, CgroupMode::Strict);
  EXPECT_THAT(parse_cgroup_mode("hard"), FailedWith(ErrorKind::InvalidArgument));
  EXPECT_THAT(parse_cgroup_mode("soft"), Not(FailedWith(ErrorKind::InvalidArgument)));
}

TEST(RequestTypeTest, NamesMatchRpcProto) {
  EXPECT_EQ(request_type_name(RequestType::PreDump), "PRE_DUMP");
  EXPECT_EQ(request_type_name(RequestType::PageServerChild), "PAGE_SERVER_CHLD");
  EXPECT_THAT(std::string(request_type_name(RequestType::FeatureCheck)), HasSubstr("FEATURE"));
}

}  // namespace
}  // namespace hull::criu
