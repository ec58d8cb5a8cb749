// The bootstrap message the parent sends the init child over the init socketpair: what namespaces
// to create and join, the id maps to write, oom_score_adj and time offsets. The wire format is
// runc's (libcontainer/message_linux.go): one netlink message of type kInitMsg (62000) holding one
// nlattr per field, in native byte order.
//
//   attribute               number  payload
//   clone_flags             27281   u32; only CLONE_NEW* bits (required)
//   ns_paths                27282   NUL-terminated "net:/proc/1/ns/net,ipc:/proc/1/ns/ipc"
//   uid_map                 27283   NUL-terminated text for /proc/PID/uid_map
//   gid_map                 27284   NUL-terminated text for /proc/PID/gid_map
//   setgroups_deny          27285   u32 0 or 1 (runc's Boolmsg is 4 bytes, read as a u8)
//   oom_score_adj           27286   NUL-terminated decimal, -1000..1000
//   rootless_euid           27287   u32 0 or 1
//   time_offsets            27290   NUL-terminated text for /proc/PID/timens_offsets
//
// Attributes other than these (runc's 27288/27289 mapping-tool paths included) are rejected, as are
// duplicates. Optional string attributes are omitted when empty and never sent empty.
//
// Note: hull gives 27285 its own meaning ("write deny to setgroups"); runc's SetgroupAttr means the
// opposite ("setgroups must stay allowed"). Messages are only exchanged between hull processes.
//
// decode() is pure and checks every length before it reads; any malformed input yields an
// ErrorKind::Protocol error whose one-line message names the attribute. encode() refuses values
// that decode() would reject, so decode(encode(b)) == b whenever encode(b) succeeds; its errors
// are ErrorKind::InvalidArgument.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace hull::nsexec {

using base::Result;

inline constexpr uint16_t kInitMsg = 62000;
inline constexpr uint16_t kCloneFlagsAttr = 27281;
inline constexpr uint16_t kNsPathsAttr = 27282;
inline constexpr uint16_t kUidMapAttr = 27283;
inline constexpr uint16_t kGidMapAttr = 27284;
inline constexpr uint16_t kSetgroupAttr = 27285;
inline constexpr uint16_t kOomScoreAdjAttr = 27286;
inline constexpr uint16_t kRootlessEuidAttr = 27287;
inline constexpr uint16_t kTimeOffsetsAttr = 27290;

// Size of the netlink header that starts every message (struct nlmsghdr).
inline constexpr size_t kHeaderSize = 16;
// The largest message decode() and message_size() accept: more than the eight attributes of at
// most 64 KiB each can fill, and small enough that a receiver may allocate it up front.
inline constexpr size_t kMaxMessageSize = 1 << 20;
// The largest string value one attribute can carry: nla_len is 16 bits and counts the 4-byte
// attribute header and the terminating NUL (runc CVE-2021-43784 overflowed exactly this).
inline constexpr size_t kMaxStringValue = 0xffff - 4 - 1;

// Every CLONE_NEW* bit: mnt, cgroup, uts, ipc, user, pid, net, time.
inline constexpr uint32_t kAllNamespaceFlags = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 |
                                               0x10000000 | 0x20000000 | 0x40000000 | 0x00000080;

struct NamespacePath {
  uint32_t clone_flag = 0;  // exactly one CLONE_NEW* bit, e.g. CLONE_NEWNET
  std::string path;         // e.g. "/proc/1/ns/net"; non-empty, no ',' and no NUL
  bool operator==(const NamespacePath&) const = default;
};

struct Bootstrap {
  uint32_t clone_flags = 0;              // namespaces to create (CLONE_NEW* bits)
  std::vector<NamespacePath> ns_paths;   // namespaces to join; each type once, none also created
  std::string uid_map, gid_map;          // bytes as written to /proc/PID/uid_map ("0 1000 1\n")
  bool setgroups_deny = false;           // write "deny" to /proc/PID/setgroups before gid_map
  std::optional<int32_t> oom_score_adj;  // -1000..1000
  bool rootless_euid = false;
  std::string time_offsets;  // bytes for /proc/PID/timens_offsets ("monotonic 5 0\n")
  bool operator==(const Bootstrap&) const = default;
};

// The whole message: header and attributes. Fails (InvalidArgument) on a value decode() would
// reject: a string over kMaxStringValue bytes or containing NUL, a ',' or empty ns path, flags
// outside kAllNamespaceFlags, a namespace both created and joined or joined twice, an
// oom_score_adj outside -1000..1000.
Result<std::vector<std::byte>> encode(const Bootstrap& b);

// Parses one whole message (exactly nlmsg_len bytes). Fails with ErrorKind::Protocol.
Result<Bootstrap> decode(std::span<const std::byte> message);

// For a receiver that reads the header first: checks the first kHeaderSize bytes (type, length
// within kHeaderSize..kMaxMessageSize) and returns nlmsg_len, the size of the whole message.
Result<size_t> message_size(std::span<const std::byte> header);

// "net", "mnt", ... for one CLONE_NEW* bit (as in /proc/PID/ns/); empty for anything else.
std::string_view namespace_name(uint32_t clone_flag);
// The CLONE_NEW* bit for "net", "mnt", ...; 0 for an unknown name.
uint32_t namespace_flag(std::string_view name);

// The order in which to setns() into `paths`: user first, so the later setns calls run with the
// capabilities the joined user namespace grants; mnt last, so paths resolved after the other joins
// still resolve on the host; the rest in runc's order (ipc, uts, net, pid, cgroup, time). Stable
// for equal types; entries with unknown flags go just before mnt.
std::vector<NamespacePath> join_order(const std::vector<NamespacePath>& paths);

// One line of /proc/PID/{uid,gid}_map.
struct IdMapping {
  uint32_t container_id = 0;
  uint32_t host_id = 0;
  uint32_t size = 0;
  bool operator==(const IdMapping&) const = default;
};
// "0 1000 1\n1 100000 65536\n"; "" for no mappings.
std::string format_id_map(std::span<const IdMapping> mappings);
// The inverse of format_id_map (one "a b c\n" line per mapping, decimal, single spaces). Fails
// with InvalidArgument naming the line.
Result<std::vector<IdMapping>> parse_id_map(std::string_view text);

}  // namespace hull::nsexec
