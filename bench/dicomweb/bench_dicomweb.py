#!/usr/bin/python3
"""DICOMweb side by side: DrimCloud (Identity + Api, Release, SQLite + file blobs) and Orthanc (SQLite), same data.

    bench_dicomweb.py --repo REPO --series DIR --big DIR --corpus DIR [--clients 1,4] [--runs 3] [--json OUT]
                      [--phases stow,wado,metadata,corpus,big]

Measures, for both servers on 127.0.0.1:
  * STOW-RS ingest of the generated series (one instance per request, multipart/related), with 1 and 4 concurrent
    clients, every run into an EMPTY receiver (a fresh Orthanc; a fresh DrimCloud tenant), instances/s and MB/s;
  * STOW-RS of the sample corpus (one file per request, 1 client): how many are accepted, and the time;
  * WADO-RS retrieve of the whole series (Accept: multipart/related; type="application/dicom"; transfer-syntax=*):
    time to first byte and MB/s (1 untimed warm-up, then --runs timed requests), and server CPU per 100 MB sent;
  * the series metadata (GET .../series/{s}/metadata, application/dicom+json): time to first byte and total time;
  * the "big" study (default 4,000 instances, about 2.1 GB): STOW with 4 clients, then WADO-RS of the whole study
    (1 untimed warm-up, then --runs timed; the median run is reported), with the server's resident memory (VmRSS of its process, sampled every
    50 ms) - peak per phase.
Before every timed STOW run and retrieve, dirty pages are written out (sync), so that writeback left by one measurement
(its database files, the data generation, the previous server's clean-up) does not land on the next. Both servers make
each stored file durable before answering, inside their own timings: Orthanc fdatasyncs each file of its storage area
(its default SyncStorageArea, seen with strace on 2026-11-29), DrimCloud fsyncs the blob, its folder and the index.
Nothing is deleted while measuring, and a run first waits until the previous run's clean-up is 65 s old (see
RECENTLY_DELETED_S). The DrimCloud API is warmed up with untimed stores and retrieves into throw-away tenants until\nits JIT has settled (bench/common/warm.py).
MB = 10^6 bytes of DICOM files (multipart framing not counted). Prints one table; --json keeps every run.
--phases picks what runs (default all): without "stow", the series is ingested once, untimed, with 4 clients, so
that "wado" and "metadata" have something to read.

Processes: DrimCloud's MigrationService/Identity/Api (built by run.sh) and Orthanc are started here on free loopback
ports in a temporary folder, and stopped by PID at the end (only what this script started); the folder is removed.
"""
import argparse
import http.client
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
import urllib.parse
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from warm import PERF_MAP_ENVIRONMENT, warm_until_settled  # noqa: E402

ORTHANC_PLUGIN = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so"
ACCEPT_AS_STORED = 'multipart/related; type="application/dicom"; transfer-syntax=*'


