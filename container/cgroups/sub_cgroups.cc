#include "container/cgroups/sub_cgroups.h"

#include <vector>

namespace hull::container::cgroups {

using base::Error;
using base::fail;

namespace {

// `rel` as "/a/b" (or "" for the cgroup itself); ".." may not climb above it.
Result<std::string> clean_relative(const std::string& rel) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= rel.size()) {
    size_t j = rel.find('/', i);
    if (j == std::string::npos) j = rel.size();
    std::string comp = rel.substr(i, j - i);
    if (comp == "..") {
      if (parts.empty())
        return fail(Error::invalid(fmt::format(
            "--cgroup: \"{}\" is not a sub cgroup path: it leaves the container's cgroup", rel)));
      parts.pop_back();
    } else if (!comp.empty() && comp != ".") {
      parts.push_back(std::move(comp));
    }
    i = j + 1;
  }
  std::string out;
  for (const auto& p : parts) out += "/" + p;
  return out;
}

std::string known_controllers(const CgroupPaths& c) {
  std::string out;
  for (const auto& [name, _] : c.paths) {
    if (!out.empty()) out += ", ";
    out += name.empty() ? "\"\" (cgroup2)" : name;
  }
  return out;
}

}  // namespace

Result<CgroupPaths> sub_cgroup_paths(const CgroupPaths& container,
                                     const std::map<std::string, std::string>& sub) {
  if (sub.empty()) return container;
  CgroupPaths out = container;
  if (sub.size() == 1 && sub.begin()->first.empty()) {
    std::string rel = TRY(clean_relative(sub.begin()->second));
    for (auto& [_, path] : out.paths) path += rel;
    return out;
  }
  // The directory each requested controller moves to, keyed by the container's directory, so
  // co-mounted controllers follow each other.
  std::map<std::string, std::string> moved;
  for (const auto& [controller, rel_in] : sub) {
    auto it = container.paths.find(controller);
    if (it == container.paths.end())
      return fail(Error::invalid(
          fmt::format("--cgroup {}:{}: unknown controller \"{}\" (the container has {})",
                      controller, rel_in, controller, known_controllers(container))));
    std::string target = it->second + TRY(clean_relative(rel_in));
    auto [at, inserted] = moved.emplace(it->second, target);
    if (!inserted && at->second != target)
      return fail(Error::invalid(fmt::format(
          "--cgroup: controllers sharing the hierarchy {} were given different sub-cgroups",
          it->second)));
  }
  for (auto& [_, path] : out.paths)
    if (auto it = moved.find(path); it != moved.end()) path = it->second;
  return out;
}

}  // namespace hull::container::cgroups
