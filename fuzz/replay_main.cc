// A main for g++ builds of fuzz targets (libFuzzer needs clang): runs LLVMFuzzerTestOneInput once
// on every file named on the command line or found in a named directory, so the seed corpus runs
// as an ordinary test. A crash or VERIFY failure aborts the test; an empty corpus fails it.
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "sys/file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

int replay(const std::string& path) {
  auto text = hull::sys::read_file(path);
  if (!text.has_value()) {
    std::fprintf(stderr, "replay: %s\n", text.error().message().c_str());
    return 1;
  }
  std::fprintf(stderr, "replay: %s (%zu bytes)\n", path.c_str(), text->size());
  (void)LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(text->data()), text->size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int inputs = 0, errors = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto names = hull::sys::list_dir(arg);
    if (!names.has_value() && names.error().errno_code() == ENOTDIR) {
      errors += replay(arg);
      ++inputs;
      continue;
    }
    if (!names.has_value()) {
      std::fprintf(stderr, "replay: %s\n", names.error().message().c_str());
      ++errors;
      continue;
    }
    std::sort(names->begin(), names->end());
    for (const std::string& n : *names) {
      errors += replay(arg + "/" + n);
      ++inputs;
    }
  }
  std::fprintf(stderr, "replay: %d inputs, %d unreadable\n", inputs, errors);
  if (inputs == 0) std::fprintf(stderr, "replay: no inputs: an empty corpus tests nothing\n");
  return errors == 0 && inputs > 0 ? 0 : 1;
}
