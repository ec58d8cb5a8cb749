#include "nsexec/bootstrap.h"

#include <fmt/format.h>
#include <linux/netlink.h>
#include <sched.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>

namespace hull::nsexec {

using base::Error;
using base::ErrorKind;
using base::fail;

namespace {

// The wire structs, spelled out so that their layout is pinned here rather than assumed.
struct NlMsgHdr {
  uint32_t len;    // whole message, header included
  uint16_t type;   // kInitMsg
  uint16_t flags;  // NLM_F_REQUEST, as runc's nl.NewNetlinkRequest sends; not checked
  uint32_t seq;    // not checked
  uint32_t pid;    // not checked
};
struct NlAttr {
  uint16_t len;   // header and payload, without trailing padding
  uint16_t type;  // k*Attr
};
static_assert(sizeof(NlMsgHdr) == kHeaderSize && sizeof(NlMsgHdr) == sizeof(struct nlmsghdr));
static_assert(sizeof(NlAttr) == 4 && sizeof(NlAttr) == sizeof(struct nlattr));
static_assert(NLA_ALIGNTO == 4);
static_assert(kAllNamespaceFlags == (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |
                                     CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWTIME));

constexpr size_t kAttrHeaderSize = sizeof(NlAttr);
constexpr int kOomScoreAdjMin = -1000;  // OOM_SCORE_ADJ_MIN in linux/oom.h
constexpr int kOomScoreAdjMax = 1000;

constexpr size_t align4(size_t n) { return (n + 3) & ~size_t{3}; }

struct NamespaceName {
  uint32_t flag;
  std::string_view name;
};
constexpr NamespaceName kNamespaceNames[] = {
    {CLONE_NEWCGROUP, "cgroup"}, {CLONE_NEWIPC, "ipc"}, {CLONE_NEWNS, "mnt"},
    {CLONE_NEWNET, "net"},       {CLONE_NEWPID, "pid"}, {CLONE_NEWTIME, "time"},
    {CLONE_NEWUSER, "user"},     {CLONE_NEWUTS, "uts"},
};

// Names for error messages, runc's attributes that hull does not accept included.
std::string_view attr_name(uint16_t type) {
  switch (type) {
    case kCloneFlagsAttr: return "clone_flags";
    case kNsPathsAttr: return "ns_paths";
    case kUidMapAttr: return "uid_map";
    case kGidMapAttr: return "gid_map";
    case kSetgroupAttr: return "setgroups_deny";
    case kOomScoreAdjAttr: return "oom_score_adj";
    case kRootlessEuidAttr: return "rootless_euid";
    case kTimeOffsetsAttr: return "time_offsets";
    case 27288: return "runc uidmap_path";
    case 27289: return "runc gidmap_path";
    default: return "unknown";
  }
}

// Bit i set once attribute kCloneFlagsAttr + i was seen.
uint32_t attr_bit(uint16_t type) { return uint32_t{1} << (type - kCloneFlagsAttr); }

template <typename... Args>
Error attr_error(ErrorKind kind, uint16_t type, fmt::format_string<Args...> f, Args&&... args) {
  return Error::make(kind, fmt::format("bootstrap: attribute {} ({}): {}", type, attr_name(type),
                                       fmt::format(f, std::forward<Args>(args)...)));
}

std::string flags_hex(uint32_t flags) { return fmt::format("{:#x}", flags); }

// A peer-supplied string for an error message: quoted, escaped so the message stays one line, and
// cut short so a 64 KiB value does not flood the log.
std::string shown(std::string_view s) {
  constexpr size_t kMax = 64;
  return fmt::format("{:?}{}", s.substr(0, kMax), s.size() > kMax ? "..." : "");
}

// Checks shared by encode and decode, on fields already in their in-memory form. `kind` is
// InvalidArgument for encode and Protocol for decode.
Result<> check_fields(const Bootstrap& b, ErrorKind kind) {
  if (uint32_t extra = b.clone_flags & ~kAllNamespaceFlags; extra != 0)
    return fail(attr_error(kind, kCloneFlagsAttr, "{} has bits {} that are not CLONE_NEW* flags",
                           flags_hex(b.clone_flags), flags_hex(extra)));
  uint32_t joined = 0;
  for (size_t i = 0; i < b.ns_paths.size(); ++i) {
    const NamespacePath& ns = b.ns_paths[i];
    std::string_view name = namespace_name(ns.clone_flag);
    if (name.empty())
      return fail(attr_error(kind, kNsPathsAttr, "entry {}: {} is not one CLONE_NEW* flag", i,
                             flags_hex(ns.clone_flag)));
    if (ns.path.empty())
      return fail(attr_error(kind, kNsPathsAttr, "entry {} ({}): empty path", i, name));
    if (ns.path.find(',') != std::string::npos)
      return fail(attr_error(kind, kNsPathsAttr, "entry {} ({}): path {} contains ','", i, name,
                             shown(ns.path)));
    if (ns.path.find('\0') != std::string::npos)
      return fail(
          attr_error(kind, kNsPathsAttr, "entry {} ({}): path contains a NUL byte", i, name));
    if (joined & ns.clone_flag)
      return fail(attr_error(kind, kNsPathsAttr, "namespace {} is listed twice", name));
    if (b.clone_flags & ns.clone_flag)
      return fail(attr_error(kind, kNsPathsAttr,
                             "namespace {} is both created (clone_flags) and joined", name));
    joined |= ns.clone_flag;
  }
  if (b.oom_score_adj && (*b.oom_score_adj < kOomScoreAdjMin || *b.oom_score_adj > kOomScoreAdjMax))
    return fail(attr_error(kind, kOomScoreAdjAttr, "{} is outside {}..{}", *b.oom_score_adj,
                           kOomScoreAdjMin, kOomScoreAdjMax));
  return {};
}

// ---- encoding ----

class Writer {
 public:
  Writer() { m_buf.resize(kHeaderSize); }

