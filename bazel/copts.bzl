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
]
