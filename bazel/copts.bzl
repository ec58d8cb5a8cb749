"""Compiler flags for hull's own code (not for Debian's headers)."""

HULL_COPTS = [
    "-Wall",
    "-Wextra",
    "-Wpedantic",
    "-Werror",
    "-Wconversion",
    "-Wsign-conversion",
    "-Wshadow",
    "-fno-exceptions",
    # g++ 12 reports false -Wrestrict errors inside std::string at -O2 (GCC bug 105651).
    "-Wno-restrict",
]
