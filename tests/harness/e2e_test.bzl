"""The shape of every end-to-end test in tests/: the real hull binary, real root, no sandbox."""

load("@rules_cc//cc:defs.bzl", "cc_test")
load("//bazel:copts.bzl", "HULL_COPTS")

def e2e_test(name, srcs = None, deps = [], data = [], tags = [], size = "large"):
    """A gtest binary (srcs: NAME.cc) linked with //tests/harness, run as root outside Bazel's
    sandbox with //cli:hull in its runfiles (see tests/harness/harness.h)."""
    cc_test(
        name = name,
        size = size,
        srcs = srcs if srcs != None else [name + ".cc"],
        copts = HULL_COPTS,
        data = ["//cli:hull"] + data,
        tags = ["no-sandbox"] + tags,
        deps = [
            "//tests/harness",
            "@system_libs//:gmock_main",
        ] + deps,
    )
