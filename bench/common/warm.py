"""Warming a .NET server until its JIT has settled, so that a benchmark measures the steady state.

The runtime compiles a method quickly the first time it runs (tier 0) and again, optimised, once it has been called
often enough (tier 1), on a background thread. A few hundred warm-up requests are not enough for that to finish: with
the forwarder benchmark's cloud on one core, the API's tiered compilation still used 0.5-1.4 s of that core inside
one timed phase or the other (perf, 2026-11-29), which is what made the same code measure 3.5 or 5.4 ms of API CPU per
instance, and warm-up rounds of 400 instances each kept costing it 1-3 s of JIT for three or four rounds. A server
in service has long finished; so warm-up repeats rounds until one compiles almost nothing.

What was compiled is read from the runtime's perf map (DOTNET_PerfMapEnabled=3 makes it append one line per compiled
method or stub to /tmp/perf-PID.map): a count that threads starting and ending cannot hide, unlike their CPU time.
"""
import os

PERF_MAP_ENVIRONMENT = {"DOTNET_PerfMapEnabled": "3"}  # the perf map only (no jitdump): for the server's environment


def compiled_so_far(pid):
    """Methods and stubs the process has compiled so far (lines of its perf map); None without a perf map."""
    try:
        with open(f"/tmp/perf-{pid}.map", "rb") as perf_map:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: perf_map.read(1 << 20), b""))
    except OSError:
        return None


def warm_until_settled(pid, one_round, log, settled=20, min_rounds=2, max_rounds=12):
    """Runs one_round(i) until a round compiles fewer than `settled` methods in process pid (at least min_rounds, at
    most max_rounds). Returns how many each round compiled. Without a perf map, runs min_rounds and says so."""
    compiled = []
    for i in range(max_rounds):
        before = compiled_so_far(pid)
        one_round(i)
        after = compiled_so_far(pid)
        if before is None or after is None:
            log(f"warm-up round {i + 1}: no perf map for process {pid} (start it with DOTNET_PerfMapEnabled=3)")
            if i + 1 >= min_rounds:
                return compiled
            continue
        compiled.append(after - before)
        log(f"warm-up round {i + 1}: the runtime compiled {after - before} methods")
        if i + 1 >= min_rounds and after - before < settled:
            return compiled
    log(f"warm-up: still compiling after {max_rounds} rounds; the figures include some JIT work")
    return compiled
