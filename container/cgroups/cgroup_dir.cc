#include "container/cgroups/cgroup_dir.h"

#include <fcntl.h>

#include <charconv>
#include <limits>

#include "base/strings.h"
#include "sys/dir_entries.h"
#include "sys/file.h"

namespace hull::container::cgroups {

using base::Error;
using base::fail;
using base::trim;

namespace {

// sys errors name the relative file; restate them with the full path.
Error with_path(Error e, const std::string& full) {
  if (e.kind() == base::ErrorKind::Sys) return Error::from_errno(e.errno_code(), e.op(), full);
  return std::move(e).context(full);
}

}  // namespace

Result<uint64_t> parse_u64(std::string_view text, const std::string& what) {
  text = trim(text);
  if (text == "max") return std::numeric_limits<uint64_t>::max();
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size())
    return fail(Error::protocol(what + ": not a number: \"" + std::string(text) + "\""));
  return v;
}

Result<CgroupDir> CgroupDir::open(const std::string& path) {
  sys::UniqueFd fd = TRY(sys::open(path, O_RDONLY | O_DIRECTORY));
  return CgroupDir(path, std::move(fd));
}

Result<std::string> CgroupDir::read(const std::string& file) const {
  auto fd = sys::openat(m_fd, file, O_RDONLY);
  if (!fd.has_value()) return fail(with_path(std::move(fd).error(), file_path(file)));
  auto text = sys::read_all(*fd, file_path(file));
  if (!text.has_value()) return fail(with_path(std::move(text).error(), file_path(file)));
  return std::move(*text);
}

Result<std::string> CgroupDir::read_trimmed(const std::string& file) const {
  std::string text = TRY(read(file));
  return std::string(trim(text));
}

Result<uint64_t> CgroupDir::read_u64(const std::string& file) const {
  std::string text = TRY(read(file));
  return parse_u64(text, file_path(file));
}

Result<> CgroupDir::write(const std::string& file, const std::string& value) const {
  auto fd = sys::openat(m_fd, file, O_WRONLY);
  if (!fd.has_value()) return fail(with_path(std::move(fd).error(), file_path(file)));
  auto written = sys::write_all(*fd, value, file_path(file));
  if (!written.has_value())
    return fail(with_path(std::move(written).error(), file_path(file))
                    .context("writing \"" + value + "\""));
  return {};
}

bool CgroupDir::has(const std::string& file) const {
  return sys::fstatat(m_fd, file, 0).has_value();
}

Result<std::vector<std::string>> CgroupDir::files() const {
  std::vector<sys::DirEntry> entries = TRY(sys::list_dir_at(m_fd, m_path));
  std::vector<std::string> out;
  for (auto& e : entries)
    if (!e.is_dir) out.push_back(std::move(e.name));
  return out;
}

Result<std::vector<std::string>> CgroupDir::children() const {
  std::vector<sys::DirEntry> entries = TRY(sys::list_dir_at(m_fd, m_path));
  std::vector<std::string> out;
  for (auto& e : entries)
    if (e.is_dir) out.push_back(std::move(e.name));
  return out;
}

Result<std::vector<pid_t>> CgroupDir::procs() const {
  std::string text = TRY(read("cgroup.procs"));
  std::vector<pid_t> out;
  for (std::string_view raw : base::split(text, '\n')) {
    std::string_view line = trim(raw);
    if (line.empty()) continue;
    uint64_t v = TRY(parse_u64(line, file_path("cgroup.procs")));
    out.push_back(static_cast<pid_t>(v));
  }
  return out;
}

}  // namespace hull::container::cgroups
