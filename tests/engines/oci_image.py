#!/usr/bin/env python3
"""Builds a single-layer image archive from a rootfs tar, offline, with the standard library only.

usage: oci_image.py ROOTFS_TAR OUT_TAR NAME[:TAG] [CMD...]

The output is an OCI image layout (oci-layout, index.json, blobs/sha256/...) whose index names the
image with the io.containerd.image.name annotation, so `ctr image import` tags it; it also carries
a docker-archive manifest.json, so `docker load` accepts the same file.
"""
import hashlib
import io
import json
import platform
import sys
import tarfile
import time

ARCHES = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "ppc64le": "ppc64le",
          "s390x": "s390x", "riscv64": "riscv64"}


def full_name(name):
    """busybox:local -> docker.io/library/busybox:local (containerd's normalised form)."""
    if ":" not in name.rsplit("/", 1)[-1]:
        name += ":latest"
    first = name.split("/", 1)[0]
    if "/" not in name:
        return "docker.io/library/" + name
    if "." not in first and ":" not in first and first != "localhost":
        return "docker.io/" + name
    return name


def blob(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    rootfs_tar, out_tar, name = argv[1], argv[2], argv[3]
    cmd = argv[4:] or ["/bin/sh"]
    with open(rootfs_tar, "rb") as f:
        layer = f.read()
    arch = ARCHES.get(platform.machine(), platform.machine())
    layer_digest = blob(layer)  # uncompressed: the diff id is the layer digest
    config = json.dumps({
        "architecture": arch,
        "os": "linux",
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(0)),
        "config": {"Cmd": cmd, "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
        "rootfs": {"type": "layers", "diff_ids": [layer_digest]},
        "history": [{"created_by": "tests/engines/oci_image.py"}],
    }, sort_keys=True).encode()
    config_digest = blob(config)
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": config_digest, "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": layer_digest, "size": len(layer)}],
    }, sort_keys=True).encode()
    manifest_digest = blob(manifest)
    ref = full_name(name)
    index = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": manifest_digest, "size": len(manifest),
            "platform": {"architecture": arch, "os": "linux"},
            "annotations": {"io.containerd.image.name": ref,
                            "org.opencontainers.image.ref.name": ref.rsplit(":", 1)[1]},
        }],
    }, sort_keys=True).encode()

    def hexpath(digest):
        return "blobs/sha256/" + digest.split(":", 1)[1]

    docker_manifest = json.dumps([{
        "Config": hexpath(config_digest),
        "RepoTags": [ref[len("docker.io/library/"):] if ref.startswith("docker.io/library/") else ref],
        "Layers": [hexpath(layer_digest)],
    }]).encode()

    with tarfile.open(out_tar, "w", format=tarfile.PAX_FORMAT) as out:
        def add(path, data):
            info = tarfile.TarInfo(path)
            info.size = len(data)
            info.mode = 0o644
            out.addfile(info, io.BytesIO(data))

        for d in ("blobs", "blobs/sha256"):
            info = tarfile.TarInfo(d)
            info.type = tarfile.DIRTYPE
            info.mode = 0o755
            out.addfile(info)
        add("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        add("index.json", index)
        add("manifest.json", docker_manifest)
        add(hexpath(config_digest), config)
        add(hexpath(manifest_digest), manifest)
        add(hexpath(layer_digest), layer)
    print(ref)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
