#!/usr/bin/env python3
"""Packs root filesystem directories into an OCI image archive (an OCI image layout in a tar), reproducibly.

    hack/oci-image.py --out X.oci.tar --ref docker.io/library/foo:1.0 [--ref ...] \
        --layer DIR [--layer DIR ...] [--epoch N] [--layer-cache DIR] \
        [--layer-epoch N ...] [--env K=V ...] [--entrypoint JSON] [--cmd JSON] [--user U] [--workdir D] \
        [--expose 5432/tcp ...] [--label K=V ...] [--stop-signal SIGINT] [--history TEXT ...]

Each --layer DIR becomes one layer holding everything under DIR (layers only add files: no whiteouts). Entries are
sorted by path, owners are numeric (uid/gid as on disk, no user or group names), modification times are clamped to
--epoch (SOURCE_DATE_EPOCH), the contents of dev/, proc/ and sys/ and any socket are left out, hard links are kept.
Layers are gzip'ed with no name and mtime 0, so the same directory contents give the same layer digest. The
config's rootfs.diff_ids are the sha256 of the uncompressed layer tars; --layer-cache DIR keeps compressed blobs by
diff_id, so an unchanged layer (e.g. a base layer) is not compressed again.

index.json names each --ref with two annotations: io.containerd.image.name (the full name, which `ctr images import`
uses) and org.opencontainers.image.ref.name (the tag, as `docker buildx --output type=oci` writes it). Standard
library only.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import shutil
import stat
import sys
import tarfile
import tempfile
import time

LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip"
CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json"
MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json"
INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json"
SKIP_CONTENTS = {"dev", "proc", "sys"}
CHUNK = 1 << 20


def die(message):
    print(f"oci-image: ERROR: {message}", file=sys.stderr)
    sys.exit(1)


class HashingWriter(io.RawIOBase):
    """A write-only file object that hashes and counts what passes through to `target`."""

    def __init__(self, target):
        self.target = target
        self.sha = hashlib.sha256()
        self.size = 0

    def writable(self):
        return True

    def tell(self):
        return self.size

    def write(self, data):
        self.sha.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(data)


def walk(root):
    """Yields (archive name, absolute path) for everything under root, sorted by archive name."""
    entries = []
    for directory, dirs, files in os.walk(root):
        rel = os.path.relpath(directory, root)
        if rel != ".":
            entries.append((rel, directory))
        if rel in SKIP_CONTENTS:  # the directory itself, but not what the build host had in it
            dirs[:] = []
            continue
        for name in dirs:
            path = os.path.join(directory, name)
            if os.path.islink(path):  # os.walk does not descend into it; it is a symlink entry
                entries.append((os.path.normpath(os.path.join(rel, name)), path))
        for name in files:
            entries.append((os.path.normpath(os.path.join(rel, name)), os.path.join(directory, name)))
    entries.sort(key=lambda e: e[0].encode("utf-8", "surrogateescape"))
    return entries


def write_layer_tar(root, out, epoch):
    """Writes the layer tar of `root` to the binary file object `out`."""
    links = {}
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, path in walk(root):
            st = os.lstat(path)
            if stat.S_ISSOCK(st.st_mode):
                continue
            info = tarfile.TarInfo(name)
            info.mode = stat.S_IMODE(st.st_mode)
            info.uid, info.gid = st.st_uid, st.st_gid
            info.uname = info.gname = ""
            info.mtime = min(int(st.st_mtime), epoch)
            if stat.S_ISDIR(st.st_mode):
                info.type = tarfile.DIRTYPE
            elif stat.S_ISLNK(st.st_mode):
                info.type = tarfile.SYMTYPE
                info.linkname = os.readlink(path)
            elif stat.S_ISREG(st.st_mode):
                key = (st.st_dev, st.st_ino)
                if st.st_nlink > 1 and key in links:
                    info.type = tarfile.LNKTYPE
                    info.linkname = links[key]
                else:
                    links[key] = name
                    info.type = tarfile.REGTYPE
                    info.size = st.st_size
                    with open(path, "rb") as f:
                        tar.addfile(info, f)
                    continue
            elif stat.S_ISFIFO(st.st_mode):
                info.type = tarfile.FIFOTYPE
            elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
                info.type = tarfile.CHRTYPE if stat.S_ISCHR(st.st_mode) else tarfile.BLKTYPE
                info.devmajor, info.devminor = os.major(st.st_rdev), os.minor(st.st_rdev)
            else:
                die(f"{path}: unsupported file type")
            tar.addfile(info)


def copy_hashed(src, dst):
    sha = hashlib.sha256()
    size = 0
    while True:
        data = src.read(CHUNK)
        if not data:
            return sha.hexdigest(), size
        sha.update(data)
        size += len(data)
        dst.write(data)


def make_layer(root, epoch, blobs, cache):
    """Adds the gzip'ed layer of `root` to `blobs` (a directory); returns (diff_id, digest, size)."""
    if not os.path.isdir(root):
        die(f"layer directory {root} does not exist")
    with tempfile.TemporaryFile(dir=blobs) as raw:
        hashing = HashingWriter(raw)
        write_layer_tar(root, hashing, epoch)
        diff_id = hashing.sha.hexdigest()
        cached = os.path.join(cache, diff_id + ".tar.gz") if cache else None
        if cached and os.path.isfile(cached):
            with open(cached, "rb") as src, tempfile.NamedTemporaryFile(dir=blobs, delete=False) as dst:
                digest, size = copy_hashed(src, dst)
        else:
            raw.seek(0)
            with tempfile.NamedTemporaryFile(dir=blobs, delete=False) as dst:
                hashing_dst = HashingWriter(dst)
                with gzip.GzipFile(filename="", mode="wb", compresslevel=6, fileobj=hashing_dst, mtime=0) as gz:
                    shutil.copyfileobj(raw, gz, CHUNK)
                digest, size = hashing_dst.sha.hexdigest(), hashing_dst.size
            if cached:
                os.makedirs(cache, exist_ok=True)
                shutil.copyfile(dst.name, cached + ".tmp")
                os.replace(cached + ".tmp", cached)
        os.replace(dst.name, os.path.join(blobs, digest))
    return diff_id, digest, size


