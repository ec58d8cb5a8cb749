// CriuClient against a fake criu: the test holds criu's end of the socketpair and queues crafted
// packets, and a shell stands in for the child. Truncated packets, EOF before an answer, wrong
// response types and crashed criu processes are real faults that a working criu cannot be made
// to produce on demand, so they are crafted here; the real round trips are in criu_test.cc.
#include "criu/criu_client.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "base/testing/matchers.h"
#include "criu/internal/codec.h"
#include "criu/internal/rpc.pb.h"
#include "sys/file.h"
#include "sys/socket.h"
#include "sys/spawn.h"

namespace hull::criu {
namespace {

using base::ErrorKind;
using base::testing::ErrorMessageHas;
using base::testing::FailedWith;
using base::testing::IsOk;
using ::testing::ElementsAre;

struct RecordingHandler : CriuNotifyHandler {
  std::vector<std::string> calls;
  std::string fail_on;
  sys::UniqueFd pts_master;
  Result<> on_notify(std::string_view script, int32_t pid) override {
    calls.push_back(std::string(script) + ":" + std::to_string(pid));
    if (script == fail_on) return base::fail(base::Error::invalid("hook failed"));
    return {};
  }
  Result<> on_orphan_pts_master(sys::UniqueFd master) override {
    calls.push_back("orphan-pts-master");
    pts_master = std::move(master);
    return {};
  }
};

class FakeCriuTest : public ::testing::Test {
 protected:
  // A client whose "criu" is `sh -c <script>` and whose peer is m_peer.
  CriuClient make_client(const std::string& script = "exit 0") {
    auto pair = sys::socketpair(SOCK_SEQPACKET);
    EXPECT_THAT(pair, IsOk());
    m_peer = std::move(pair->second);
    std::vector<std::string> argv = {"sh", "-c", script};
    std::vector<int> fds = {-1, -1, -1};
    auto child = sys::spawn(argv, fds);
    EXPECT_THAT(child, IsOk());
    return CriuClient::adopt(std::move(pair->first), std::move(*child), "fake-criu");
  }
  void queue(const Response& r, std::vector<int> fds = {}) {
    ASSERT_THAT(sys::send_with_fds(m_peer, internal::encode_response(r), fds, "fake"), IsOk());
  }
  criu_req next_request() {
    auto got = sys::recv_with_fds(m_peer, 4096, "fake");
    EXPECT_THAT(got, IsOk());
    criu_req pb;
    EXPECT_TRUE(pb.ParseFromString(got->data));
    return pb;
  }
  static Response notify(std::string script, int32_t pid = 0) {
    Response r;
    r.type = RequestType::Notify;
    r.success = true;
    r.notify = Notify{std::move(script), pid};
    return r;
  }
  static Response final_response(RequestType type, bool success) {
    Response r;
    r.type = type;
    r.success = success;
    return r;
  }
  Request dump_request() {
    const char* tmp = std::getenv("TEST_TMPDIR");
    auto dir = sys::open(tmp != nullptr ? tmp : "/tmp", O_RDONLY | O_DIRECTORY);
    EXPECT_THAT(dir, IsOk());
    m_images = std::move(*dir);
    m_opts.images_dir_fd = m_images.get();
    m_opts.pid = 1;
    Request req;
    req.type = RequestType::Dump;
    req.opts = &m_opts;
    req.notify_scripts = true;
    return req;
  }

