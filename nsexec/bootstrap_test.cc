#include "nsexec/bootstrap.h"

#include <gmock/gmock.h>
#include <sched.h>

#include <cstring>
#include <set>
#include <string>

#include "base/testing/matchers.h"

namespace hull::nsexec {
namespace {

using base::ErrorKind;
using base::testing::ErrorMessageHas;
using base::testing::FailedWith;
using base::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Builds messages by hand, independently of encode(), so malformed ones can be written too.
class Raw {
 public:
  Raw& attr(uint16_t type, std::string_view payload) {
    return attr_with_len(type, static_cast<uint16_t>(4 + payload.size()), payload);
  }
  Raw& attr_with_len(uint16_t type, uint16_t nla_len, std::string_view payload) {
    put16(nla_len);
    put16(type);
    m_body += payload;
    while (m_body.size() % 4 != 0) m_body += '\0';
    return *this;
  }
  Raw& u32(uint16_t type, uint32_t v) {
    return attr(type, std::string_view(reinterpret_cast<const char*>(&v), 4));
  }
  Raw& str(uint16_t type, std::string_view s) { return attr(type, std::string(s) + '\0'); }
  Raw& bytes(std::string_view b) {
    m_body += b;
    return *this;
  }
  // nlmsg_len defaults to the real size.
  std::vector<std::byte> build(uint16_t type = kInitMsg, std::optional<uint32_t> len = {}) const {
    uint32_t l = len.value_or(static_cast<uint32_t>(16 + m_body.size()));
    std::string out(16, '\0');
    std::memcpy(out.data(), &l, 4);
    std::memcpy(out.data() + 4, &type, 2);
    uint16_t flags = 1;  // NLM_F_REQUEST, as runc sends
    std::memcpy(out.data() + 6, &flags, 2);
    out += m_body;
    std::vector<std::byte> v(out.size());
    std::memcpy(v.data(), out.data(), out.size());
    return v;
  }

