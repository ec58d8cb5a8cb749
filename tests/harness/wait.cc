#include "tests/harness/wait.h"

#include <thread>

#include "tests/harness/files.h"

namespace hull::testing {

bool wait_for(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!cond()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

bool wait_for_file(const std::string& path, std::chrono::milliseconds timeout) {
  return wait_for([&] { return exists(path); }, timeout);
}

std::string wait_for_text(const std::string& path, const std::string& needle,
                          std::chrono::milliseconds timeout) {
  std::string text;
  wait_for(
      [&] {
        text = read_text(path);
        return text.find(needle) != std::string::npos;
      },
      timeout);
  return text;
}

}  // namespace hull::testing