  void put_u32(uint16_t type, uint32_t value) {
    put_attr(type, std::as_bytes(std::span(&value, 1)));
  }

  // A string attribute: the value, a NUL (counted in nla_len, as runc's Bytemsg does), padding.
  Result<> put_string(uint16_t type, std::string_view value) {
    if (value.size() > kMaxStringValue)
      return fail(attr_error(ErrorKind::InvalidArgument, type,
                             "value of {} bytes does not fit a netlink attribute (at most {})",
                             value.size(), kMaxStringValue));
    if (size_t nul = value.find('\0'); nul != std::string_view::npos)
      return fail(
          attr_error(ErrorKind::InvalidArgument, type, "value has a NUL byte at offset {}", nul));
    std::vector<std::byte> payload(value.size() + 1);
    std::memcpy(payload.data(), value.data(), value.size());
    put_attr(type, payload);
    return {};
  }

  Result<std::vector<std::byte>> finish() && {
    if (m_buf.size() > kMaxMessageSize || m_buf.size() > std::numeric_limits<uint32_t>::max())
      return fail(
          Error::invalid(fmt::format("bootstrap: message of {} bytes exceeds the limit of {}",
                                     m_buf.size(), kMaxMessageSize)));
    NlMsgHdr hdr{};
    hdr.len = static_cast<uint32_t>(m_buf.size());
    hdr.type = kInitMsg;
    hdr.flags = NLM_F_REQUEST;
    std::memcpy(m_buf.data(), &hdr, sizeof hdr);
    return std::move(m_buf);
  }

 private:
  // Callers keep payload.size() <= kMaxStringValue + 1, so nla_len fits 16 bits.
  void put_attr(uint16_t type, std::span<const std::byte> payload) {
    size_t len = kAttrHeaderSize + payload.size();
    VERIFY(len <= std::numeric_limits<uint16_t>::max());
    NlAttr attr{static_cast<uint16_t>(len), type};
    size_t at = m_buf.size();
    m_buf.resize(at + align4(len));  // zero padding
    std::memcpy(m_buf.data() + at, &attr, sizeof attr);
    if (!payload.empty())
      std::memcpy(m_buf.data() + at + kAttrHeaderSize, payload.data(), payload.size());
  }

