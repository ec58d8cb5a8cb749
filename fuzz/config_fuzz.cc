// Feeds arbitrary bytes to the config.json parser. Whatever it accepts must satisfy the checks
// the parser promises, so later layers may rely on them.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string_view>

#include "base/result.h"
#include "container/config.h"
#include "container/resources.h"

using namespace hull::container;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  // The sub-object entry points share the readers; exercise them on the same bytes. What parses
  // as resources writes back to itself (update records merged limits so in state.json).
  if (auto r = parse_resources(json); r.has_value()) {
    VERIFY(MUST(parse_resources(write_resources(*r))) == *r);
  }
  if (auto p = parse_process(json); p.has_value()) VERIFY(!p->args.empty() && p->cwd[0] == '/');
  auto cfg = parse_config(json);
  if (!cfg.has_value()) {
    VERIFY(cfg.error().message().find('\n') == std::string::npos || json.find('\n') != json.npos);
    return 0;
  }
  VERIFY(cfg->oci_version.starts_with("1."));
  if (cfg->process) VERIFY(!cfg->process->args.empty() && cfg->process->cwd.starts_with('/'));
  if (cfg->root) VERIFY(!cfg->root->path.empty());
  for (const Mount& m : cfg->mounts) VERIFY(!m.destination.empty());
  if (cfg->linux) {
    std::set<NamespaceType> seen;
    for (const Namespace& ns : cfg->linux->namespaces) VERIFY(seen.insert(ns.type).second);
    for (const Namespace& ns : cfg->linux->namespaces) VERIFY(cfg->find_namespace(ns.type) == &ns);
  }
  return 0;
}
