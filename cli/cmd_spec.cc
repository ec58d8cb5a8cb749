// hull spec [--bundle DIR] [--rootless]: writes runc's default config.json.
#include <fcntl.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "container/config.h"
#include "sys/file.h"

namespace hull::cli {

using base::Error;
using base::fail;

Result<int> cmd_spec(Globals&, Argv argv) {
  static constexpr FlagSpec kFlags[] = {{"bundle", "b", true}, {"rootless", "", false}};
  Args a = TRY(parse_args(argv, kFlags));
  std::string bundle = a.get_or("bundle", ".");
  std::string path = bundle + "/config.json";
  if (sys::exists(path)) return fail(Error::invalid(fmt::format("File {} exists. Remove it first", path)));
  std::string json = container::default_spec_json(a.has("rootless"));
  sys::UniqueFd dir = TRY(sys::open(bundle, O_RDONLY | O_DIRECTORY));
  TRY(sys::write_file_atomic(dir, "config.json", json, 0644));
  return 0;
}

}  // namespace hull::cli