 private:
  void put16(uint16_t v) { m_body.append(reinterpret_cast<const char*>(&v), 2); }
  std::string m_body;
};

Raw minimal() { return std::move(Raw().u32(kCloneFlagsAttr, 0)); }

Bootstrap full() {
  Bootstrap b;
  b.clone_flags =
      CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP | CLONE_NEWTIME;
  b.ns_paths = {{CLONE_NEWNET, "/proc/1/ns/net"}, {CLONE_NEWUSER, "/var/run/netns/a:b"}};
  b.uid_map = "0 1000 1\n1 100000 65536\n";
  b.gid_map = "0 1000 1\n";
  b.setgroups_deny = true;
  b.oom_score_adj = -999;
  b.rootless_euid = true;
  b.time_offsets = "monotonic 86400 0\nboottime -5 100\n";
  return b;
}

uint16_t u16_at(const std::vector<std::byte>& v, size_t at) {
  uint16_t x;
  std::memcpy(&x, v.data() + at, 2);
  return x;
}
uint32_t u32_at(const std::vector<std::byte>& v, size_t at) {
  uint32_t x;
  std::memcpy(&x, v.data() + at, 4);
  return x;
}

void expect_round_trip(const Bootstrap& b) {
  auto enc = encode(b);
  ASSERT_THAT(enc, IsOk());
  auto dec = decode(*enc);
  ASSERT_THAT(dec, IsOk());
  EXPECT_EQ(*dec, b);
}

TEST(BootstrapEncodeTest, EmptyIsHeaderCloneFlagsAndRootless) {
  auto enc = encode(Bootstrap{});
  ASSERT_THAT(enc, IsOk());
  ASSERT_EQ(enc->size(), 32u);
  EXPECT_EQ(u32_at(*enc, 0), 32u);       // nlmsg_len
  EXPECT_EQ(u16_at(*enc, 4), kInitMsg);  // nlmsg_type
  EXPECT_EQ(u16_at(*enc, 16), 8u);       // nla_len
  EXPECT_EQ(u16_at(*enc, 18), kCloneFlagsAttr);
  EXPECT_EQ(u16_at(*enc, 24), 8u);
  EXPECT_EQ(u16_at(*enc, 26), kRootlessEuidAttr);
}

TEST(BootstrapEncodeTest, StringsAreNulTerminatedAndPaddedLikeRunc) {
  Bootstrap b;
  b.uid_map = "0 0 1\n";  // 6 bytes + NUL = nla_len 11, padded to 12
  auto enc = encode(b);
  ASSERT_THAT(enc, IsOk());
  auto expected = minimal().str(kUidMapAttr, "0 0 1\n").u32(kRootlessEuidAttr, 0).build();
  EXPECT_EQ(*enc, expected);
  EXPECT_EQ(u16_at(*enc, 24), 11u);
}

TEST(BootstrapEncodeTest, NsPathsUseRuncSyntax) {
  Bootstrap b;
  b.ns_paths = {{CLONE_NEWNET, "/proc/1/ns/net"}, {CLONE_NEWIPC, "/proc/1/ns/ipc"}};
  auto enc = encode(b);
  ASSERT_THAT(enc, IsOk());
  auto expected = minimal()
                      .str(kNsPathsAttr, "net:/proc/1/ns/net,ipc:/proc/1/ns/ipc")
                      .u32(kRootlessEuidAttr, 0)
                      .build();
  EXPECT_EQ(*enc, expected);
}

TEST(BootstrapRoundTripTest, Shapes) {
  expect_round_trip(Bootstrap{});
  expect_round_trip(full());
  Bootstrap join_only;
  join_only.ns_paths = {{CLONE_NEWPID, "/proc/7/ns/pid"}, {CLONE_NEWNS, "/proc/7/ns/mnt"}};
  expect_round_trip(join_only);
  Bootstrap user;
  user.clone_flags = CLONE_NEWUSER | CLONE_NEWNS;
  user.uid_map = format_id_map(std::vector<IdMapping>{{0, 1000, 1}});
  user.gid_map = user.uid_map;
  expect_round_trip(user);
  Bootstrap oom;
  oom.oom_score_adj = 0;
  expect_round_trip(oom);
  oom.oom_score_adj = 1000;
  expect_round_trip(oom);
  oom.oom_score_adj = -1000;
  expect_round_trip(oom);
}

TEST(BootstrapRoundTripTest, LargestStringFits) {
  Bootstrap b;
  b.uid_map = std::string(kMaxStringValue, 'x');
  expect_round_trip(b);
}

TEST(BootstrapDecodeTest, AcceptsHandBuiltMessageInAnyOrder) {
  auto msg = Raw()
                 .u32(kRootlessEuidAttr, 1)
                 .str(kOomScoreAdjAttr, "-17")
                 .str(kGidMapAttr, "0 0 1\n")
                 .u32(kCloneFlagsAttr, CLONE_NEWNET)
                 .build();
  auto dec = decode(msg);
  ASSERT_THAT(dec, IsOk());
  EXPECT_EQ(dec->clone_flags, static_cast<uint32_t>(CLONE_NEWNET));
  EXPECT_TRUE(dec->rootless_euid);
  EXPECT_EQ(dec->oom_score_adj, -17);
  EXPECT_EQ(dec->gid_map, "0 0 1\n");
}

TEST(BootstrapDecodeTest, AcceptsMissingPaddingAfterLastAttribute) {
  auto msg = minimal().str(kUidMapAttr, "0 0 1\n").build();
  msg.pop_back();  // the one padding byte
  uint32_t len = static_cast<uint32_t>(msg.size());
  std::memcpy(msg.data(), &len, 4);
  auto dec = decode(msg);
  ASSERT_THAT(dec, IsOk());
  EXPECT_EQ(dec->uid_map, "0 0 1\n");
}

// Each malformed message with the one-line error it must produce.
struct Bad {
  const char* name;
  std::vector<std::byte> msg;
  std::string error;
};

std::vector<Bad> bad_messages() {
  auto trunc = minimal().build();
  trunc.resize(10);
  return {
      {"truncated header", trunc, "bootstrap: truncated header: 10 of 16 bytes"},
      {"len disagrees", minimal().build(kInitMsg, 40),
       "bootstrap: nlmsg_len 40 disagrees with the 24 bytes received"},
      {"len below header", minimal().build(kInitMsg, 8),
       "bootstrap: nlmsg_len 8 is shorter than the 16-byte header"},
      {"len over limit", minimal().build(kInitMsg, 0x7fffffff),
       "bootstrap: nlmsg_len 2147483647 exceeds the limit of 1048576 bytes"},
      {"wrong type", minimal().build(2), "bootstrap: message type 2 is not InitMsg (62000)"},
      {"nla_len < 4", minimal().attr_with_len(kUidMapAttr, 3, "").build(),
       "bootstrap: attribute 27283 (uid_map): nla_len 3 at offset 24 is shorter than the 4-byte "
       "header"},
      {"nla_len beyond rest", minimal().attr_with_len(kUidMapAttr, 65535, "0 0 1\n").build(),
       "bootstrap: attribute 27283 (uid_map): nla_len 65535 at offset 24 exceeds the 12 bytes "
       "left"},
      {"trailing bytes", minimal().bytes("\x01\x02").build(),
       "bootstrap: 2 trailing bytes at offset 24 are too few for an attribute header"},
      {"unknown attribute", minimal().u32(1234, 0).build(),
       "bootstrap: unknown attribute type 1234"},
      {"runc-only attribute", minimal().str(27288, "/usr/bin/newuidmap").build(),
       "bootstrap: attribute 27288 (runc uidmap_path): not supported by hull"},
      {"duplicate", minimal().str(kUidMapAttr, "0 0 1\n").str(kUidMapAttr, "1 1 1\n").build(),
       "bootstrap: attribute 27283 (uid_map): appears twice"},
      {"duplicate clone flags", minimal().u32(kCloneFlagsAttr, 0).build(),
       "bootstrap: attribute 27281 (clone_flags): appears twice"},
      {"missing clone flags", Raw().str(kUidMapAttr, "0 0 1\n").build(),
       "bootstrap: attribute 27281 (clone_flags): missing"},
      {"u32 too short", Raw().attr(kCloneFlagsAttr, std::string(2, '\0')).build(),
       "bootstrap: attribute 27281 (clone_flags): payload of 2 bytes, expected 4"},
      {"bool of one byte", minimal().attr(kSetgroupAttr, std::string(1, '\1')).build(),
       "bootstrap: attribute 27285 (setgroups_deny): payload of 1 bytes, expected 4"},
      {"bool of 2", minimal().u32(kRootlessEuidAttr, 2).build(),
       "bootstrap: attribute 27287 (rootless_euid): value 2 is neither 0 nor 1"},
      {"string without NUL", minimal().attr(kGidMapAttr, "0 0 1\n").build(),
       "bootstrap: attribute 27284 (gid_map): value is not NUL-terminated"},
      {"string with inner NUL", minimal().str(kGidMapAttr, std::string("0 0\0 1", 6)).build(),
       "bootstrap: attribute 27284 (gid_map): value has a NUL byte at offset 3"},
      {"empty string", minimal().str(kTimeOffsetsAttr, "").build(),
       "bootstrap: attribute 27290 (time_offsets): value is empty"},
      {"empty payload", minimal().attr(kTimeOffsetsAttr, "").build(),
       "bootstrap: attribute 27290 (time_offsets): value is not NUL-terminated"},
      {"clone flags not CLONE_NEW", Raw().u32(kCloneFlagsAttr, CLONE_NEWNET | CLONE_VM).build(),
       "bootstrap: attribute 27281 (clone_flags): 0x40000100 has bits 0x100 that are not "
       "CLONE_NEW* flags"},
      {"ns entry without colon", minimal().str(kNsPathsAttr, "net:/a,/proc/1/ns/ipc").build(),
       "bootstrap: attribute 27282 (ns_paths): entry 1 \"/proc/1/ns/ipc\" is not of the form "
       "type:path"},
      {"ns trailing comma", minimal().str(kNsPathsAttr, "net:/a,").build(),
       "bootstrap: attribute 27282 (ns_paths): entry 1 \"\" is not of the form type:path"},
      {"ns unknown type", minimal().str(kNsPathsAttr, "bogus:/a").build(),
       "bootstrap: attribute 27282 (ns_paths): entry 0: unknown namespace type \"bogus\""},
      {"ns empty path", minimal().str(kNsPathsAttr, "net:/a,ipc:").build(),
       "bootstrap: attribute 27282 (ns_paths): entry 1 (ipc): empty path"},
      {"ns twice", minimal().str(kNsPathsAttr, "net:/a,net:/b").build(),
       "bootstrap: attribute 27282 (ns_paths): namespace net is listed twice"},
      {"ns created and joined",
       Raw().u32(kCloneFlagsAttr, CLONE_NEWNET).str(kNsPathsAttr, "net:/a").build(),
       "bootstrap: attribute 27282 (ns_paths): namespace net is both created (clone_flags) and "
       "joined"},
      {"oom not decimal", minimal().str(kOomScoreAdjAttr, "12a").build(),
       "bootstrap: attribute 27286 (oom_score_adj): \"12a\" is not a decimal integer"},
      {"oom overflows int32", minimal().str(kOomScoreAdjAttr, "99999999999").build(),
       "bootstrap: attribute 27286 (oom_score_adj): \"99999999999\" is not a decimal integer"},
      {"peer strings are escaped and cut",
       minimal().str(kNsPathsAttr, "a\nb" + std::string(80, 'x') + ":/p").build(),
       "bootstrap: attribute 27282 (ns_paths): entry 0: unknown namespace type \"a\\nb" +
           std::string(61, 'x') + "\"..."},
      {"oom out of range", minimal().str(kOomScoreAdjAttr, "1001").build(),
       "bootstrap: attribute 27286 (oom_score_adj): 1001 is outside -1000..1000"},
  };
}

TEST(BootstrapDecodeTest, RejectsEachMalformedMessageWithItsError) {
  for (const Bad& bad : bad_messages()) {
    SCOPED_TRACE(bad.name);
    auto r = decode(bad.msg);
    ASSERT_THAT(r, FailedWith(ErrorKind::Protocol));
    EXPECT_EQ(r.error().message(), bad.error);
  }
}

TEST(BootstrapDecodeTest, RejectsEveryTruncationOfAValidMessage) {
  auto enc = encode(full());
  ASSERT_THAT(enc, IsOk());
  for (size_t n = 0; n < enc->size(); ++n) {
    auto r = decode(std::span(*enc).first(n));
    EXPECT_THAT(r, FailedWith(ErrorKind::Protocol)) << "prefix of " << n << " bytes";
  }
}

// Cuts a valid message at every length and fixes nlmsg_len up: only cuts at an attribute's end
// after clone_flags may decode (the last attribute's padding may be partly or wholly missing, as
// the kernel's nla_next() allows).
TEST(BootstrapDecodeTest, CutsInsideAttributesAreRejected) {
  auto enc = encode(full());
  ASSERT_THAT(enc, IsOk());
  std::set<size_t> ends;
  for (size_t at = kHeaderSize; at < enc->size();) {
    size_t len = u16_at(*enc, at);
    ASSERT_GE(len, 4u);
    size_t padded = at + ((len + 3) & ~size_t{3});
    for (size_t end = at + len; end <= padded; ++end) ends.insert(end);
    at = padded;
  }
  size_t accepted = 0;
  for (size_t n = kHeaderSize; n <= enc->size(); ++n) {
    std::vector<std::byte> cut(enc->begin(), enc->begin() + static_cast<ptrdiff_t>(n));
    uint32_t len = static_cast<uint32_t>(n);
    std::memcpy(cut.data(), &len, 4);
    auto r = decode(cut);
    if (ends.contains(n)) {
      EXPECT_THAT(r, IsOk()) << "cut at " << n;
      ++accepted;
    } else {
      EXPECT_THAT(r, FailedWith(ErrorKind::Protocol)) << "cut at " << n;
    }
  }
  EXPECT_GE(accepted, 8u);
}

TEST(BootstrapMessageSizeTest, ReadsLengthFromHeader) {
  auto enc = encode(full());
  ASSERT_THAT(enc, IsOk());
  auto n = message_size(std::span(*enc).first(kHeaderSize));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, enc->size());
  EXPECT_THAT(message_size(std::span(*enc).first(3)), ErrorMessageHas("truncated header"));
}

TEST(BootstrapEncodeTest, RefusesValuesThatOverflowNlaLen) {
  Bootstrap b;
  b.uid_map = std::string(70000, '1');
  auto r = encode(b);
  ASSERT_THAT(r, FailedWith(ErrorKind::InvalidArgument));
  EXPECT_EQ(r.error().message(),
            "bootstrap: attribute 27283 (uid_map): value of 70000 bytes does not fit a netlink "
            "attribute (at most 65530)");
  b.uid_map = std::string(kMaxStringValue + 1, '1');
  EXPECT_THAT(encode(b), ErrorMessageHas("value of 65531 bytes does not fit"));
  Bootstrap ns;
  ns.ns_paths = {{CLONE_NEWNET, std::string(40000, 'a')}, {CLONE_NEWIPC, std::string(40000, 'b')}};
  EXPECT_THAT(encode(ns), ErrorMessageHas("attribute 27282 (ns_paths): value of 80009 bytes"));
}

TEST(BootstrapEncodeTest, RefusesWhatDecodeWouldReject) {
  struct Case {
    const char* name;
    Bootstrap b;
    const char* error;
  };
  std::vector<Case> cases;
  auto add = [&](const char* name, auto mutate, const char* error) {
    Bootstrap b;
    mutate(b);
    cases.push_back({name, std::move(b), error});
  };
  add(
      "comma",
      [](Bootstrap& b) {
        b.ns_paths = {{CLONE_NEWNET, "/a,b"}};
      },
      "bootstrap: attribute 27282 (ns_paths): entry 0 (net): path \"/a,b\" contains ','");
  add(
      "empty path",
      [](Bootstrap& b) {
        b.ns_paths = {{CLONE_NEWNET, ""}};
      },
      "bootstrap: attribute 27282 (ns_paths): entry 0 (net): empty path");
  add(
      "NUL in path",
      [](Bootstrap& b) {
        b.ns_paths = {{CLONE_NEWNET, std::string("/a\0", 3)}};
      },
      "bootstrap: attribute 27282 (ns_paths): entry 0 (net): path contains a NUL byte");
  add(
      "two flags",
      [](Bootstrap& b) {
        b.ns_paths = {{CLONE_NEWNET | CLONE_NEWIPC, "/a"}};
      },
      "bootstrap: attribute 27282 (ns_paths): entry 0: 0x48000000 is not one CLONE_NEW* flag");
  add(
      "joined twice",
      [](Bootstrap& b) {
        b.ns_paths = {{CLONE_NEWNET, "/a"}, {CLONE_NEWNET, "/b"}};
      },
      "bootstrap: attribute 27282 (ns_paths): namespace net is listed twice");
  add(
      "created and joined",
      [](Bootstrap& b) {
        b.clone_flags = CLONE_NEWUSER;
        b.ns_paths = {{CLONE_NEWUSER, "/a"}};
      },
      "bootstrap: attribute 27282 (ns_paths): namespace user is both created (clone_flags) and "
      "joined");
  add(
      "clone flags", [](Bootstrap& b) { b.clone_flags = CLONE_NEWNET | CLONE_THREAD; },
      "bootstrap: attribute 27281 (clone_flags): 0x40010000 has bits 0x10000 that are not "
      "CLONE_NEW* flags");
  add(
      "NUL in map", [](Bootstrap& b) { b.gid_map = std::string("0 0 1\n\0", 7); },
      "bootstrap: attribute 27284 (gid_map): value has a NUL byte at offset 6");
  add(
      "oom", [](Bootstrap& b) { b.oom_score_adj = -1001; },
      "bootstrap: attribute 27286 (oom_score_adj): -1001 is outside -1000..1000");
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = encode(c.b);
    ASSERT_THAT(r, FailedWith(ErrorKind::InvalidArgument));
    EXPECT_EQ(r.error().message(), c.error);
  }
}

