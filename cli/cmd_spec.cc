// hull spec [--bundle DIR] [--rootless]: writes runc's default config.json.
#include <fcntl.h>

#include "cli/command.h"
#include "container/config.h"
#include "sys/file.h"

namespace hull::cli {
namespace {

using base::Error;
using base::fail;

Result<int> spec(Globals&, const Args& a) {
  std::string bundle = a.get_or("bundle", ".");
  std::string path = bundle + "/config.json";
  if (sys::exists(path))
    return fail(Error::invalid(fmt::format("File {} exists. Remove it first", path)));
  std::string json = container::default_spec_json(a.has("rootless"));
  sys::UniqueFd dir = TRY(sys::open(bundle, O_RDONLY | O_DIRECTORY));
  TRY(sys::write_file_atomic(dir, "config.json", json, 0644));
  return 0;
}

const Registration kSpec({
    .name = "spec",
    .usage =
        "hull spec [--bundle DIR] [--rootless]\n  Create a new specification file (config.json).",
    .flags = {{"bundle", "b", true}, {"rootless", "", false}},
    .interspersed = false,
    .run = spec,
});

}  // namespace
}  // namespace hull::cli
