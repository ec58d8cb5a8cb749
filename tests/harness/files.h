// Files and text as tests read them: whole files, lines, trimmed values.
#pragma once

#include <string>
#include <vector>

namespace hull::testing {

// The whole file; "" when it cannot be read.
std::string read_text(const std::string& path);
// Replaces the file's content; false on failure.
bool write_text(const std::string& path, const std::string& text);
// Whether `path` exists (stat: a symlink counts by its target).
bool exists(const std::string& path);

// `s` without trailing newlines and spaces ("67108864\n" -> "67108864").
std::string trimmed(std::string s);
// The lines of `text`, without their newlines ("a\nb\n" -> {"a", "b"}).
std::vector<std::string> lines_of(const std::string& text);
// The lines of `text` that contain `needle`.
std::vector<std::string> lines_with(const std::string& text, const std::string& needle);

}  // namespace hull::testing
