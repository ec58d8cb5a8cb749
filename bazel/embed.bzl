"""embed_file: the bytes of a file built by Bazel, linked into a library as read-only data."""

load("@rules_cc//cc:defs.bzl", "cc_library")

def embed_file(name, src, symbol, **kwargs):
    """A cc_library defining `const unsigned char SYMBOL[]` and `const unsigned long SYMBOL_size`.

    The assembler pulls the file in with .incbin, so no C array of megabytes is compiled.
    Declare them in C++ as: extern "C" const unsigned char SYMBOL[]; extern "C" const unsigned
    long SYMBOL_size;

    Args:
      name: the library.
      src: the file (a label; often a cc_binary).
      symbol: the C symbol of the first byte.
      **kwargs: passed to cc_library (visibility, ...).
    """

    # A header extension makes the file an input of the library's compile actions.
    native.genrule(
        name = name + "_inc",
        srcs = [src],
        outs = [name + ".inc"],
        cmd = "cp $< $@",
    )
    native.genrule(
        name = name + "_asm",
        srcs = [":" + name + "_inc"],
        outs = [name + ".S"],
        # The digest makes this source change with the file: the compiler's dependency file does
        # not name an .incbin, and Bazel prunes a compile's inputs by it, so without the digest
        # a changed file would leave the action cached and the old bytes embedded.
        cmd = """{{ echo "/* {sym}: sha256 $$(sha256sum < $(location :{name}_inc) | cut -c1-64) */"; cat <<'EOF'
    .section .rodata
    .global {sym}
    .global {sym}_size
    .balign 64
{sym}:
    .incbin "$(location :{name}_inc)"
{sym}_end:
    .balign 8
{sym}_size:
    .quad {sym}_end - {sym}
    .section .note.GNU-stack,"",@progbits
EOF
}} > $@""".format(sym = symbol, name = name),
    )
    cc_library(
        name = name,
        srcs = [":" + name + "_asm"],
        textual_hdrs = [":" + name + "_inc"],
        **kwargs
    )
