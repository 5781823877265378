#!/usr/bin/env python3
"""Start-up benchmark of the operator image: process start to the coordinator's first decision and to the operator's
first reconcile, with the image's JDK AOT cache, with an AppCDS archive only, and with neither.

    hack/startup-bench.sh [--runs N] [--deep-training] [--out FILE] [--keep]   (the wrapper builds the image first)

--deep-training adds a fourth variant: an AOT cache trained, in the same chroot, on a coordinator start that goes on
to its first decision against the control plane and is then stopped with SIGTERM (an experiment: what the image's
training run would hold with a stand-in API server at build time).

The image's root filesystem (the layers of operator.oci.tar) is unpacked and each run is the image's entrypoint in a
chroot of it, as the image's user, against a node-less control plane of its own (hack/local-cluster.sh up --nodes 0,
state dir under the work dir): the CRDs and the FerretDBVersion catalog are applied, so the operator's first reconcile
is of a catalog entry (its leader-election Lease is deleted before each run: a fresh start, not a restart that
waits out a killed predecessor's Lease); the coordinator runs as member pg-0 of a three-member backend whose pods exist (Pending), with
an empty data directory and a control directory nobody serves, so its first decision is its bootstrap decision.

Per run: wall time from just before the process is started to the log line of the mark (the coordinator's first
"<status> -> <actions>" line; the operator's "first reconcile:" line), and the process's CPU time (user + system, from
/proc/<pid>/stat, 10 ms ticks) read at that moment; then the process is killed. Variants and modes are interleaved
run by run, so load that comes and goes spreads over all of them. The load average is recorded beside every figure.
"""
import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICKS = os.sysconf("SC_CLK_TCK")
UID = 185
MARKS = {
    "coordinator": re.compile(r"\(pg-coordinator\) .+ -> "),
    "operator": re.compile(r"first reconcile: "),
}
TIMEOUT = 120


def log(msg):
    print(f"[startup-bench] {msg}", file=sys.stderr, flush=True)


def die(msg):
    log(f"ERROR: {msg}")
    sys.exit(1)


def sh(*cmd, env=None, capture=False, input=None):
    r = subprocess.run(cmd, env=env, text=True, input=input,
                       stdout=subprocess.PIPE if capture else None)
    if r.returncode != 0:
        die(f"{' '.join(cmd)} exited {r.returncode}")
    return r.stdout


