#!/usr/bin/python3
"""storescu -> forwarder -> cloud versus a direct STOW-RS upload of the same series, in one run (see run.sh).

  bench.py --api URL --identity URL --series DIR --forwarder-pid PID --dicom-port P [--api-pid PID] [--batch 100]
           [--concurrency 4] [--small-series DIR] [--warm N --scratch DIR]

The direct upload goes to tenant demo-b (client demo-b-forwarder), the forwarder uploads to tenant demo: two tenants,
so neither run finds the other's instances already stored. Same batch size and concurrency on both sides.

Both sides are warmed before timing, as a long-running hospital service would be: rounds of a direct upload of a fresh
series to demo-b (the API's JIT, connection pools, database) and a fresh study through the forwarder (its token, and
spare spool files left by the confirmed instances), until a round makes the API compile almost nothing
(bench/common/warm.py): the steady state of a server in service, not its JIT. Each phase prints the CPU seconds per
instance of every process taking part: the API, the forwarder, storescu (RUSAGE_CHILDREN) and this client.
"""
import resource
import statistics
import argparse
import concurrent.futures
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid

import pydicom

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dimse"))
import make_data  # noqa: E402  (bench/dimse: the CT series generator)
from warm import warm_until_settled  # noqa: E402


def samples_folder():
    return os.environ.get("DRIMCLOUD_SAMPLES") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                                                 "shared", "dicom-samples")


def token(identity, client, secret="dev-secret"):
    body = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": client, "client_secret": secret,
                                   "scope": "drimcloud.api"}).encode()
    with urllib.request.urlopen(urllib.request.Request(identity.rstrip("/") + "/connect/token", data=body)) as r:
        return json.load(r)["access_token"]


def stow_batch(api, tenant, bearer, files):
    """One STOW-RS request, streamed from the files (chunked), like the forwarder's."""
    url = urllib.parse.urlparse(api)
    boundary = uuid.uuid4().hex

    def body():
        for f in files:
            yield f"--{boundary}\r\nContent-Type: application/dicom\r\nContent-Length: {os.path.getsize(f)}\r\n\r\n".encode()
            with open(f, "rb") as stream:
                while chunk := stream.read(256 * 1024):
                    yield chunk
            yield b"\r\n"
        yield f"--{boundary}--\r\n".encode()

    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
    conn.request("POST", f"/tenants/{tenant}/dicomweb/studies", body=body(), encode_chunked=True, headers={
        "Authorization": f"Bearer {bearer}", "Accept": "application/dicom+json", "Transfer-Encoding": "chunked",
        "Content-Type": f'multipart/related; type="application/dicom"; boundary={boundary}'})
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"STOW-RS answered {response.status}")


def direct(api, identity, files, batch, concurrency):
    bearer = token(identity, "demo-b-forwarder")
    batches = [files[i:i + batch] for i in range(0, len(files), batch)]
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda b: stow_batch(api, "demo-b", bearer, b), batches))
    return time.monotonic() - start


def instances_in_cloud(api, bearer, tenant, study):
    url = f"{api.rstrip('/')}/tenants/{tenant}/dicomweb/studies?StudyInstanceUID={study}&includefield=00201208"
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {bearer}", "Accept": "application/dicom+json"})
    with urllib.request.urlopen(request) as r:
        text = r.read()
    rows = json.loads(text) if text else []
    return int(rows[0]["00201208"]["Value"][0]) if rows else 0


def cpu_seconds(pid):
    """User + system CPU seconds of a process so far (/proc/PID/stat fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds each process used between start() and stop(): the API, the forwarder, storescu, this client."""

    def __init__(self, api_pid, forwarder_pid):
        self.pids = {"API": api_pid, "forwarder": forwarder_pid}

    def _snapshot(self):
        values = {name: cpu_seconds(pid) for name, pid in self.pids.items() if pid}
        children = resource.getrusage(resource.RUSAGE_CHILDREN)  # storescu, once waited for
        me = resource.getrusage(resource.RUSAGE_SELF)
        values["storescu"] = children.ru_utime + children.ru_stime
        values["client (python)"] = me.ru_utime + me.ru_stime
        return values

    def start(self):
        self.before = self._snapshot()

    def stop(self):
        after = self._snapshot()
        return {name: after[name] - self.before[name] for name in after}


