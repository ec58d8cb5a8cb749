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
    # g++ 12 reports false -Wrestrict errors inside std::string at -O2 (GCC bug 105651); clang
    # (the fuzz build) does not know -Wrestrict, hence the unknown-option silencer before it.
    "-Wno-unknown-warning-option",
    "-Wno-restrict",
]