  std::vector<std::byte> m_buf;
};

// ---- decoding ----

Result<uint32_t> read_u32(uint16_t type, std::span<const std::byte> payload) {
  if (payload.size() != sizeof(uint32_t))
    return fail(
        attr_error(ErrorKind::Protocol, type, "payload of {} bytes, expected 4", payload.size()));
  uint32_t v;
  std::memcpy(&v, payload.data(), sizeof v);
  return v;
}

Result<bool> read_bool(uint16_t type, std::span<const std::byte> payload) {
  uint32_t v = TRY(read_u32(type, payload));
  if (v > 1) return fail(attr_error(ErrorKind::Protocol, type, "value {} is neither 0 nor 1", v));
  return v == 1;
}

// A non-empty NUL-terminated string without inner NULs.
Result<std::string> read_string(uint16_t type, std::span<const std::byte> payload) {
  std::string_view s(reinterpret_cast<const char*>(payload.data()), payload.size());
  if (s.empty() || s.back() != '\0')
    return fail(attr_error(ErrorKind::Protocol, type, "value is not NUL-terminated"));
  s.remove_suffix(1);
  if (size_t nul = s.find('\0'); nul != std::string_view::npos)
    return fail(attr_error(ErrorKind::Protocol, type, "value has a NUL byte at offset {}", nul));
  if (s.empty()) return fail(attr_error(ErrorKind::Protocol, type, "value is empty"));
  return std::string(s);
}

// "net:/proc/1/ns/net,ipc:/x" -> entries; semantic checks are left to check_fields.
Result<std::vector<NamespacePath>> parse_ns_paths(std::string_view spec) {
  std::vector<NamespacePath> out;
  size_t i = 0;
  while (true) {
    size_t comma = spec.find(',');
    std::string_view entry = spec.substr(0, comma);
    size_t colon = entry.find(':');
    if (colon == std::string_view::npos)
      return fail(attr_error(ErrorKind::Protocol, kNsPathsAttr,
                             "entry {} {} is not of the form type:path", i, shown(entry)));
    std::string_view name = entry.substr(0, colon);
    uint32_t flag = namespace_flag(name);
    if (flag == 0)
      return fail(attr_error(ErrorKind::Protocol, kNsPathsAttr,
                             "entry {}: unknown namespace type {}", i, shown(name)));
    out.push_back({flag, std::string(entry.substr(colon + 1))});
    if (comma == std::string_view::npos) break;
    spec.remove_prefix(comma + 1);
    ++i;
  }
  return out;
}

Result<int32_t> parse_oom_score_adj(std::string_view s) {
  int32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size())
    return fail(
        attr_error(ErrorKind::Protocol, kOomScoreAdjAttr, "{} is not a decimal integer", shown(s)));
  return v;
}

Result<> decode_attr(uint16_t type, std::span<const std::byte> payload, Bootstrap& b) {
  switch (type) {
    case kCloneFlagsAttr: b.clone_flags = TRY(read_u32(type, payload)); return {};
    case kNsPathsAttr: {
      std::string spec = TRY(read_string(type, payload));
      b.ns_paths = TRY(parse_ns_paths(spec));
      return {};
    }
    case kUidMapAttr: b.uid_map = TRY(read_string(type, payload)); return {};
    case kGidMapAttr: b.gid_map = TRY(read_string(type, payload)); return {};
    case kSetgroupAttr: b.setgroups_deny = TRY(read_bool(type, payload)); return {};
    case kOomScoreAdjAttr: {
      std::string text = TRY(read_string(type, payload));
      b.oom_score_adj = TRY(parse_oom_score_adj(text));
      return {};
    }
    case kRootlessEuidAttr: b.rootless_euid = TRY(read_bool(type, payload)); return {};
    case kTimeOffsetsAttr: b.time_offsets = TRY(read_string(type, payload)); return {};
    default: break;
  }
  if (type == 27288 || type == 27289)
    return fail(attr_error(ErrorKind::Protocol, type, "not supported by hull"));
  return fail(Error::protocol(fmt::format("bootstrap: unknown attribute type {}", type)));
}

}  // namespace

std::string_view namespace_name(uint32_t clone_flag) {
  for (const auto& n : kNamespaceNames)
    if (n.flag == clone_flag) return n.name;
  return {};
}

uint32_t namespace_flag(std::string_view name) {
  for (const auto& n : kNamespaceNames)
    if (n.name == name) return n.flag;
  return 0;
}

Result<std::vector<std::byte>> encode(const Bootstrap& b) {
  TRY(check_fields(b, ErrorKind::InvalidArgument));
  Writer w;
  w.put_u32(kCloneFlagsAttr, b.clone_flags);
  if (!b.ns_paths.empty()) {
    std::string spec;
    for (const NamespacePath& ns : b.ns_paths) {
      if (!spec.empty()) spec += ',';
      spec += namespace_name(ns.clone_flag);
      spec += ':';
      spec += ns.path;
    }
    TRY(w.put_string(kNsPathsAttr, spec));
  }
  if (!b.uid_map.empty()) TRY(w.put_string(kUidMapAttr, b.uid_map));
  if (!b.gid_map.empty()) TRY(w.put_string(kGidMapAttr, b.gid_map));
  if (b.setgroups_deny) w.put_u32(kSetgroupAttr, 1);
  if (b.oom_score_adj) TRY(w.put_string(kOomScoreAdjAttr, fmt::format("{}", *b.oom_score_adj)));
  w.put_u32(kRootlessEuidAttr, b.rootless_euid ? 1 : 0);  // runc always sends it
  if (!b.time_offsets.empty()) TRY(w.put_string(kTimeOffsetsAttr, b.time_offsets));
  return std::move(w).finish();
}

