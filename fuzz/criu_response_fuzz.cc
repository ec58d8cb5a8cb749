// Feeds arbitrary packets to the criu_resp decoder, as a broken or hostile criu could send them.
// Whatever decodes must survive a re-encode unchanged, and the error mapping must hold.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "criu/criu_client.h"
#include "criu/internal/codec.h"

using namespace hull::criu;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // SAFETY: the fuzzer's bytes viewed as chars; same size, read only.
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)last_log_error(bytes);  // criu's log text is read back on failures
  (void)parse_version_output(bytes);
  auto resp = internal::decode_response(bytes);
  if (!resp.has_value()) {
    VERIFY(resp.error().kind() == hull::base::ErrorKind::Protocol);
    return 0;
  }
  auto again = internal::decode_response(internal::encode_response(*resp));
  VERIFY(again.has_value() && *again == *resp);
  auto checked = check_response(*resp, resp->type, "see x.log");
  VERIFY(checked.has_value() == resp->success);
  return 0;
}