def unpack(archive, dest):
    """The image's layers in order into dest, and its config (entrypoint, env)."""
    with tarfile.open(archive) as t:
        index = json.load(t.extractfile("index.json"))
        manifest_digest = index["manifests"][0]["digest"]
        blob = lambda d: t.extractfile("blobs/sha256/" + d.split(":", 1)[1])
        manifest = json.load(blob(manifest_digest))
        config = json.load(blob(manifest["config"]["digest"]))
        for layer in manifest["layers"]:
            with tarfile.open(fileobj=blob(layer["digest"]), mode="r|gz") as lt:
                lt.extractall(dest, numeric_owner=True, filter="fully_trusted")
    return manifest_digest, config["config"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def loadavg():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def run_once(rootfs, argv, env, mark):
    """Starts argv in the chroot; returns (wall s, cpu s) at the first line matching mark."""
    cmd = ["chroot", f"--userspec={UID}:{UID}", rootfs, "/usr/bin/env", "-i"] + \
        [f"{k}={v}" for k, v in env.items()] + argv
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    lines = []
    try:
        deadline = start + TIMEOUT
        for line in p.stdout:
            lines.append(line)
            if mark.search(line):
                wall = time.monotonic() - start
                cpu = cpu_seconds(p.pid)
                return wall, cpu, lines
            if time.monotonic() > deadline:
                break
        first_error = next((l.strip() for l in lines if " ERROR " in l or "Failed to start" in l), "no ERROR line")
        raise RuntimeError("no mark within %d s (exit %s): %s" % (TIMEOUT, p.poll(), first_error[:300]))
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
        p.wait()
        p.stdout.close()


def deep_training(rootfs, plain, env):
    """An AOT cache whose training run goes on to a first decision against the control plane (then SIGTERM): what a
    training run at image build time would hold if it had a stand-in API server."""
    log("deep training run: a coordinator start to its first decision, then SIGTERM")
    cmd = ["chroot", f"--userspec={UID}:{UID}", rootfs, "/usr/bin/env", "-i"] + \
        [f"{k}={v}" for k, v in dict(env, QUARKUS_HTTP_PORT=str(free_port())).items()] + \
        [plain[0], "-XX:AOTCacheOutput=/bench/deep.aot"] + plain[1:] + ["coordinator"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    lines = []
    for line in p.stdout:
        lines.append(line)
        if MARKS["coordinator"].search(line):
            p.send_signal(signal.SIGTERM)
            break
    rest, _ = p.communicate(timeout=TIMEOUT)
    lines.append(rest)
    if not os.path.isfile(os.path.join(rootfs, "bench/deep.aot")):
        die("the deep training run wrote no AOT cache (exit %s):\n%s" % (p.returncode, "".join(lines)[-3000:]))


def stats(values):
    v = sorted(values)
    p95 = v[min(len(v) - 1, max(0, int(round(0.95 * len(v) + 0.5)) - 1))]
    return statistics.median(v), p95, v[-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--images", default=os.environ.get("FERRETDB_OPERATOR_IMAGES",
                                                       os.path.expanduser("~/.cache/ferretdb-operator/images")))
    ap.add_argument("--out", default=os.path.join(ROOT, "docs/benchmarks/startup/report.md"))
    ap.add_argument("--keep", action="store_true", help="keep the work dir and the control plane")
    ap.add_argument("--deep-training", action="store_true",
                    help="also a variant whose AOT cache was trained to a first decision against the control plane")
    a = ap.parse_args()
    if os.geteuid() != 0:
        die("run as root (chroot, numeric owners)")
    archive = os.path.join(a.images, "operator.oci.tar")
    if not os.path.isfile(archive):
        die(f"no {archive}: run hack/images.sh operator")
    tools = dict(re.findall(r"^export (\w+)=(.*)$", sh(os.path.join(ROOT, "hack/tools.sh"), "--print-env",
                                                        capture=True), re.M))
    kubectl = tools.get("KUBECTL", "").strip("'\"")
    if not kubectl:
        die("hack/tools.sh --print-env names no KUBECTL")

    work = tempfile.mkdtemp(prefix="startup-bench.", dir="/tmp")
    rootfs = os.path.join(work, "rootfs")
    cluster_dir = os.path.join(work, "cluster")
    mounts = []
    cluster_env = dict(os.environ, LOCAL_CLUSTER_DIR=cluster_dir)
    try:
        log(f"unpacking {archive}")
        digest, config = unpack(archive, rootfs)
        entrypoint = config["Entrypoint"]
        image_env = dict(e.split("=", 1) for e in config.get("Env", []))
        aot = [x for x in entrypoint if x.startswith("-XX:AOTCache=")]
        if not aot:
            die("the image's entrypoint has no -XX:AOTCache")
        plain = [x for x in entrypoint if not x.startswith("-XX:AOTCache=")]
        for target, src in (("proc", None), ("dev", "/dev")):
            path = os.path.join(rootfs, target)
            if src is None:
                sh("mount", "-t", "proc", "proc", path)
            else:
                sh("mount", "--rbind", src, path)
                sh("mount", "--make-rslave", path)
            mounts.append(path)
        bench = os.path.join(rootfs, "bench")
        os.makedirs(bench)
        java_version = subprocess.run(["chroot", rootfs, entrypoint[0] if entrypoint[0].startswith("/") else
                                       os.path.join(image_env.get("JAVA_HOME", ""), "bin/java"), "-version"],
                                      capture_output=True, text=True).stderr.splitlines()[0]

        # AppCDS only: a dynamic archive of a coordinator start, made by the image's JVM as hack/images.sh made it
        # before the AOT cache (the AOT cache is left out of that run).
        log("making the AppCDS archive (training run: a coordinator start)")
        os.chmod(bench, 0o777)
        jsa = "/bench/app-cds.jsa"
        r = subprocess.run(["chroot", f"--userspec={UID}:{UID}", rootfs, "/usr/bin/env", "-i", "HOME=/tmp",
                            f"PATH={image_env.get('PATH', '/usr/bin:/bin')}", plain[0],
                            f"-XX:ArchiveClassesAtExit={jsa}"] + plain[1:] + ["coordinator"],
                           capture_output=True, text=True)
        if r.returncode != 2 or not os.path.isfile(rootfs + jsa):
            die(f"the AppCDS training run exited {r.returncode}:\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
        variants = {
            "AOT cache": entrypoint,
            "AppCDS only": [plain[0], f"-XX:SharedArchiveFile={jsa}"] + plain[1:],
            "neither (JDK's CDS only)": plain,
        }

        log("starting a node-less control plane")
        up = sh(os.path.join(ROOT, "hack/local-cluster.sh"), "up", "--nodes", "0", env=cluster_env, capture=True)
        kubeconfig = re.search(r"export KUBECONFIG=(\S+)", up).group(1).strip("'\"")
        k = lambda *args, **kw: sh(kubectl, "--kubeconfig", kubeconfig, *args, **kw)
        k("apply", "--server-side", "-f", os.path.join(ROOT, "kubernetes/crds/"))
        k("wait", "--for", "condition=established", "--timeout=60s", "-f", os.path.join(ROOT, "kubernetes/crds/"))
        k("apply", "--server-side", "-f", os.path.join(ROOT, "kubernetes/catalog/"))
        pods = "".join(f"""---
apiVersion: v1
kind: Pod
metadata:
  name: pg-{i}
  namespace: bench
  labels: {{app.kubernetes.io/name: postgres, app.kubernetes.io/instance: pg}}
spec:
  containers: [{{name: postgres, image: registry.k8s.io/pause:3.10}}]
""" for i in range(3))
        k("create", "namespace", "bench")
        k("apply", "-f", "-", input=pods)
        shutil.copy(kubeconfig, os.path.join(bench, "kubeconfig"))
        for d in ("superuser", "replication"):
            os.makedirs(os.path.join(bench, d))
            for f, v in (("username", d), ("password", "bench")):
                with open(os.path.join(bench, d, f), "w") as fh:
                    fh.write(v)
        for d in ("data", "sock", "control"):
            os.makedirs(os.path.join(bench, d))
        sh("chown", "-R", f"{UID}:{UID}", bench)
        base_env = {"PATH": image_env.get("PATH", "/usr/bin:/bin"), "HOME": "/tmp", "LANG": "C.UTF-8",
                    "KUBECONFIG": "/bench/kubeconfig"}
        coordinator_env = dict(base_env, POD_NAME="pg-0", POD_NAMESPACE="bench", POSTGRES_NAME="pg", REPLICAS="3",
                               STREAMING_MODE="Synchronous", PGDATA="/bench/data/pgdata", PGPORT="5432",
                               PG_SOCKET_DIR="/bench/sock", PG_LISTEN_ADDRESSES="127.0.0.1",
                               ADVERTISE_ADDRESS="127.0.0.1:5432", PG_CONTROL_DIR="/bench/control",
                               SUPERUSER_SECRET_DIR="/bench/superuser", REPLICATION_SECRET_DIR="/bench/replication")
        modes = {"coordinator": (["coordinator"], coordinator_env), "operator": ([], base_env)}
        if a.deep_training:
            variants["AOT cache trained to a first decision (experiment)"] = \
                [plain[0], "-XX:AOTCache=/bench/deep.aot"] + plain[1:]
            deep_training(rootfs, plain, coordinator_env)

        results = {(m, v): [] for m in modes for v in variants}
        failures = []
        loads = [loadavg()]
        log(f"{a.runs} runs of each of {len(modes) * len(variants)} combinations, interleaved; load {loads[0]}")
        for i in range(a.runs):
            for m, (args, env) in modes.items():
                for v, argv in variants.items():
                    env_run = dict(env, QUARKUS_HTTP_PORT=str(free_port()))
                    if m == "operator":
                        # A fresh start: no leader-election Lease left by the previous (killed) run to wait out.
                        k("delete", "lease", "-n", "default", "ferretdb-operator-lock", "--ignore-not-found")
                    try:
                        wall, cpu, _ = run_once(rootfs, argv + args, env_run, MARKS[m])
                    except RuntimeError as e:
                        # counted and reported, not retried: a start that fails under load is a result too
                        log(f"{m}, {v}, run {i + 1}: {e}")
                        failures.append(f"{m}, {v}, run {i + 1} (load {loadavg()}): {e}")
                        continue
                    results[(m, v)].append((wall, cpu))
            loads.append(loadavg())
            log(f"run {i + 1}/{a.runs} done; load {loads[-1]}")

        write_report(a, results, failures, variants, modes, loads, digest, java_version, entrypoint)
    finally:
        if not a.keep:
            subprocess.run([os.path.join(ROOT, "hack/local-cluster.sh"), "down", "--purge"], env=cluster_env,
                           stdout=subprocess.DEVNULL)
        for m in reversed(mounts):
            subprocess.run(["umount", "-R", "-l", m])
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"kept {work}")


def write_report(a, results, failures, variants, modes, loads, digest, java_version, entrypoint):
    cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    commit = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%h %cs"], capture_output=True,
                            text=True).stdout.strip()
    out = [
        "# Start-up: process start to the coordinator's first decision and the operator's first reconcile",
        "",
        f"Written by `hack/startup-bench.sh --runs {a.runs}{' --deep-training' if a.deep_training else ''}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
        f"(commit {commit}). Image `operator.oci.tar` manifest `{digest[:19]}…`; {java_version}.",
        f"Machine: {os.cpu_count()} cores ({cpu_model}), {platform.system()} {platform.release()}; "
        f"load average (1/5/15 min) at the start and after each round: {', '.join(loads)}.",
        "",
        "Each run is the image's entrypoint in a chroot of the image's root filesystem, as uid 185, against a "
        "node-less control plane on loopback (real kube-apiserver + etcd). Wall: from just before the process starts "
        "to the mark's log line. CPU: the process's user + system time at that moment (10 ms ticks). The three variants "
        "differ only in the class-data option: `-XX:AOTCache=/deployments/app.aot` (the image's default), "
        "`-XX:SharedArchiveFile=` a dynamic AppCDS archive of the same training run (what the Java 17 image meant to ship; there it never mapped, as the image's jar times differed from the training run's), "
        "or neither (the runtime's own CDS archive of JDK classes only). Entrypoint: "
        f"`{' '.join(entrypoint)}`.",
        "",
        "| mark | variant | runs | wall median | wall p95 | wall max | CPU median | CPU p95 | CPU max |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for m in modes:
        mark = "coordinator: first decision" if m == "coordinator" else "operator: first reconcile"
        for v in variants:
            r = results[(m, v)]
            if not r:
                out.append(f"| {mark} | {v} | 0 | – | – | – | – | – | – |")
                continue
            w = stats([x[0] for x in r])
            c = stats([x[1] for x in r])
            out.append(f"| {mark} | {v} | {len(r)} | " + " | ".join(f"{x:.2f} s" for x in w + c) + " |")
    out += ["", f"Starts that did not reach the mark within {TIMEOUT} s: {len(failures)}" + (":" if failures else ".")]
    out += [f"- {f}" for f in failures]
    out += ["", "Raw (wall s / CPU s, in run order):", ""]
    for (m, v), r in results.items():
        out.append(f"- {m}, {v}: " + ", ".join(f"{w:.2f}/{c:.2f}" for w, c in r))
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as fh:
        fh.write("\n".join(out) + "\n")
    log(f"wrote {a.out}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