Result<size_t> message_size(std::span<const std::byte> header) {
  if (header.size() < kHeaderSize)
    return fail(Error::protocol(
        fmt::format("bootstrap: truncated header: {} of {} bytes", header.size(), kHeaderSize)));
  NlMsgHdr hdr;
  std::memcpy(&hdr, header.data(), sizeof hdr);
  if (hdr.type != kInitMsg)
    return fail(Error::protocol(
        fmt::format("bootstrap: message type {} is not InitMsg ({})", hdr.type, kInitMsg)));
  if (hdr.len < kHeaderSize)
    return fail(Error::protocol(fmt::format(
        "bootstrap: nlmsg_len {} is shorter than the {}-byte header", hdr.len, kHeaderSize)));
  if (hdr.len > kMaxMessageSize)
    return fail(Error::protocol(fmt::format("bootstrap: nlmsg_len {} exceeds the limit of {} bytes",
                                            hdr.len, kMaxMessageSize)));
  return size_t{hdr.len};
}

Result<Bootstrap> decode(std::span<const std::byte> message) {
  size_t size = TRY(message_size(message));
  if (size != message.size())
    return fail(Error::protocol(fmt::format(
        "bootstrap: nlmsg_len {} disagrees with the {} bytes received", size, message.size())));
  Bootstrap b;
  uint32_t seen = 0;
  std::span<const std::byte> rest = message.subspan(kHeaderSize);
  while (!rest.empty()) {
    size_t offset = message.size() - rest.size();
    if (rest.size() < kAttrHeaderSize)
      return fail(Error::protocol(fmt::format(
          "bootstrap: {} trailing bytes at offset {} are too few for an attribute header",
          rest.size(), offset)));
    NlAttr attr;
    std::memcpy(&attr, rest.data(), sizeof attr);
    if (attr.len < kAttrHeaderSize)
      return fail(attr_error(ErrorKind::Protocol, attr.type,
                             "nla_len {} at offset {} is shorter than the 4-byte header", attr.len,
                             offset));
    if (attr.len > rest.size())
      return fail(attr_error(ErrorKind::Protocol, attr.type,
                             "nla_len {} at offset {} exceeds the {} bytes left", attr.len, offset,
                             rest.size()));
    std::span<const std::byte> payload = rest.subspan(kAttrHeaderSize, attr.len - kAttrHeaderSize);
    // The last attribute's padding may be missing, as the kernel's nla_next() allows.
    rest = rest.subspan(std::min(align4(attr.len), rest.size()));

    bool known = attr.type >= kCloneFlagsAttr && attr.type <= kTimeOffsetsAttr;
    if (known && (seen & attr_bit(attr.type)))
      return fail(attr_error(ErrorKind::Protocol, attr.type, "appears twice"));
    TRY(decode_attr(attr.type, payload, b));
    seen |= attr_bit(attr.type);
  }
  if (!(seen & attr_bit(kCloneFlagsAttr)))
    return fail(attr_error(ErrorKind::Protocol, kCloneFlagsAttr, "missing"));
  TRY(check_fields(b, ErrorKind::Protocol));
  return b;
}

std::vector<NamespacePath> join_order(const std::vector<NamespacePath>& paths) {
  auto rank = [](uint32_t flag) {
    switch (flag) {
      case CLONE_NEWUSER: return 0;
      case CLONE_NEWIPC: return 1;
      case CLONE_NEWUTS: return 2;
      case CLONE_NEWNET: return 3;
      case CLONE_NEWPID: return 4;
      case CLONE_NEWCGROUP: return 5;
      case CLONE_NEWTIME: return 6;
      case CLONE_NEWNS: return 8;
      default: return 7;
    }
  };
  std::vector<NamespacePath> sorted = paths;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](const NamespacePath& a, const NamespacePath& b) {
                     return rank(a.clone_flag) < rank(b.clone_flag);
                   });
  return sorted;
}

std::string format_id_map(std::span<const IdMapping> mappings) {
  std::string out;
  for (const IdMapping& m : mappings)
    out += fmt::format("{} {} {}\n", m.container_id, m.host_id, m.size);
  return out;
}

Result<std::vector<IdMapping>> parse_id_map(std::string_view text) {
  std::vector<IdMapping> out;
  size_t line_no = 1;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    uint32_t v[3] = {};
    std::string_view s = line;
    bool ok = true;
    for (int i = 0; i < 3 && ok; ++i) {
      if (i > 0) {
        ok = !s.empty() && s.front() == ' ';
        if (ok) s.remove_prefix(1);
      }
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v[i]);
      ok = ok && ec == std::errc() && !s.empty() && s.front() != '-' && s.front() != '+';
      if (ok) s.remove_prefix(static_cast<size_t>(end - s.data()));
    }
    if (!ok || !s.empty())
      return fail(Error::invalid(fmt::format(
          "id map line {}: \"{}\" is not \"<container-id> <host-id> <size>\"", line_no, line)));
    out.push_back({v[0], v[1], v[2]});
    ++line_no;
  }
  return out;
}

}  // namespace hull::nsexec