  sys::UniqueFd m_peer;
  sys::UniqueFd m_images;
  CriuOptions m_opts;
};

TEST_F(FakeCriuTest, AnswersNotifyMessagesThenReturnsTheFinalResponse) {
  CriuClient client = make_client();
  queue(notify("network-lock"));
  queue(notify("post-dump"));
  queue(final_response(RequestType::Dump, true));
  RecordingHandler handler;
  auto resp = client.call(dump_request(), &handler);
  ASSERT_THAT(resp, IsOk());
  EXPECT_EQ(resp->type, RequestType::Dump);
  EXPECT_THAT(handler.calls, ElementsAre("network-lock:0", "post-dump:0"));
  criu_req sent = next_request();
  EXPECT_EQ(sent.type(), DUMP);
  EXPECT_TRUE(sent.opts().notify_scripts());
  for (int i = 0; i < 2; ++i) {
    criu_req reply = next_request();
    EXPECT_EQ(reply.type(), NOTIFY);
    EXPECT_TRUE(reply.notify_success());
  }
  EXPECT_THAT(client.finish(), IsOk());
}

TEST_F(FakeCriuTest, HandsTheOrphanPtsMasterToTheHandler) {
  CriuClient client = make_client();
  auto pipe = sys::pipe();
  ASSERT_THAT(pipe, IsOk());
  queue(notify("orphan-pts-master"), {pipe->second.get()});
  pipe->second.reset();
  queue(final_response(RequestType::Dump, true));
  RecordingHandler handler;
  ASSERT_THAT(client.call(dump_request(), &handler), IsOk());
  EXPECT_THAT(handler.calls, ElementsAre("orphan-pts-master"));
  // The received descriptor is the pipe's write end: what goes in comes out of the read end.
  ASSERT_TRUE(handler.pts_master.is_valid());
  ASSERT_THAT(sys::write_all(handler.pts_master, "x", "passed fd"), IsOk());
  handler.pts_master.reset();
  auto got = sys::read_all(pipe->first, "pipe");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(*got, "x");
}

TEST_F(FakeCriuTest, HandlerFailureIsReportedToCriuAndReturned) {
  CriuClient client = make_client();
  queue(notify("network-lock"));
  queue(notify("post-dump"));
  queue(final_response(RequestType::Dump, false));  // criu rolled back after the failed script
  RecordingHandler handler;
  handler.fail_on = "network-lock";
  auto resp = client.call(dump_request(), &handler);
  EXPECT_THAT(resp, FailedWith(ErrorKind::InvalidArgument));
  EXPECT_THAT(resp, ErrorMessageHas("criu notify network-lock: hook failed"));
  // The handler runs once; criu is told about the failure.
  EXPECT_THAT(handler.calls, ElementsAre("network-lock:0"));
  (void)next_request();
  EXPECT_FALSE(next_request().notify_success());
}

TEST_F(FakeCriuTest, FailedResponseNamesErrnoMessageAndLogFile) {
  CriuClient client = make_client();
  Response r = final_response(RequestType::Dump, false);
  r.cr_errno = ESRCH;
  r.cr_errmsg = "Can't seize 1";
  queue(r);
  Request req = dump_request();
  auto resp = client.call(req);
  EXPECT_THAT(resp, FailedWith(ErrorKind::Child));
  EXPECT_THAT(resp, ErrorMessageHas("criu DUMP failed: errno 3 (ESRCH): Can't seize 1; see "));
  EXPECT_THAT(resp, ErrorMessageHas("/dump.log"));
}

TEST_F(FakeCriuTest, OversizedPacketIsATruncationError) {
  CriuClient client = make_client();
  std::string big(kMaxResponseSize + 100, 'x');
  ASSERT_THAT(sys::send_with_fds(m_peer, big, {}, "fake"), IsOk());
  auto resp = client.call(dump_request());
  EXPECT_THAT(resp, FailedWith(ErrorKind::Protocol));
  EXPECT_THAT(resp, ErrorMessageHas("truncated"));
  EXPECT_THAT(resp, ErrorMessageHas("65536-byte receive buffer"));
}

TEST_F(FakeCriuTest, EofBeforeTheAnswerNamesCriusExitStatus) {
  CriuClient client = make_client("exit 1");
  queue(notify("pre-dump"));
  // criu read the request, sent one notification, then stopped sending: shutdown(2) on the
  // test's end, which no sys/ wrapper needs outside this test.
  ASSERT_EQ(::shutdown(m_peer.get(), SHUT_WR), 0);
  RecordingHandler handler;
  auto resp = client.call(dump_request(), &handler);
  EXPECT_THAT(handler.calls, ElementsAre("pre-dump:0"));
  EXPECT_THAT(resp, FailedWith(ErrorKind::Protocol));
  EXPECT_THAT(resp,
              ErrorMessageHas("unexpected EOF: criu closed the RPC socket before answering DUMP"));
  EXPECT_THAT(resp, ErrorMessageHas("criu exited with status 1"));
  EXPECT_THAT(resp, ErrorMessageHas("/dump.log"));
}

TEST_F(FakeCriuTest, CriuGoneBeforeTheRequestIsTheSameEof) {
  CriuClient client = make_client("exit 1");
  m_peer.reset();  // criu "crashed" before reading: sending fails with EPIPE
  auto resp = client.call(dump_request());
  EXPECT_THAT(resp, FailedWith(ErrorKind::Protocol));
  EXPECT_THAT(resp, ErrorMessageHas("unexpected EOF"));
  EXPECT_THAT(resp, ErrorMessageHas("criu exited with status 1"));
  EXPECT_THAT(resp, ErrorMessageHas("/dump.log"));
}

TEST_F(FakeCriuTest, ResponseOfTheWrongTypeIsAProtocolError) {
  CriuClient client = make_client();
  queue(final_response(RequestType::Restore, true));
  auto resp = client.call(dump_request());
  EXPECT_THAT(resp, FailedWith(ErrorKind::Protocol));
  EXPECT_THAT(resp, ErrorMessageHas("criu answered a DUMP request with RESTORE"));
}

TEST_F(FakeCriuTest, GarbagePacketIsMalformed) {
  CriuClient client = make_client();
  ASSERT_THAT(sys::send_with_fds(m_peer, std::string("\x08\xff", 2), {}, "fake"), IsOk());
  EXPECT_THAT(client.call(dump_request()), ErrorMessageHas("malformed criu response (2 bytes)"));
}

TEST_F(FakeCriuTest, NonZeroExitAfterTheAnswerIsAChildError) {
  CriuClient client = make_client("exit 3");
  queue(final_response(RequestType::Dump, true));
  ASSERT_THAT(client.call(dump_request()), IsOk());
  auto done = client.finish();
  EXPECT_THAT(done, FailedWith(ErrorKind::Child));
  EXPECT_THAT(done, ErrorMessageHas("criu (fake-criu) exited with status 3"));
}

TEST_F(FakeCriuTest, DeathBySignalIsAChildError) {
  CriuClient client = make_client("kill -9 $$");
  EXPECT_THAT(client.finish(), ErrorMessageHas("killed by signal 9"));
}

// A criu that predates the VERSION RPC (or dies on it) is asked `criu -V`; no such old criu is
// installed, so a script plays it.
TEST(VersionFallbackTest, OldCriuIsAskedDashVAndJudgedTooOld) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string path = std::string(tmp != nullptr ? tmp : "/tmp") + "/old-criu";
  {
    auto fd = sys::open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    ASSERT_THAT(fd, IsOk());
    std::string script =
        "#!/bin/sh\n"
        "if [ \"$1\" = -V ]; then echo 'Version: 3.12'; echo 'GitID: v3.12'; exit 0; fi\n"
        "exit 1\n";
    ASSERT_THAT(sys::write_all(*fd, script, path), IsOk());
  }
  Criu old(path);
  auto v = old.version();
  ASSERT_THAT(v, IsOk());
  EXPECT_EQ(*v, (Version{3, 12, 0, "v3.12"}));
  auto r = old.require_version({3, 19}, "checkpoint");
  EXPECT_THAT(r, FailedWith(ErrorKind::Unsupported));
  EXPECT_THAT(r, ErrorMessageHas("criu 3.12 is too old for checkpoint (needs >= 3.19)"));
}

}  // namespace
}  // namespace hull::criu