def log(message):
    print(f"[dicomweb-bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load():
    return os.getloadavg()[0]


def cpu_seconds(pid):
    """User + system CPU time consumed so far by one process (all its threads)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------------------------------------ HTTP helpers

def request(port, method, path, body=None, headers=None, timeout=600):
    """One request on a fresh connection; returns (status, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_for(port, path, seconds=120, headers=None):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            status, _ = request(port, "GET", path, headers=headers, timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"127.0.0.1:{port}{path} did not answer 200 within {seconds} s")


class RssSampler:
    """Peak VmRSS (MB) of one process while the block runs, sampled every 50 ms."""

    def __init__(self, pid):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()

    def _rss(self):
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            self._stop.wait(0.05)

    def __enter__(self):
        self.peak = self._rss()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())


# ------------------------------------------------------------------------------------------------ servers

class Orthanc:
    """Orthanc 1.10 + DICOMweb with its defaults (SQLite index, fsync per instance), as in PEERS.md."""

    name = "Orthanc"

    def __init__(self, work):
        self.dir = tempfile.mkdtemp(prefix="orthanc-", dir=work)
        self.port = free_port()
        storage = os.path.join(self.dir, "storage")
        config = {
            "Name": "DICOMWEB-BENCH", "StorageDirectory": storage, "IndexDirectory": storage,
            "StorageCompression": False, "Plugins": [ORTHANC_PLUGIN],
            "HttpServerEnabled": True, "HttpPort": self.port, "RemoteAccessAllowed": False,
            "AuthenticationEnabled": False, "DicomServerEnabled": False, "SaveJobs": False,
            "DicomWeb": {"Enable": True, "Root": "/dicom-web/", "EnableWado": True, "WadoRoot": "/wado",
                         "Host": f"127.0.0.1:{self.port}", "Ssl": False},
        }
        path = os.path.join(self.dir, "orthanc.json")
        with open(path, "w") as f:
            json.dump(config, f)
        os.makedirs(os.path.join(self.dir, "logs"))
        self.process = subprocess.Popen(["Orthanc", f"--logdir={self.dir}/logs", path],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.pid = self.process.pid
        wait_for(self.port, "/system", 30)
        self.stow_path = "/dicom-web/studies"
        self.headers = {}

    def wado_path(self, study, series=None):
        return f"/dicom-web/studies/{study}" + (f"/series/{series}" if series else "")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        # Its files stay until the end of the run (the whole work folder goes then): see RECENTLY_DELETED_S.


class DrimCloud:
    """MigrationService, then Identity and Api (Release builds) with SQLite and file blobs in one data folder."""

    name = "DrimCloud"

    def __init__(self, repo, work):
        self.repo, self.dir = repo, tempfile.mkdtemp(prefix="drimcloud-", dir=work)
        self.processes = []
        self.identity_port, self.port = free_port(), free_port()
        issuer = f"http://127.0.0.1:{self.identity_port}/"
        env = dict(os.environ, ASPNETCORE_ENVIRONMENT="Development", DOTNET_ENVIRONMENT="Development",
                   DrimCloud__DataDir=self.dir, Database__Provider="Sqlite", Blobs__Provider="FileSystem",
                   ConnectionStrings__drimcloud=f"Data Source={self.dir}/drimcloud.db",
                   Identity__Issuer=issuer, DOTNET_CLI_TELEMETRY_OPTOUT="1")
        self._run("DrimCloud.MigrationService", env, wait=True)
        self._run("DrimCloud.Identity", dict(env, ASPNETCORE_URLS=issuer.rstrip("/")))
        # The perf map tells the warm-up when the API's JIT has settled (bench/common/warm.py).
        api = self._run("DrimCloud.Api", dict(env, ASPNETCORE_URLS=f"http://127.0.0.1:{self.port}", **PERF_MAP_ENVIRONMENT))
        self.pid = api.pid
        wait_for(self.identity_port, "/health")
        wait_for(self.port, "/health")
        self.operator = self.token("platform-operator", "dev-secret", "drimcloud.operations")
        self.headers = {}
        self.use_tenant("demo", self.token("demo-forwarder", "dev-secret"))

    def _run(self, project, env, wait=False):
        folder = os.path.join(self.repo, "src", project, "bin", "Release", "net10.0")
        out = open(os.path.join(self.dir, f"{project}.log"), "w")
        process = subprocess.Popen(["dotnet", f"{project}.dll"], cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT)
        if wait:
            if process.wait(300) != 0:
                raise RuntimeError(f"{project} failed: see {out.name}")
        else:
            self.processes.append(process)
        return process

    def token(self, client, secret, scope="drimcloud.api"):
        body = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": client,
                                       "client_secret": secret, "scope": scope})
        status, answer = request(self.identity_port, "POST", "/connect/token", body,
                                 {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 200:
            raise RuntimeError(f"token for {client}: {status} {answer[:200]!r}")
        return json.loads(answer)["access_token"]

    def new_tenant(self):
        """An empty tenant with its own forwarder client: the 'fresh receiver' of an ingest run."""
        slug = f"bench-{uuid.uuid4().hex[:12]}"
        auth = {"Authorization": f"Bearer {self.operator}", "Content-Type": "application/json"}
        status, answer = request(self.port, "POST", "/platform/tenants", json.dumps({"slug": slug, "displayName": slug}), auth)
        if status // 100 != 2:
            raise RuntimeError(f"tenant: {status} {answer[:200]!r}")
        status, answer = request(self.port, "POST", f"/platform/tenants/{slug}/clients",
                                 json.dumps({"clientId": f"{slug}-fwd", "kind": "forwarder"}), auth)
        if status // 100 != 2:
            raise RuntimeError(f"client: {status} {answer[:200]!r}")
        self.use_tenant(slug, self.token(f"{slug}-fwd", json.loads(answer)["clientSecret"]))

    def use_tenant(self, slug, token):
        self.tenant = slug
        self.headers = {"Authorization": f"Bearer {token}"}
        self.stow_path = f"/tenants/{slug}/dicomweb/studies"

    def wado_path(self, study, series=None):
        return f"/tenants/{self.tenant}/dicomweb/studies/{study}" + (f"/series/{series}" if series else "")

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


# ------------------------------------------------------------------------------------------------ measurements

# On ext4 without a journal (this machine's disk), creating a file skips, one by one, every inode of the block group
# freed in the last 60 s (300 s while its inode table is dirty): right after thousands of files were deleted, each new
# file costs a scan (perf put 12-16% of the API's CPU in it during a STOW run that followed a clean-up). So nothing is
# deleted while measuring, and a run waits until the previous run's clean-up (stamped in this file) is old enough.
RECENTLY_DELETED_S = 65
CLEANUP_STAMP = "/tmp/drimcloud-bench-cleanup.stamp"


def wait_for_old_deletions():
    try:
        age = time.time() - os.path.getmtime(CLEANUP_STAMP)
    except OSError:
        return
    if age < RECENTLY_DELETED_S:
        log(f"waiting {RECENTLY_DELETED_S - age:.0f} s: the previous run's files were deleted {age:.0f} s ago")
        time.sleep(RECENTLY_DELETED_S - age)


def remove_tree(path):
    shutil.rmtree(path, ignore_errors=True)
    with open(CLEANUP_STAMP, "w"):
        pass


def settle():
    """Writes every dirty page out before a measurement, so that writeback left by the previous one does not land on
    whichever server is measured next."""
    os.sync()
    time.sleep(1)


def stow(server, files, clients):
    """STOW-RS of every file, one instance per request, `clients` keep-alive connections in parallel."""
    settle()
    lock, next_index = threading.Lock(), [0]
    stats = {"ok": 0, "failed": 0, "errors": []}

    def worker():
        conn = None
        while True:
            with lock:
                if next_index[0] >= len(files):
                    break
                path = files[next_index[0]]
                next_index[0] += 1
            with open(path, "rb") as f:
                data = f.read()
            boundary = uuid.uuid4().hex
            body = (b"--" + boundary.encode() + b"\r\nContent-Type: application/dicom\r\n\r\n" + data
                    + b"\r\n--" + boundary.encode() + b"--\r\n")
            headers = dict(server.headers, **{
                "Content-Type": f'multipart/related; type="application/dicom"; boundary={boundary}',
                "Accept": "application/dicom+json"})
            for attempt in range(3):
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
                    conn.request("POST", server.stow_path, body, headers)
                    response = conn.getresponse()
                    answer = response.read()
                    break
                except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                    # Orthanc closes idle keep-alive connections after 1 s (PEERS.md quirk 7): retry on a new one.
                    conn.close()
                    conn = None
                    if attempt == 2:
                        raise
            with lock:
                if response.status == 200:
                    stats["ok"] += 1
                else:
                    stats["failed"] += 1
                    if len(stats["errors"]) < 5:
                        stats["errors"].append(f"{os.path.basename(path)}: {response.status} {answer[:200]!r}")
        if conn is not None:
            conn.close()

    size = sum(os.path.getsize(f) for f in files)
    cpu_before = cpu_seconds(server.pid)
    client_before = time.process_time()
    with RssSampler(server.pid) as rss:
        start = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
    cpu = cpu_seconds(server.pid) - cpu_before
    client_cpu = time.process_time() - client_before
    return {"client_cpu_ms_per_instance": client_cpu * 1000 / len(files), "instances": len(files), "stored": stats["ok"], "failed": stats["failed"], "errors": stats["errors"],
            "seconds": elapsed, "server_cpu_ms_per_instance": cpu * 1000 / len(files), "instances_per_s": len(files) / elapsed, "mb_per_s": size / 1e6 / elapsed,
            "peak_rss_mb": rss.peak, "load": load()}


def retrieve(server, path, accept=ACCEPT_AS_STORED):
    """One WADO-RS GET read to its end: time to first body byte, total time, bytes, server CPU per 100 MB."""
    settle()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    cpu_before = cpu_seconds(server.pid)
    try:
        start = time.perf_counter()
        conn.request("GET", path, headers=dict(server.headers, Accept=accept))
        response = conn.getresponse()
        first = response.read1(65536)
        ttfb = time.perf_counter() - start
        if response.status != 200:
            raise RuntimeError(f"{server.name} GET {path}: {response.status} {first[:300]!r}")
        received = len(first)
        while True:
            chunk = response.read1(1 << 20)
            if not chunk:
                break
            received += len(chunk)
        elapsed = time.perf_counter() - start
    finally:
        conn.close()
    cpu = cpu_seconds(server.pid) - cpu_before
    return {"ttfb_ms": ttfb * 1000, "seconds": elapsed, "bytes": received, "mb_per_s": received / 1e6 / elapsed,
            "server_cpu_ms_per_100mb": cpu * 1000 / (received / 1e8) if received else float("nan")}


def uids(path):
    import pydicom
    ds = pydicom.dcmread(path, stop_before_pixels=True)
    return ds.StudyInstanceUID, ds.SeriesInstanceUID


def median(values):
    return statistics.median(values) if values else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--series", required=True, help="folder of the generated series")
    parser.add_argument("--big", required=True, help="folder of the big study (RSS measurement)")
    parser.add_argument("--corpus", required=True, help="the sample corpus (../shared/dicom-samples)")
    parser.add_argument("--clients", default="1,4")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json")
    parser.add_argument("--phases", default="stow,wado,metadata,corpus,big")
    args = parser.parse_args()
    phases = {p.strip() for p in args.phases.split(",") if p.strip()}
    unknown = phases - {"stow", "wado", "metadata", "corpus", "big"}
    if unknown:
        parser.error(f"unknown phases: {', '.join(sorted(unknown))}")

    series_files = sorted(os.path.join(args.series, f) for f in os.listdir(args.series))
    big_files = sorted(os.path.join(args.big, f) for f in os.listdir(args.big))
    corpus_files = []
    with open(os.path.join(args.corpus, "MANIFEST.tsv")) as f:
        next(f)
        corpus_files = [os.path.join(args.corpus, line.split("\t")[0]) for line in f if line.strip()]
    series_study, series_uid = uids(series_files[0])
    big_study, _ = uids(big_files[0])
    clients = [int(c) for c in args.clients.split(",")]
    results = {"phases": sorted(phases), "ingest": [], "corpus": [], "retrieve": [], "metadata": [], "big": [],
               "uptime_start": open("/proc/loadavg").read().strip()}

    work = tempfile.mkdtemp(prefix="drimcloud-dicomweb-bench-")
    orthanc = drimcloud = None
    try:
        log("starting DrimCloud (MigrationService, Identity, Api; SQLite + file blobs)")
        drimcloud = DrimCloud(args.repo, work)
        # Warm-up (a server in service is warm): JIT and connection pools, into throw-away tenants. 40 corpus files,
        # then rounds of 300 instances of the series (4 clients) and their retrieve, until a round makes the API
        # compile almost nothing: a few hundred requests leave seconds of tiered JIT for the timed runs to pay.
        drimcloud.new_tenant()
        stow(drimcloud, corpus_files[:40], 2)

        def warm_round(_):
            drimcloud.new_tenant()
            stow(drimcloud, series_files[:300], 4)
            retrieve(drimcloud, drimcloud.wado_path(series_study, series_uid))

        rounds = warm_until_settled(drimcloud.pid, warm_round, log)
        results["warm_up_compiled_per_round"] = rounds
        wait_for_old_deletions()

        def fresh_orthanc():
            nonlocal orthanc
            if orthanc is not None:
                orthanc.stop()
            orthanc = Orthanc(work)
            return orthanc

        # 1. Ingest of the series, interleaved so that load drift hits both alike.
        for run in range(args.runs if "stow" in phases else 0):
            for c in clients:
                for make in (fresh_orthanc, lambda: (drimcloud.new_tenant(), drimcloud)[1]):
                    server = make()
                    r = stow(server, series_files, c)
                    r.update(server=server.name, clients=c, run=run + 1)
                    results["ingest"].append(r)
                    log(f"STOW {server.name:9} clients={c} run={run + 1}: {r['instances_per_s']:.1f} inst/s "
                        f"{r['mb_per_s']:.1f} MB/s, {r['stored']} stored, {r['failed']} failed, peak RSS {r['peak_rss_mb']:.0f} MB, "
                        f"load {r['load']:.1f} {r['errors'][:1]}")

        if "stow" not in phases and phases & {"wado", "metadata"}:
            # Retrieval needs the series stored: once, untimed, 4 clients.
            for server in (fresh_orthanc(), (drimcloud.new_tenant(), drimcloud)[1]):
                r = stow(server, series_files, 4)
                log(f"setup STOW {server.name:9}: {r['stored']} stored, {r['failed']} failed in {r['seconds']:.0f} s")

        # 2. Retrieve of the series both now hold (the last ingest run's receivers).
        for server in (orthanc, drimcloud) if "wado" in phases else ():
            path = server.wado_path(series_study, series_uid)
            retrieve(server, path)
            for run in range(args.runs):
                with RssSampler(server.pid) as rss:
                    r = retrieve(server, path)
                r.update(server=server.name, run=run + 1, peak_rss_mb=rss.peak, load=load())
                results["retrieve"].append(r)
                log(f"WADO {server.name:9} run={run + 1}: TTFB {r['ttfb_ms']:.1f} ms, {r['mb_per_s']:.1f} MB/s, "
                    f"{r['bytes'] / 1e6:.0f} MB in {r['seconds']:.2f} s, CPU {r['server_cpu_ms_per_100mb']:.0f} ms/100 MB, "
                    f"peak RSS {rss.peak:.0f} MB")

        # 2b. Series metadata (DICOM JSON of every instance), same servers.
        for server in (orthanc, drimcloud) if "metadata" in phases else ():
            path = server.wado_path(series_study, series_uid) + "/metadata"
            retrieve(server, path, "application/dicom+json")
            for run in range(args.runs):
                r = retrieve(server, path, "application/dicom+json")
                r.update(server=server.name, run=run + 1, load=load())
                results["metadata"].append(r)
                log(f"metadata {server.name:9} run={run + 1}: TTFB {r['ttfb_ms']:.1f} ms, total {r['seconds'] * 1000:.0f} ms, "
                    f"{r['bytes'] / 1e6:.1f} MB")

        # 3. The sample corpus, into empty receivers: what each accepts.
        for server in (fresh_orthanc(), (drimcloud.new_tenant(), drimcloud)[1]) if "corpus" in phases else ():
            r = stow(server, corpus_files, 1)
            r.update(server=server.name)
            results["corpus"].append(r)
            log(f"corpus {server.name:9}: {r['stored']} of {r['instances']} accepted in {r['seconds']:.1f} s")

        # 4. The big study: ingest with 4 clients, then retrieve it whole, watching resident memory.
        for server in (fresh_orthanc(), (drimcloud.new_tenant(), drimcloud)[1]) if "big" in phases else ():
            ingest = stow(server, big_files, 4)
            retrieve(server, server.wado_path(big_study))  # warm-up, as for the series: first-query costs are not throughput
            # RUNS retrieves (a single one moved by 25% from run to run): the median one is reported (the ratio is of the
            # medians of all runs), all are kept.
            runs = []
            with RssSampler(server.pid) as rss:
                for _ in range(max(1, args.runs)):
                    runs.append(retrieve(server, server.wado_path(big_study)))
            out = sorted(runs, key=lambda x: x["mb_per_s"])[(len(runs) - 1) // 2]  # the lower middle one when even
            r = {"server": server.name, "instances": len(big_files),
                 "size_mb": sum(os.path.getsize(f) for f in big_files) / 1e6, "ingest": ingest, "retrieve": out,
                 "retrieve_runs": runs, "retrieve_peak_rss_mb": rss.peak}
            results["big"].append(r)
            log(f"big {server.name:9}: STOW {ingest['instances_per_s']:.1f} inst/s, peak RSS {ingest['peak_rss_mb']:.0f} MB; "
                f"WADO {out['mb_per_s']:.1f} MB/s, TTFB {out['ttfb_ms']:.0f} ms, CPU {out['server_cpu_ms_per_100mb']:.0f} ms/100 MB, "
                f"peak RSS {rss.peak:.0f} MB")
    finally:
        for server in (orthanc, drimcloud):
            if server is not None:
                server.stop()
        remove_tree(work)

    results["uptime_end"] = open("/proc/loadavg").read().strip()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    print_table(results, clients, len(series_files), sum(os.path.getsize(f) for f in series_files) / 1e6)


def print_table(results, clients, n, size_mb):
    def cell(values, fmt="{:.1f}"):
        return fmt.format(median(values)) + " (" + ", ".join(fmt.format(v) for v in values) + ")"

    def ratio(ours, theirs, higher_is_better=True):
        if not ours or not theirs:
            return "n/a"
        value = median(ours) / median(theirs) if higher_is_better else median(theirs) / median(ours)
        return f"{value:.2f}x"

    rows = []
    # only the client counts that were measured (the stow phase may not have run)
    for c in [c for c in clients if any(r.get("clients") == c for r in results["ingest"])]:
        o = [r for r in results["ingest"] if r["server"] == "Orthanc" and r["clients"] == c]
        d = [r for r in results["ingest"] if r["server"] == "DrimCloud" and r["clients"] == c]
        rows.append((f"STOW {n} x {size_mb / n * 1000:.0f} KB, {c} client(s): instances/s",
                     cell([r["instances_per_s"] for r in d]), cell([r["instances_per_s"] for r in o]),
                     ratio([r["instances_per_s"] for r in d], [r["instances_per_s"] for r in o])))
        rows.append((f"STOW {c} client(s): MB/s", cell([r["mb_per_s"] for r in d]), cell([r["mb_per_s"] for r in o]),
                     ratio([r["mb_per_s"] for r in d], [r["mb_per_s"] for r in o])))
        rows.append((f"STOW {c} client(s): server CPU ms per instance", cell([r["server_cpu_ms_per_instance"] for r in d]),
                     cell([r["server_cpu_ms_per_instance"] for r in o]),
                     ratio([r["server_cpu_ms_per_instance"] for r in d], [r["server_cpu_ms_per_instance"] for r in o], higher_is_better=False)))
        rows.append((f"STOW {c} client(s): this client's CPU ms per instance", cell([r.get("client_cpu_ms_per_instance", 0) for r in d]),
                     cell([r.get("client_cpu_ms_per_instance", 0) for r in o]), ""))
        rows.append((f"STOW {c} client(s): peak RSS MB", cell([r["peak_rss_mb"] for r in d], "{:.0f}"),
                     cell([r["peak_rss_mb"] for r in o], "{:.0f}"), ""))
    o = [r for r in results["retrieve"] if r["server"] == "Orthanc"]
    d = [r for r in results["retrieve"] if r["server"] == "DrimCloud"]
    rows.append((f"WADO-RS series ({size_mb:.0f} MB), transfer-syntax=*: MB/s", cell([r["mb_per_s"] for r in d]),
                 cell([r["mb_per_s"] for r in o]), ratio([r["mb_per_s"] for r in d], [r["mb_per_s"] for r in o])))
    rows.append(("WADO-RS series: time to first byte, ms", cell([r["ttfb_ms"] for r in d]), cell([r["ttfb_ms"] for r in o]),
                 ratio([r["ttfb_ms"] for r in d], [r["ttfb_ms"] for r in o], higher_is_better=False)))
    rows.append(("WADO-RS series: server CPU ms per 100 MB", cell([r["server_cpu_ms_per_100mb"] for r in d], "{:.0f}"),
                 cell([r["server_cpu_ms_per_100mb"] for r in o], "{:.0f}"),
                 ratio([r["server_cpu_ms_per_100mb"] for r in d], [r["server_cpu_ms_per_100mb"] for r in o], higher_is_better=False)))
    rows.append(("WADO-RS series: peak RSS MB", cell([r["peak_rss_mb"] for r in d], "{:.0f}"),
                 cell([r["peak_rss_mb"] for r in o], "{:.0f}"), ""))
    o = [r for r in results["metadata"] if r["server"] == "Orthanc"]
    d = [r for r in results["metadata"] if r["server"] == "DrimCloud"]
    rows.append((f"series metadata ({n} instances): time to first byte, ms", cell([r["ttfb_ms"] for r in d]),
                 cell([r["ttfb_ms"] for r in o]), ratio([r["ttfb_ms"] for r in d], [r["ttfb_ms"] for r in o], higher_is_better=False)))
    rows.append(("series metadata: total ms", cell([r["seconds"] * 1000 for r in d], "{:.0f}"),
                 cell([r["seconds"] * 1000 for r in o], "{:.0f}"),
                 ratio([r["seconds"] for r in d], [r["seconds"] for r in o], higher_is_better=False)))
    for kind in ("corpus",):
        by = {r["server"]: r for r in results[kind]}
        if by:
            rows.append((f"STOW sample corpus ({by['DrimCloud']['instances']} files, 1 client): accepted / seconds",
                         f"{by['DrimCloud']['stored']} / {by['DrimCloud']['seconds']:.1f}",
                         f"{by['Orthanc']['stored']} / {by['Orthanc']['seconds']:.1f}", ""))
    by = {r["server"]: r for r in results["big"]}
    if by:
        b = by["DrimCloud"]
        label = f"big study {b['instances']} instances, {b['size_mb'] / 1000:.2f} GB"
        rows.append((f"{label}: STOW 4 clients instances/s", f"{b['ingest']['instances_per_s']:.1f}",
                     f"{by['Orthanc']['ingest']['instances_per_s']:.1f}",
                     ratio([b['ingest']['instances_per_s']], [by['Orthanc']['ingest']['instances_per_s']])))
        rows.append((f"{label}: peak RSS while ingesting, MB", f"{b['ingest']['peak_rss_mb']:.0f}",
                     f"{by['Orthanc']['ingest']['peak_rss_mb']:.0f}", ""))
        def runs_of(server):
            return [x["mb_per_s"] for x in by[server].get("retrieve_runs", [by[server]["retrieve"]])]
        rows.append((f"{label}: WADO-RS study MB/s / TTFB ms (median run)",
                     f"{b['retrieve']['mb_per_s']:.1f} / {b['retrieve']['ttfb_ms']:.0f} ({', '.join(f'{v:.0f}' for v in runs_of('DrimCloud'))})",
                     f"{by['Orthanc']['retrieve']['mb_per_s']:.1f} / {by['Orthanc']['retrieve']['ttfb_ms']:.0f} ({', '.join(f'{v:.0f}' for v in runs_of('Orthanc'))})",
                     ratio(runs_of("DrimCloud"), runs_of("Orthanc"))))
        rows.append((f"{label}: WADO-RS study server CPU ms per 100 MB", f"{b['retrieve']['server_cpu_ms_per_100mb']:.0f}",
                     f"{by['Orthanc']['retrieve']['server_cpu_ms_per_100mb']:.0f}", ""))
        rows.append((f"{label}: peak RSS while retrieving, MB", f"{b['retrieve_peak_rss_mb']:.0f}",
                     f"{by['Orthanc']['retrieve_peak_rss_mb']:.0f}", ""))

    print("| measure | DrimCloud median (runs) | Orthanc median (runs) | DrimCloud / Orthanc |")
    print("|---|---|---|---|")
    for row in rows:
        if not (row[1].startswith("nan") and row[2].startswith("nan")):  # phases that did not run
            print("| " + " | ".join(row) + " |")
    print(f"\nload average (1/5/15 min) at start: {results['uptime_start']}; at end: {results['uptime_end']}")


if __name__ == "__main__":
    main()