def print_cpu(label, used, count):
    parts = ", ".join(f"{name} {seconds * 1000 / count:.2f}" for name, seconds in used.items())
    print(f"  CPU ms per instance, {label}: {parts}; total {sum(used.values()) * 1000 / count:.2f}")


def rss_kb(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def via_forwarder(api, identity, series_dir, files, study, pid, port, associations=1):
    bearer = token(identity, "demo-forwarder")
    peak = [0]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_kb(pid, "VmRSS"))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.monotonic()
    env = dict(os.environ, TCP_NODELAY="1")
    if associations == 1:
        subprocess.run(["storescu", "-q", "-R", "-nh", "-xe", "-aec", "DRIMCLOUD", "+sd", "127.0.0.1", str(port), series_dir],
                       check=True, env=env)
    else:
        # Several storescu processes at once, each sending every n-th file on its own association, as a PACS does
        # whose routing rule opens several associations. Timed until the last one has all its responses.
        senders = [subprocess.Popen(["storescu", "-q", "-R", "-nh", "-xe", "-aec", "DRIMCLOUD", "127.0.0.1", str(port)]
                                    + files[i::associations], env=env) for i in range(associations)]
        for sender in senders:
            if sender.wait() != 0:
                raise RuntimeError(f"storescu exited with {sender.returncode}")
    last_response = time.monotonic()
    while instances_in_cloud(api, bearer, "demo", study) < len(files):
        time.sleep(0.05)
    visible = time.monotonic()
    stop.set()
    sampler.join()
    return visible - start, visible - last_response, last_response - start, max(peak[0], rss_kb(pid, "VmHWM"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--api", required=True)
    p.add_argument("--identity", required=True)
    p.add_argument("--series", required=True)
    p.add_argument("--forwarder-pid", type=int, required=True)
    p.add_argument("--dicom-port", type=int, required=True)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--small-series", help="a second, small series: latency when the cloud is not the bottleneck")
    p.add_argument("--api-pid", type=int, help="the API's process, for its CPU time")
    p.add_argument("--warm", type=int, default=200, help="instances per path in each warm-up round (0: cold start)")
    p.add_argument("--scratch", help="a folder for the warm-up rounds' generated series (needed when --warm > 0)")
    p.add_argument("--rounds", type=int, default=1, help="direct then forwarder, this many times (fresh series each); medians")
    p.add_argument("--associations", type=int, default=1, help="storescu associations sending the series at once")
    a = p.parse_args()
    files = sorted(os.path.join(a.series, f) for f in os.listdir(a.series))
    size = sum(os.path.getsize(f) for f in files)
    study = pydicom.dcmread(files[0], stop_before_pixels=True).StudyInstanceUID
    for f in files:  # warm the page cache for both sides
        with open(f, "rb") as stream:
            while stream.read(1 << 20):
                pass

    if a.warm:
        # Rounds of a fresh series through each path (new UIDs each time: a re-sent instance would take the duplicate
        # path) until the API's JIT has settled (bench/common/warm.py); the forwarder runs without tiered compilation.
        def one_round(i):
            direct_dir, forwarder_dir = (os.path.join(a.scratch, f"warm-{i}-{side}") for side in ("direct", "forwarder"))
            for folder in (direct_dir, forwarder_dir):
                make_data.series(samples_folder(), folder, a.warm)
            warm = sorted(os.path.join(direct_dir, f) for f in os.listdir(direct_dir))
            seconds = direct(a.api, a.identity, warm, a.batch, a.concurrency)
            warm = sorted(os.path.join(forwarder_dir, f) for f in os.listdir(forwarder_dir))
            warm_study = pydicom.dcmread(warm[0], stop_before_pixels=True).StudyInstanceUID
            via, _, _, _ = via_forwarder(a.api, a.identity, forwarder_dir, warm, warm_study, a.forwarder_pid, a.dicom_port)
            time.sleep(1)  # the forwarder's last confirmations (its spare files) settle
            print(f"warm-up round {i + 1}: {a.warm} instances direct in {seconds:.1f} s, {a.warm} through the forwarder "
                  f"visible in {via:.1f} s")

        rounds = warm_until_settled(a.api_pid, one_round, lambda text: print(text, file=sys.stderr))
        print(f"warm-up: {len(rounds)} rounds; methods the API compiled in each: {rounds}")

    meter = CpuMeter(a.api_pid, a.forwarder_pid)
    mb = size / 1e6
    print(f"series: {len(files)} instances, {mb:.0f} MB (10^6 bytes); batches of {a.batch}, {a.concurrency} requests at once")
    label = "storescu -> forwarder -> cloud (until visible)" if a.associations == 1 else f"{a.associations} x storescu -> forwarder -> cloud"
    ratios, latencies, peak = [], [], 0
    for r in range(a.rounds):
        if r > 0:
            # A fresh copy of the series (new UIDs) for each further round: both tenants already hold the first one.
            series_dir = os.path.join(a.scratch, f"series-{r + 1}")
            make_data.series(samples_folder(), series_dir, len(files))
            files = sorted(os.path.join(series_dir, f) for f in os.listdir(series_dir))
            study = pydicom.dcmread(files[0], stop_before_pixels=True).StudyInstanceUID
            for f in files:  # in the page cache, as the first series
                with open(f, "rb") as stream:
                    while stream.read(1 << 20):
                        pass
        series_dir = os.path.dirname(files[0])
        # Phase starts on CLOCK_MONOTONIC, to cut a `perf record -k CLOCK_MONOTONIC` of the API into the phases.
        print(f"round {r + 1}: phase direct starts at monotonic {time.monotonic():.3f}", file=sys.stderr)
        meter.start()
        d = direct(a.api, a.identity, files, a.batch, a.concurrency)
        direct_cpu = meter.stop()
        print(f"round {r + 1}: phase forwarder starts at monotonic {time.monotonic():.3f}", file=sys.stderr)
        meter.start()
        total, latency, storescu_time, round_peak = via_forwarder(a.api, a.identity, series_dir, files, study, a.forwarder_pid,
                                                                  a.dicom_port, a.associations)
        forwarder_cpu = meter.stop()
        print(f"round {r + 1}: phase forwarder ends at monotonic {time.monotonic():.3f}", file=sys.stderr)
        ratios.append(d / total)
        latencies.append(latency)
        peak = max(peak, round_peak)
        print(f"round {r + 1} of {a.rounds}")
        print(f"  {'path':<48} {'seconds':>8} {'inst/s':>8} {'MB/s':>7}")
        print(f"  {'direct STOW-RS (python, streamed, chunked)':<48} {d:8.1f} {len(files) / d:8.0f} {mb / d:7.1f}")
        print(f"  {label:<48} {total:8.1f} {len(files) / total:8.0f} {mb / total:7.1f}")
        print(f"    storescu alone (all C-STORE responses)        {storescu_time:8.1f}")
        print_cpu("direct", direct_cpu, len(files))
        print_cpu("through the forwarder", forwarder_cpu, len(files))
        print(f"  ratio {d / total:.2f}; last C-STORE response -> study fully visible in QIDO-RS: {latency:.2f} s")

    # The median of the rounds: on this VM the same code measures up to +-30% apart from one phase to the next.
    print(f"throughput ratio forwarder/direct: {statistics.median(ratios):.2f} (goal >= 0.80; rounds: "
          f"{', '.join(f'{x:.2f}' for x in ratios)})")
    print(f"last C-STORE response -> study fully visible in QIDO-RS: {statistics.median(latencies):.2f} s (goal < 2 s; rounds: "
          f"{', '.join(f'{x:.2f}' for x in latencies)})")
    print(f"forwarder peak RSS: {peak / 1024:.0f} MB (goal < 150 MB)")
    if a.small_series:
        small = sorted(os.path.join(a.small_series, f) for f in os.listdir(a.small_series))
        small_study = pydicom.dcmread(small[0], stop_before_pixels=True).StudyInstanceUID
        _, lat, st, _ = via_forwarder(a.api, a.identity, a.small_series, small, small_study, a.forwarder_pid, a.dicom_port)
        print(f"small study ({len(small)} instances, forwarder idle before): storescu {st:.2f} s, last C-STORE response -> "
              f"fully visible {lat:.2f} s (goal < 2 s)")


if __name__ == "__main__":
    main()
