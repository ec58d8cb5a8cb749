// Polling for something a container or another process does in its own time.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace hull::testing {

// Polls `cond` every 20 ms until it holds or `timeout` passes; whether it held.
bool wait_for(const std::function<bool()>& cond,
              std::chrono::milliseconds timeout = std::chrono::seconds(10));
// Polls until `path` exists.
bool wait_for_file(const std::string& path,
                   std::chrono::milliseconds timeout = std::chrono::seconds(10));
// Polls `path` until it contains `needle`; returns the last contents read.
std::string wait_for_text(const std::string& path, const std::string& needle,
                          std::chrono::milliseconds timeout = std::chrono::seconds(15));

}  // namespace hull::testing