TEST(BootstrapJoinOrderTest, UserFirstMountLastOthersInRuncOrder) {
  std::vector<NamespacePath> in = {
      {CLONE_NEWNS, "m"},   {CLONE_NEWTIME, "t"}, {CLONE_NEWNET, "n"}, {CLONE_NEWCGROUP, "c"},
      {CLONE_NEWUSER, "u"}, {CLONE_NEWPID, "p"},  {CLONE_NEWUTS, "h"}, {CLONE_NEWIPC, "i"},
  };
  std::string order;
  for (const auto& ns : join_order(in)) order += ns.path;
  EXPECT_EQ(order, "uihnpctm");
  EXPECT_TRUE(join_order({}).empty());
  std::vector<NamespacePath> two = {{CLONE_NEWNS, "/m"}, {CLONE_NEWUSER, "/u"}};
  EXPECT_THAT(join_order(two),
              ElementsAre(NamespacePath{CLONE_NEWUSER, "/u"}, NamespacePath{CLONE_NEWNS, "/m"}));
}

TEST(BootstrapNamespaceNameTest, MapsBothWays) {
  EXPECT_EQ(namespace_name(CLONE_NEWNS), "mnt");
  EXPECT_EQ(namespace_name(CLONE_NEWTIME), "time");
  EXPECT_EQ(namespace_name(CLONE_NEWNS | CLONE_NEWNET), "");
  EXPECT_EQ(namespace_flag("cgroup"), static_cast<uint32_t>(CLONE_NEWCGROUP));
  EXPECT_EQ(namespace_flag("mount"), 0u);
}

