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

# hull's programs link statically: no dynamic loader work at each start, nothing to resolve
# against the host's libraries, one file. lld links static-pie (ASLR kept); sanitizer builds need
# the sanitizers' shared runtimes and stay dynamic.
HULL_STATIC_LINKOPTS = select({
    "//bazel:sanitizer": [],
    "//conditions:default": [
        "-static-pie",
        "-fuse-ld=lld",
    ],
})
