// Conversion between criu/'s protobuf-free Request/Response and CRIU's rpc.proto wire messages
// (criu_req / criu_resp, generated into criu/internal/rpc.pb.h). Pure functions: no I/O.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "criu/criu_client.h"

namespace hull::criu::internal {

// A serialized criu_req. Options are copied from req.opts when set; inherit_fds[i] is sent as
// criu's fd kFirstInheritedFd + i; an empty log_file becomes default_log_file(req.type).
std::string encode_request(const Request& req);

// Parses one criu_resp packet. Malformed bytes, a missing required field (type, success) or an
// unknown type are Protocol errors naming the packet size. Never reads past `bytes`.
Result<Response> decode_response(std::string_view bytes);

// The inverse of decode_response, for tests and the fuzzer that play criu's side.
std::string encode_response(const Response& resp);

}  // namespace hull::criu::internal