TEST(BootstrapIdMapTest, FormatsAndParses) {
  std::vector<IdMapping> maps = {{0, 1000, 1}, {1, 100000, 65536}};
  std::string text = format_id_map(maps);
  EXPECT_EQ(text, "0 1000 1\n1 100000 65536\n");
  auto parsed = parse_id_map(text);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(*parsed, maps);
  EXPECT_EQ(format_id_map({}), "");
  auto no_final_newline = parse_id_map("0 0 4294967295");
  ASSERT_THAT(no_final_newline, IsOk());
  EXPECT_THAT(*no_final_newline, ElementsAre(IdMapping{0, 0, 4294967295u}));
}

TEST(BootstrapIdMapTest, RejectsMalformedLines) {
  EXPECT_THAT(parse_id_map("0 0 1\n0 0\n"),
              ErrorMessageHas("id map line 2: \"0 0\" is not \"<container-id> <host-id> <size>\""));
  EXPECT_THAT(parse_id_map("0  0 1\n"), FailedWith(ErrorKind::InvalidArgument));
  EXPECT_THAT(parse_id_map("0 -1 1\n"), FailedWith(ErrorKind::InvalidArgument));
  EXPECT_THAT(parse_id_map("0 0 1 \n"), FailedWith(ErrorKind::InvalidArgument));
  EXPECT_THAT(parse_id_map("0 0 4294967296\n"), ErrorMessageHas("line 1"));
  EXPECT_THAT(parse_id_map("\n"), ErrorMessageHas("line 1"));
}

}  // namespace
}  // namespace hull::nsexec
