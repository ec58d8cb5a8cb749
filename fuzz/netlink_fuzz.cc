// Feeds arbitrary bytes to the bootstrap decoder. Whatever it accepts must survive a round trip:
// encode() accepts every decoded value and decode(encode(x)) == x.
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/result.h"
#include "nsexec/bootstrap.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto decoded = hull::nsexec::decode(std::as_bytes(std::span(data, size)));
  if (!decoded.has_value()) return 0;
  auto encoded = MUST(hull::nsexec::encode(*decoded));
  VERIFY(MUST(hull::nsexec::decode(encoded)) == *decoded);
  return 0;
}
