"""hull's external dependencies: Debian's system libraries and Bazel's own mock repos, all offline."""

load("@bazel_tools//tools/build_defs/repo:utils.bzl", "maybe")

def _coverage_stub_impl(rctx):
    # Every cc_test depends on @remote_coverage_tools, which Bazel would otherwise download.
    rctx.file("WORKSPACE", "")
    rctx.file("BUILD", """package(default_visibility = ["//visibility:public"])
filegroup(name = "coverage_report_generator", srcs = [])
filegroup(name = "lcov_merger", srcs = [])
""")

_coverage_stub = repository_rule(implementation = _coverage_stub_impl)

def hull_dependencies():
    """Declares every repository hull needs; maybe() lets a consumer declare one first."""
    for name in ["rules_cc", "rules_java"]:
        maybe(native.local_repository, name = name, path = "/usr/src/bazel-bootstrap/mock_repos/" + name)
    maybe(_coverage_stub, name = "remote_coverage_tools")

    # build_file must be a string in Bazel 4.2.3; str(Label()) resolves it inside @hull for consumers.
    maybe(
        native.new_local_repository,
        name = "system_libs",
        path = "/usr",
        build_file = str(Label("//bazel:system_libs.BUILD")),
    )
    maybe(
        native.new_local_repository,
        name = "com_google_protobuf",
        path = "/usr",
        build_file = str(Label("//bazel:protobuf.BUILD")),
    )
