#!/usr/bin/python3
"""DIMSE C-STORE benchmark: DrimCloud against DCMTK, side by side in one run, on 127.0.0.1.

1. SCP: the same series sent by DCMTK storescu (one association) to `drimcloud dicom listen` and to DCMTK
   storescp, both writing files; once with a flush to disk per instance before the response (ours: fsync,
   storescp: `--exec-on-reception "sync #p/#f" --exec-sync`, its only way to flush per file) and once without
   (ours: --no-fsync, storescp: +B plain).
2. SCU: `drimcloud dicom store` vs storescu, both to the same storescp (+B, no flush), whole process timed.
3. Memory: peak RSS of our listener while 8 storescu send large multi-frame instances at once.

Runs alternate receivers so drift on a shared machine hits both; medians over --runs. Every process is
started here, on free ports, in a temp folder, and stopped by PID; the folder is deleted at the end.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ENV = dict(os.environ, TCP_NODELAY="1")  # PEERS.md: every DCMTK process, or each C-STORE waits ~40 ms


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, process, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"receiver exited: {process.args}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def stop(process):
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


def folder_bytes(folder):
    return sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder) if f.endswith(".dcm"))


def dcm_count(folder):
    return sum(1 for f in os.listdir(folder) if not f.startswith("."))


def start_receiver(kind, fsync, out, port, drimcloud):
    if kind == "drimcloud":
        args = drimcloud + ["dicom", "listen", "--aet", "BENCH", "--port", str(port), "--bind", "127.0.0.1", "--out", out, "--quiet"]
        if not fsync:
            args.append("--no-fsync")
    else:
        args = ["storescp", "+B", "-aet", "BENCH", "-od", out]
        if fsync:
            args += ["--exec-on-reception", "sync #p/#f", "--exec-sync"]
        args.append(str(port))
    process = subprocess.Popen(args, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port, process)
    return process


def run_storescu(port, source, extra=()):
    started = time.perf_counter()
    result = subprocess.run(["storescu", "-aec", "BENCH", "-xe", *extra, "+sd", "127.0.0.1", str(port), source],
                            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=1800)
    if result.returncode != 0:
        raise RuntimeError(f"storescu failed: {result.stderr[-2000:]}")
    return time.perf_counter() - started


def scp_round(kind, fsync, series, count, work, drimcloud):
    out = tempfile.mkdtemp(prefix=f"scp-{kind}-", dir=work)
    port = free_port()
    receiver = start_receiver(kind, fsync, out, port, drimcloud)
    try:
        seconds = run_storescu(port, series)
    finally:
        stop(receiver)
    received = dcm_count(out)
    shutil.rmtree(out)
    if received != count:
        raise RuntimeError(f"{kind} received {received} of {count}")
    return seconds


def scu_round(sender, series, count, work, drimcloud):
    out = tempfile.mkdtemp(prefix=f"scu-{sender}-", dir=work)
    port = free_port()
    receiver = start_receiver("storescp", False, out, port, drimcloud)
    try:
        if sender == "drimcloud":
            started = time.perf_counter()
            result = subprocess.run(drimcloud + ["dicom", "store", "--call", "BENCH", "--port", str(port), series],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=1800)
            seconds = time.perf_counter() - started
            if result.returncode != 0:
                raise RuntimeError(f"drimcloud store failed: {result.stdout[-1000:]} {result.stderr[-1000:]}")
        else:
            seconds = run_storescu(port, series)
    finally:
        stop(receiver)
    received = dcm_count(out)
    shutil.rmtree(out)
    if received != count:
        raise RuntimeError(f"storescp received {received} of {count} from {sender}")
    return seconds


def rss_kib(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def memory_round(large, work, drimcloud, clients):
    out = tempfile.mkdtemp(prefix="rss-", dir=work)
    port = free_port()
    receiver = start_receiver("drimcloud", True, out, port, drimcloud)
    time.sleep(1.0)
    idle = rss_kib(receiver.pid)
    peak = [idle]
    sampling = True

    def sample():
        while sampling:
            try:
                peak[0] = max(peak[0], rss_kib(receiver.pid))
            except OSError:
                return
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    files = sorted(os.path.join(large, f) for f in os.listdir(large))
    started = time.perf_counter()
    senders = [subprocess.Popen(["storescu", "-aec", "BENCH", "-xe", "127.0.0.1", str(port), files[i % len(files)]],
                                env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for i in range(clients)]
    failures = [s for s in senders if s.wait(1800) != 0]
    seconds = time.perf_counter() - started
    sampling = False
    sampler.join()
    high_water = rss_kib(receiver.pid, "VmHWM")
    stop(receiver)
    received = folder_bytes(out)
    shutil.rmtree(out)
    if failures:
        raise RuntimeError(f"{len(failures)} storescu failed")
    return {"idle_rss_mb": idle / 1024, "peak_rss_mb": max(peak[0], high_water) / 1024, "received_mb": received / 1e6, "seconds": seconds}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--drimcloud", required=True, help="command that runs the drimcloud CLI, e.g. 'dotnet /path/drimcloud.dll'")
    parser.add_argument("--n", type=int, default=2000, help="instances in the series")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--large-count", type=int, default=8, help="large multi-frame instances (one per concurrent association)")
    parser.add_argument("--large-frames", type=int, default=480, help="512x512x16-bit frames per large instance (480 ≈ 252 MB)")
    parser.add_argument("--json", help="write the figures here too")
    args = parser.parse_args()
    drimcloud = args.drimcloud.split()
    here = os.path.dirname(os.path.abspath(__file__))
    work = tempfile.mkdtemp(prefix="drimcloud-dimse-bench-")
    try:
        series = os.path.join(work, "series")
        subprocess.run([sys.executable, os.path.join(here, "make_data.py"), "series", series, str(args.n)], check=True)
        series_bytes = folder_bytes(series)
        for name in os.listdir(series):  # page cache warm for every sender alike
            with open(os.path.join(series, name), "rb") as f:
                f.read()
        print(f"series: {args.n} instances, {series_bytes / 1e6:.1f} MB; runs: {args.runs}; {os.cpu_count()} CPUs", flush=True)

        results = {"n": args.n, "series_mb": series_bytes / 1e6, "runs": args.runs, "scp": {}, "scu": {}}
        for fsync in (True, False):
            times = {"drimcloud": [], "storescp": []}
            for _ in range(args.runs):
                for kind in ("drimcloud", "storescp"):
                    times[kind].append(scp_round(kind, fsync, series, args.n, work, drimcloud))
            label = "fsync per instance" if fsync else "no fsync"
            results["scp"][label] = times
            report("SCP, storescu -> receiver, " + label, times, args.n, series_bytes, ours="drimcloud", theirs="storescp")

        times = {"drimcloud": [], "storescu": []}
        for _ in range(args.runs):
            for sender in ("drimcloud", "storescu"):
                times[sender].append(scu_round(sender, series, args.n, work, drimcloud))
        results["scu"] = times
        report("SCU, sender -> storescp (+B, no fsync), whole process", times, args.n, series_bytes, ours="drimcloud", theirs="storescu")

        shutil.rmtree(series)
        large = os.path.join(work, "large")
        subprocess.run([sys.executable, os.path.join(here, "make_data.py"), "multiframe", large, str(args.large_count), str(args.large_frames)], check=True)
        memory = memory_round(large, work, drimcloud, args.large_count)
        results["memory"] = memory
        print(f"\nMemory, {args.large_count} concurrent storescu -> drimcloud listen (fsync), {memory['received_mb']:.0f} MB received in {memory['seconds']:.1f} s:")
        print(f"  RSS idle {memory['idle_rss_mb']:.0f} MB, peak {memory['peak_rss_mb']:.0f} MB (goal < 200 MB)")
        if args.json:
            with open(args.json, "w") as out:
                json.dump(results, out, indent=2)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(title, times, count, total_bytes, ours, theirs):
    print(f"\n{title}:")
    medians = {}
    for name, values in times.items():
        median = statistics.median(values)
        medians[name] = median
        runs = ", ".join(f"{count / v:.0f}" for v in values)
        print(f"  {name:10s} {count / median:7.1f} instances/s  {total_bytes / 1e6 / median:7.1f} MB/s   (runs, instances/s: {runs})")
    print(f"  ratio {ours}/{theirs} (throughput): {medians[theirs] / medians[ours]:.2f}", flush=True)


if __name__ == "__main__":
    main()
