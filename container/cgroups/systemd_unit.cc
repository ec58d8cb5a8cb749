#include "container/cgroups/systemd_unit.h"

#include <vector>

namespace hull::container::cgroups {

using base::Error;
using base::fail;

namespace {

constexpr std::string_view kSliceSuffix = ".slice";

Error bad_path(const std::string& path, const std::string& why) {
  return Error::invalid("linux.cgroupsPath: \"" + path + "\": " + why);
}

}  // namespace

base::Result<std::string> expand_slice(const std::string& slice) {
  auto invalid = [&] { return fail(Error::invalid("invalid slice name: \"" + slice + "\"")); };
  if (slice.size() <= kSliceSuffix.size() || !slice.ends_with(kSliceSuffix) ||
      slice.find('/') != std::string::npos)
    return invalid();
  std::string base = slice.substr(0, slice.size() - kSliceSuffix.size());
  if (base == "-") return std::string();
  std::string path, prefix;
  size_t pos = 0;
  for (;;) {
    size_t dash = base.find('-', pos);
    std::string part = base.substr(pos, dash == std::string::npos ? std::string::npos : dash - pos);
    if (part.empty()) return invalid();  // "-a", "a--b", "a-"
    path += "/" + prefix + part + std::string(kSliceSuffix);
    prefix += part + "-";
    if (dash == std::string::npos) break;
    pos = dash + 1;
  }
  return path;
}

base::Result<SystemdUnitName> parse_systemd_cgroups_path(const std::string& cgroups_path,
                                                         const std::string& id, bool rootless) {
  std::string slice, prefix = "hull", name = id;
  if (!cgroups_path.empty()) {
    std::vector<std::string> parts;
    size_t pos = 0;
    for (;;) {
      size_t colon = cgroups_path.find(':', pos);
      parts.push_back(cgroups_path.substr(pos, colon == std::string::npos ? colon : colon - pos));
      if (colon == std::string::npos) break;
      pos = colon + 1;
    }
    if (parts.size() != 3)
      return fail(Error::invalid(
          "expected cgroupsPath to be of format \"slice:prefix:name\" for systemd cgroups, got \"" +
          cgroups_path + "\" instead"));
    slice = parts[0];
    prefix = parts[1];
    name = parts[2];
  }
  if (slice.empty()) slice = rootless ? "user.slice" : "system.slice";
  for (const std::string* part : {&prefix, &name})
    if (part->find('/') != std::string::npos || *part == "." || *part == "..")
      return fail(bad_path(cgroups_path, "\"" + *part + "\" is not a unit name part"));
  if (name.empty()) return fail(bad_path(cgroups_path, "the name is empty"));
  if (name.ends_with(kSliceSuffix))
    return fail(bad_path(cgroups_path, "the unit " + name +
                                           " is a slice, which cannot hold the container's "
                                           "processes (name a scope)"));
  auto expanded = expand_slice(slice);
  if (!expanded.has_value()) return fail(bad_path(cgroups_path, expanded.error().message()));
  // runc's name: prefix "-" name ".scope", also with an empty prefix.
  return SystemdUnitName{slice, prefix + "-" + name + ".scope"};
}

base::Result<std::string> systemd_unit_cgroup(const SystemdUnitName& name) {
  std::string slice = TRY(expand_slice(name.slice));
  return slice + "/" + name.unit;
}

}  // namespace hull::container::cgroups