def add_json_blob(blobs, document):
    data = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return digest, len(data)


def split_ref(ref):
    """docker.io/library/postgres:17.6-trixie -> tag 17.6-trixie (the part after the last ':' past the last '/')."""
    last = ref.rsplit("/", 1)[-1]
    if ":" not in last or "@" in ref:
        die(f"--ref {ref}: a full name with a tag is required, e.g. docker.io/library/busybox:1.36.1")
    return last.rsplit(":", 1)[1]


def key_values(pairs, what):
    result = {}
    for pair in pairs:
        if "=" not in pair:
            die(f"{what} {pair}: expected KEY=VALUE")
        key, value = pair.split("=", 1)
        result[key] = value
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="the archive to write (replaced atomically)")
    p.add_argument("--ref", action="append", required=True, help="full image name with tag; repeatable")
    p.add_argument("--layer", action="append", required=True, help="a directory that becomes one layer; repeatable")
    p.add_argument("--history", action="append", default=[], help="created_by text per layer, in order")
    p.add_argument("--epoch", type=int, default=int(os.environ.get("SOURCE_DATE_EPOCH", "0")))
    p.add_argument("--layer-epoch", type=int, action="append", default=[], help="per --layer, in order (default --epoch)")
    p.add_argument("--layer-cache", help="directory of compressed layers by diff_id")
    p.add_argument("--env", action="append", default=[])
    p.add_argument("--entrypoint", help="JSON array")
    p.add_argument("--cmd", help="JSON array")
    p.add_argument("--user")
    p.add_argument("--workdir")
    p.add_argument("--expose", action="append", default=[], help="PORT/PROTO")
    p.add_argument("--label", action="append", default=[])
    p.add_argument("--stop-signal")
    p.add_argument("--arch", default="amd64")
    a = p.parse_args()

    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(a.epoch))
    config = {"Env": [f"{k}={v}" for k, v in key_values(a.env, "--env").items()]}
    for field, value in (("Entrypoint", a.entrypoint), ("Cmd", a.cmd)):
        if value is not None:
            parsed = json.loads(value)
            if not (isinstance(parsed, list) and all(isinstance(x, str) for x in parsed)):
                die(f"--{field.lower()} must be a JSON array of strings")
            config[field] = parsed
    if a.user:
        config["User"] = a.user
    if a.workdir:
        config["WorkingDir"] = a.workdir
    if a.expose:
        config["ExposedPorts"] = {port if "/" in port else port + "/tcp": {} for port in a.expose}
    if a.label:
        config["Labels"] = key_values(a.label, "--label")
    if a.stop_signal:
        config["StopSignal"] = a.stop_signal
    tags = [split_ref(ref) for ref in a.ref]

    out_dir = os.path.dirname(os.path.abspath(a.out))
    os.makedirs(out_dir, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".oci-image.") as work:
        blobs = os.path.join(work, "blobs", "sha256")
        os.makedirs(blobs)
        layers, diff_ids, history = [], [], []
        for i, root in enumerate(a.layer):
            epoch = a.layer_epoch[i] if i < len(a.layer_epoch) else a.epoch
            diff_id, digest, size = make_layer(root, epoch, blobs, a.layer_cache)
            diff_ids.append("sha256:" + diff_id)
            layers.append({"mediaType": LAYER_MEDIA_TYPE, "digest": "sha256:" + digest, "size": size})
            created_by = a.history[i] if i < len(a.history) else f"layer {i}"
            history.append({"created": created, "created_by": created_by})
            print(f"oci-image: layer {i} {root}: {size} bytes, sha256:{digest[:12]}", file=sys.stderr)
        image_config = {
            "architecture": a.arch,
            "os": "linux",
            "created": created,
            "config": config,
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "history": history,
        }
        config_digest, config_size = add_json_blob(blobs, image_config)
        manifest = {
            "schemaVersion": 2,
            "mediaType": MANIFEST_MEDIA_TYPE,
            "config": {"mediaType": CONFIG_MEDIA_TYPE, "digest": "sha256:" + config_digest, "size": config_size},
            "layers": layers,
        }
        manifest_digest, manifest_size = add_json_blob(blobs, manifest)
        index = {
            "schemaVersion": 2,
            "mediaType": INDEX_MEDIA_TYPE,
            "manifests": [
                {
                    "mediaType": MANIFEST_MEDIA_TYPE,
                    "digest": "sha256:" + manifest_digest,
                    "size": manifest_size,
                    "platform": {"architecture": a.arch, "os": "linux"},
                    "annotations": {"io.containerd.image.name": ref, "org.opencontainers.image.ref.name": tag},
                }
                for ref, tag in zip(a.ref, tags)
            ],
        }
        with open(os.path.join(work, "index.json"), "w") as f:
            json.dump(index, f, sort_keys=True, separators=(",", ":"))
        with open(os.path.join(work, "oci-layout"), "w") as f:
            json.dump({"imageLayoutVersion": "1.0.0"}, f)

        tmp_out = a.out + ".tmp"
        with tarfile.open(tmp_out, "w", format=tarfile.PAX_FORMAT) as tar:
            for name in ["oci-layout", "index.json", "blobs", "blobs/sha256"] + [
                "blobs/sha256/" + b for b in sorted(os.listdir(blobs))
            ]:
                info = tar.gettarinfo(os.path.join(work, name), arcname=name)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                info.mtime = a.epoch
                info.mode = 0o755 if info.isdir() else 0o644
                if info.isfile():
                    with open(os.path.join(work, name), "rb") as f:
                        tar.addfile(info, f)
                else:
                    tar.addfile(info)
        os.replace(tmp_out, a.out)
    print(f"oci-image: {a.out}: manifest sha256:{manifest_digest} config sha256:{config_digest}", file=sys.stderr)
    print("sha256:" + manifest_digest)


if __name__ == "__main__":
    main()
