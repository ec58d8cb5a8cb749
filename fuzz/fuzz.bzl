"""hull_fuzz_target: one fuzz target as a libFuzzer binary and a g++ corpus replay test."""

load("@rules_cc//cc:defs.bzl", "cc_binary", "cc_test")
load("//bazel:copts.bzl", "HULL_COPTS")

def hull_fuzz_target(name, srcs, deps, corpus = None):
    """Declares `name` (clang libFuzzer, `--config=fuzz`) and `name_replay` (runs the corpus).

    Args:
      name: the target, e.g. "config_fuzz"; its source defines LLVMFuzzerTestOneInput.
      srcs: the target's sources.
      deps: libraries under test.
      corpus: the seed directory in this package; default "corpus/<name>". tools/fuzz-campaign
        adds new inputs there.
    """
    corpus = corpus or "corpus/" + name

    # libFuzzer's main comes from -fsanitize=fuzzer (clang only); "manual" keeps it out of //...
    cc_binary(
        name = name,
        srcs = srcs,
        copts = HULL_COPTS,
        linkopts = ["-fsanitize=fuzzer"],
        tags = ["manual"],
        deps = deps,
    )

    # Any compiler: replay_main runs every seed once, so `bazel test //...` covers the corpus.
    cc_test(
        name = name + "_replay",
        size = "small",
        srcs = srcs,
        args = [native.package_name() + "/" + corpus],
        copts = HULL_COPTS,
        data = native.glob([corpus + "/**"]),
        deps = deps + [":replay_main"],
    )
