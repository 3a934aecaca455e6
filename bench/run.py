"""Run every benchmark side by side in one go and print the tables for docs/benchmarks.md.

Each server (ours, the official-SDK peer, bare Hypercorn, Quart) runs alone as a subprocess
pinned to one CPU core; the load generator (`bench.load`, its own process) is pinned to the
other. The load generator stops at phase boundaries so that the server's CPU time and memory
are read exactly around the measured work:

- server CPU per call = (user + system CPU of the server between "ready" and "called") / calls;
  setup (initialize; for the stateless 2026-07-28 era, one warm-up call per client) and
  teardown are outside the window;
- memory per held session = (USS with N held HTTP+SSE sessions - USS with none) / N;
- churn = K connect/disconnect cycles, then the session count (ours) and the RSS/USS change.

The raw results go to bench/results/ (git-ignored) as JSON; the tables go to stdout.

    uv run python -m bench.run               # full run, about 4-7 minutes
    uv run python -m bench.run --quick       # smoke test
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
SERVER_CORE = 0
CLIENT_CORE = 1
START_TIMEOUT = 30.0
SETTLE_SECONDS = 1.0


# The calls loads: result key -> (bench.load mode, extra options, what the tables call it).
# `post_modern` is the floor for `modern`: the same request and answer bytes, no MCP.
CALL_MODES: dict[str, tuple[str, list[str], str]] = {
    "streamable": ("streamable", [], "Streamable HTTP"),
    "sse": ("sse", [], "HTTP+SSE"),
    "modern": ("modern", [], "2026-07-28 stateless"),
    "post": ("post", [], "plain POST"),
    "post_modern": ("post", ["--era", "modern", "--path", "/mcp"], "plain POST, 2026-07-28"),
}
MCP_MODES = ("streamable", "sse", "modern")


@dataclass(frozen=True)
class ServerSpec:
    name: str
    label: str
    command: list[str]
    mcp: bool  # speaks MCP (else: the POST floors)
    sessions_api: bool = False
    post_path: str = "/"
    call_modes: tuple[str, ...] = MCP_MODES


def server_specs(args: argparse.Namespace) -> list[ServerSpec]:
    ours = [PYTHON, "-m", "desktop", "--headless", "--port", "0", "--log-level", "warning"]
    for flag, value in (
        ("--queue-capacity", args.queue_capacity),
        ("--workers", args.workers),
        ("--ping-interval", args.ping_interval),
    ):
        if value is not None:
            ours += [flag, str(value)]
    specs = [
        ServerSpec("ours", "Chatlog Tray", ours, mcp=True, sessions_api=True),
        ServerSpec(
            "sdk", "mcp SDK peer", [PYTHON, "-m", "bench.peer_sdk_server", "--port", "0"], mcp=True
        ),
        ServerSpec(
            "hypercorn",
            "bare Hypercorn ASGI",
            [PYTHON, "-m", "bench.baseline_asgi", "--app", "bare", "--port", "0"],
            mcp=False,
            call_modes=("post", "post_modern"),
        ),
        ServerSpec(
            "quart",
            "Quart route",
            [PYTHON, "-m", "bench.baseline_asgi", "--app", "quart", "--port", "0"],
            mcp=False,
            post_path="/rpc",
            call_modes=("post",),
        ),
    ]
    chosen = set(args.only or [spec.name for spec in specs])
    return [spec for spec in specs if spec.name in chosen]


def pin(core: int) -> Callable[[], None]:
    def pin_child() -> None:
        if hasattr(os, "sched_setaffinity") and core < (os.cpu_count() or 1):
            os.sched_setaffinity(0, {core})

    return pin_child


class Server:
    """One server subprocess: started, waited for, sampled, stopped with SIGTERM."""

    def __init__(self, spec: ServerSpec, log_dir: Path) -> None:
        self.spec = spec
        self._log = (log_dir / f"{spec.name}.log").open("w")
        self.process = subprocess.Popen(
            spec.command,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            preexec_fn=pin(SERVER_CORE),
        )
        self.ps = psutil.Process(self.process.pid)
        self.port = self._wait_listening()

    def _wait_listening(self) -> int:
        assert self.process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            if line.startswith("listening on http://"):
                return int(line.strip().rsplit(":", 1)[1])
        self.stop()
        raise RuntimeError(f"{self.spec.name} did not start; see its log")

    def cpu(self) -> float:
        times = self.ps.cpu_times()
        return times.user + times.system

    def memory(self) -> dict[str, int]:
        info = self.ps.memory_full_info()
        return {"rss": info.rss, "uss": info.uss}

    def stop(self) -> dict[str, Any]:
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self._log.close()
        return {"exit_code": code, "stop_seconds": time.monotonic() - started}


@dataclass
class LoadRun:
    result: dict[str, Any]
    probes: dict[str, dict[str, Any]] = field(default_factory=dict)


def run_load(server: Server, mode: str, options: list[str], settle: float = 0.0) -> LoadRun:
    """Run `bench.load MODE` against `server`; at each phase, sample the server's CPU and memory."""
    command = [PYTHON, "-m", "bench.load", mode, "--port", str(server.port), "--sync", *options]
    if server.spec.sessions_api:
        command.append("--sessions-api")
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=pin(CLIENT_CORE),
    )
    assert process.stdin is not None and process.stdout is not None
    run = LoadRun(result={})
    for line in process.stdout:
        if line.startswith("phase "):
            if settle:
                time.sleep(settle)
            run.probes[line.split()[1]] = {
                "cpu": server.cpu(),
                "system_busy": system_busy(),
                "time": time.perf_counter(),
                **server.memory(),
            }
            _write_line(process.stdin, "go")
        elif line.startswith("result "):
            run.result = json.loads(line[len("result ") :])
    if process.wait() != 0 or not run.result:
        raise RuntimeError(f"load generator failed: {' '.join(command)}")
    return run


def system_busy() -> float:
    """CPU seconds the whole machine has spent busy (all cores, all processes)."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def _write_line(stream: IO[str], text: str) -> None:
    stream.write(text + "\n")
    stream.flush()


def wait_for_quiet(limit: float, timeout: float) -> float:
    """Wait (up to `timeout` s) until the machine is below `limit` busy; return the last level.

    Other work on the machine (another session's test run) disturbs latency and throughput far
    more than CPU per call; waiting for a quiet moment keeps the runs comparable.
    """
    deadline = time.monotonic() + timeout
    while True:
        busy = psutil.cpu_percent(interval=0.5) / 100
        if busy <= limit or time.monotonic() > deadline:
            return busy


def measure_calls_once(server: Server, mode: str, args: argparse.Namespace) -> dict[str, Any]:
    """One calls load; the server's CPU is read between the "ready" and "called" phases."""
    busy_before = wait_for_quiet(args.quiet_below, args.quiet_wait) if args.quiet_wait else None
    load_mode, extra, _label = CALL_MODES[mode]
    options = ["--sessions", str(args.sessions), "--calls", str(args.calls)]
    if mode == "post":
        options += ["--path", server.spec.post_path]
    load = run_load(server, load_mode, [*options, *extra])
    before, after = load.probes["ready"], load.probes["called"]
    calls = load.result["calls"]
    server_cpu = after["cpu"] - before["cpu"]
    wall = after["time"] - before["time"]
    # Anything else busy on the machine meanwhile (other sessions' test runs...) disturbs
    # latency and throughput; it is recorded so that a disturbed run can be recognized.
    other = after["system_busy"] - before["system_busy"] - server_cpu - load.result["client_cpu_s"]
    return {
        **load.result,
        "server_cpu_s": server_cpu,
        "server_cpu_per_call_ms": server_cpu / calls * 1000 if calls else None,
        "server_core_busy": server_cpu / wall if wall else None,
        "other_cpu_share": max(0.0, other) / wall if wall else None,
        "machine_busy_before": busy_before,
    }


def summarize_calls(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median figures over the repeated runs (every run is kept too)."""
    keys = (
        "req_per_s",
        "p50_ms",
        "p99_ms",
        "server_cpu_per_call_ms",
        "client_cpu_per_call_ms",
        "server_core_busy",
        "other_cpu_share",
    )
    summary: dict[str, Any] = {
        key: statistics.median(run[key] for run in runs if run[key] is not None) for key in keys
    }
    summary["server_cpu_per_call_ms_min"] = min(run["server_cpu_per_call_ms"] for run in runs)
    summary["calls"] = sum(run["calls"] for run in runs)
    summary["errors"] = sum(_count(run["errors"]) for run in runs)
    summary["streamed_answers"] = sum(run["streamed_answers"] for run in runs)
    summary["runs"] = runs
    return summary


def _count(errors: int | str) -> int:
    return errors if isinstance(errors, int) else int(errors.rstrip("+"))


def measure_hold(server: Server, args: argparse.Namespace) -> dict[str, Any]:
    """Memory per held session; then a second hold, to tell a leak from reused memory.

    CPython and glibc keep freed memory for reuse rather than returning it to the system, so
    USS after closing the sessions stays high; what matters is that a second round of N
    sessions fits in that same memory (growth near 0) instead of adding another N x size.
    """
    options = ["--sessions", str(args.hold), "--connect-limit", "32"]
    first = run_load(server, "hold", options, settle=SETTLE_SECONDS)
    second = run_load(server, "hold", options, settle=SETTLE_SECONDS)
    empty, held, released = first.probes["empty"], first.probes["held"], first.probes["released"]
    count = first.result["held"] or 1
    return {
        **first.result,
        "memory": {"empty": empty, "held": held, "released": released},
        "second_hold": {**second.result, "memory": second.probes},
        "uss_per_session_kb": (held["uss"] - empty["uss"]) / count / 1024,
        "rss_per_session_kb": (held["rss"] - empty["rss"]) / count / 1024,
        "uss_kept_after_close_kb": (released["uss"] - empty["uss"]) / 1024,
        "second_hold_growth_kb": (second.probes["held"]["uss"] - held["uss"]) / 1024,
    }


def measure_churn(server: Server, cycles: int) -> dict[str, Any]:
    load = run_load(server, "churn", ["--cycles", str(cycles)], settle=SETTLE_SECONDS)
    before, after = load.probes["before"], load.probes["after"]
    return {
        **load.result,
        "memory": {"before": before, "after": after},
        "rss_growth_kb": (after["rss"] - before["rss"]) / 1024,
        "uss_growth_kb": (after["uss"] - before["uss"]) / 1024,
        "server_cpu_per_cycle_ms": (after["cpu"] - before["cpu"]) / cycles * 1000,
    }


def warm_up(server: Server, args: argparse.Namespace) -> None:
    small = ["--sessions", "4", "--calls", str(args.warmup_calls)]
    for mode in server.spec.call_modes:
        load_mode, extra, _label = CALL_MODES[mode]
        if mode == "post":
            extra = ["--path", server.spec.post_path]
        run_load(server, load_mode, [*small, *extra])
    if server.spec.mcp:
        run_load(server, "churn", ["--cycles", "200"])
        run_load(server, "hold", ["--sessions", "50"])


def bench_all(specs: list[ServerSpec], args: argparse.Namespace, log_dir: Path) -> dict[str, Any]:
    """Start every server, then interleave the repeated call loads across them.

    Interleaving (ours, SDK, Hypercorn, Quart, ours, SDK, ...) spreads any disturbance from
    elsewhere on the machine over all servers instead of charging it to one. Idle servers
    cost nothing meanwhile. Memory (hold) and churn run on one server at a time.
    """
    servers: dict[str, Server] = {}
    results: dict[str, dict[str, Any]] = {}
    try:
        for spec in specs:
            print(f"-- starting {spec.label}", file=sys.stderr, flush=True)
            servers[spec.name] = Server(spec, log_dir)
            results[spec.name] = {
                "label": spec.label,
                "command": spec.command,
                "memory_started": servers[spec.name].memory(),
            }
        for server in servers.values():
            warm_up(server, args)
        runs: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for repeat in range(args.repeat):
            for mode in CALL_MODES:
                for name, server in servers.items():
                    if mode not in server.spec.call_modes:
                        continue
                    print(
                        f"-- {mode} {repeat + 1}/{args.repeat}: {name}", file=sys.stderr, flush=True
                    )
                    runs.setdefault((name, mode), []).append(measure_calls_once(server, mode, args))
        for (name, mode), mode_runs in runs.items():
            results[name][mode] = summarize_calls(mode_runs)
        for name, server in servers.items():
            if not server.spec.mcp:
                continue
            if args.hold:
                print(f"-- hold {args.hold}: {name}", file=sys.stderr, flush=True)
                results[name]["hold"] = measure_hold(server, args)
            cycles = args.churn if server.spec.sessions_api else args.peer_churn
            if cycles:
                print(f"-- churn {cycles}: {name}", file=sys.stderr, flush=True)
                results[name]["churn"] = measure_churn(server, cycles)
    finally:
        for name, server in servers.items():
            results[name]["stop"] = server.stop()
    return results


def environment() -> dict[str, Any]:
    def version(package: str) -> str:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return "-"

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    cpu_model = "?"
    with open("/proc/cpuinfo") if Path("/proc/cpuinfo").exists() else open(os.devnull) as info:
        for line in info:
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_model": cpu_model,
        "cpus": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "packages": {
            name: version(name)
            for name in ("mcp", "hypercorn", "quart", "starlette", "sse-starlette", "pydantic")
        },
    }


# --- tables ----------------------------------------------------------------------------------


def _f(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def tables(report: dict[str, Any]) -> str:
    servers = report["servers"]
    lines = [
        "| server | transport | calls | req/s | p50 ms | p99 ms | server CPU/call ms "
        "| server core busy | client CPU/call ms | other CPU |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in servers.values():
        for mode, (_load_mode, _extra, transport) in CALL_MODES.items():
            if mode not in result:
                continue
            row = result[mode]
            lines.append(
                f"| {result['label']} | {transport} | {row['calls']:,} | {_f(row['req_per_s'], 0)}"
                f" | {_f(row['p50_ms'])} | {_f(row['p99_ms'])}"
                f" | **{_f(row['server_cpu_per_call_ms'], 3)}** | {row['server_core_busy']:.0%}"
                f" | {_f(row['client_cpu_per_call_ms'], 3)} | {row['other_cpu_share']:.0%} |"
            )
    lines += [
        "",
        "| server | held sessions | USS empty MB | USS held MB | KB/session (USS) "
        "| KB/session (RSS) | USS kept after close KB | 2nd hold of N: USS growth KB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in servers.values():
        if "hold" not in result:
            continue
        hold = result["hold"]
        memory = hold["memory"]
        lines.append(
            f"| {result['label']} | {hold['held']:,} | {memory['empty']['uss'] / 2**20:.1f}"
            f" | {memory['held']['uss'] / 2**20:.1f} | **{hold['uss_per_session_kb']:.1f}**"
            f" | {hold['rss_per_session_kb']:.1f} | {hold['uss_kept_after_close_kb']:,.0f}"
            f" | {hold['second_hold_growth_kb']:,.0f} |"
        )
    lines += [
        "",
        "| server | churn cycles | errors | cycles/s | sessions after | RSS growth KB "
        "| USS growth KB | server CPU/cycle ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in servers.values():
        if "churn" not in result:
            continue
        churn = result["churn"]
        after = churn["sessions_after"]
        lines.append(
            f"| {result['label']} | {churn['cycles']:,} | {churn['errors']}"
            f" | {churn['cycles_per_s']:,.0f} | {'n/a' if after is None else after}"
            f" | {churn['rss_growth_kb']:,.0f} | {churn['uss_growth_kb']:,.0f}"
            f" | {churn['server_cpu_per_cycle_ms']:.3f} |"
        )
    lines += ["", "| target | measured | limit | met |", "|---|---:|---:|:---:|"]
    for target in report["targets"]:
        lines.append(
            f"| {target['target']} | {target['measured']} | {target['limit']} "
            f"| {'yes' if target['met'] else '**no**'} |"
        )
    return "\n".join(lines)


def targets(servers: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, as far as this run measured them."""
    out: list[dict[str, Any]] = []

    def cpu(name: str, mode: str) -> float | None:
        row = servers.get(name, {}).get(mode)
        return None if row is None else float(row["server_cpu_per_call_ms"])

    def ratio(target: str, mine: float | None, other: float | None, limit: float) -> None:
        if mine is None or other is None:
            return
        value = mine / other
        out.append(
            {
                "target": target,
                "measured": f"{value:.2f}x",
                "limit": f"<= {limit}x",
                "met": value <= limit,
                "value": value,
            }
        )

    ratio(
        "CPU/call vs SDK peer, Streamable HTTP",
        cpu("ours", "streamable"),
        cpu("sdk", "streamable"),
        0.5,
    )
    ratio("CPU/call vs SDK peer, HTTP+SSE", cpu("ours", "sse"), cpu("sdk", "sse"), 0.8)
    ratio(
        "CPU/call vs SDK peer, 2026-07-28 stateless",
        cpu("ours", "modern"),
        cpu("sdk", "modern"),
        0.5,
    )
    ratio(
        "CPU/call vs bare Hypercorn POST, Streamable HTTP",
        cpu("ours", "streamable"),
        cpu("hypercorn", "post"),
        1.3,
    )
    ratio(
        "CPU/call vs bare Hypercorn POST, HTTP+SSE",
        cpu("ours", "sse"),
        cpu("hypercorn", "post"),
        1.3,
    )
    ours = servers.get("ours", {})
    if "hold" in ours:
        value = ours["hold"]["uss_per_session_kb"]
        measured, limit, met = f"{value:.1f} KB", "<= 40 KB", value <= 40
        peer = servers.get("sdk", {}).get("hold")
        if peer is not None:
            share = value / peer["uss_per_session_kb"]
            measured += f" ({share:.2f}x SDK peer)"
            limit += " and <= 0.4x"
            met = met and share <= 0.4
        out.append(
            {
                "target": "memory per held SSE session",
                "measured": measured,
                "limit": limit,
                "met": met,
                "value": value,
            }
        )
    if "churn" in ours:
        churn = ours["churn"]
        flat = churn["rss_growth_kb"] <= FLAT_KB
        out.append(
            {
                "target": f"{churn['cycles']:,} churn cycles: 0 sessions, flat memory",
                "measured": (
                    f"{churn['sessions_after']} sessions, RSS {churn['rss_growth_kb']:+,.0f} KB"
                ),
                "limit": f"0, <= {FLAT_KB:,} KB",
                "met": churn["sessions_after"] == 0 and churn["errors"] == 0 and flat,
                "value": churn["rss_growth_kb"],
            }
        )
    return out


# RSS may move by a few allocator arenas without any leak; a leak of even 100 bytes per
# cycle would show as 1 MB over 10,000 cycles.
FLAT_KB = 1024


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Run the MCP benchmarks side by side.")
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions (N)")
    parser.add_argument("--calls", type=int, default=250, help="tools/call per session (M)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--warmup-calls", type=int, default=50)
    parser.add_argument("--hold", type=int, default=1000, help="held SSE sessions")
    parser.add_argument("--churn", type=int, default=10_000, help="churn cycles against ours")
    parser.add_argument(
        "--peer-churn", type=int, default=2_000, help="churn cycles against the SDK peer (0: skip)"
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=5.0,
        help="before each calls run, wait up to this many seconds for the machine to go quiet",
    )
    parser.add_argument(
        "--quiet-below", type=float, default=0.1, help="'quiet': machine busy below this share"
    )
    parser.add_argument("--only", action="append", choices=["ours", "sdk", "hypercorn", "quart"])
    parser.add_argument("--queue-capacity", type=int, help="passed to our server")
    parser.add_argument("--workers", type=int, help="passed to our server")
    parser.add_argument("--ping-interval", type=float, help="passed to our server")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to check it works")
    parser.add_argument("--output", type=Path, help="JSON file (default: bench/results/...)")
    return parser


def main() -> None:
    args = build_parser().parse_args()
    if args.quick:
        args.sessions, args.calls, args.repeat, args.warmup_calls = 4, 50, 1, 10
        args.hold, args.churn, args.peer_churn = 100, 500, 200
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    RESULTS.mkdir(parents=True, exist_ok=True)
    log_dir = RESULTS / f"logs-{stamp}"
    log_dir.mkdir()
    started = time.monotonic()
    report: dict[str, Any] = {
        "environment": environment(),
        "settings": {key: value for key, value in vars(args).items() if key != "output"}
        | {"server_core": SERVER_CORE, "client_core": CLIENT_CORE},
        "servers": {},
    }
    report["servers"] = bench_all(server_specs(args), args, log_dir)
    report["targets"] = targets(report["servers"])
    report["duration_s"] = time.monotonic() - started
    output = args.output or RESULTS / f"run-{stamp}.json"
    output.write_text(json.dumps(report, indent=2, default=str))
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2, default=str))
    env = report["environment"]
    print(
        f"{env['cpus']} cores ({env['cpu_model']}), Python {env['python']}, "
        + ", ".join(f"{name} {version}" for name, version in env["packages"].items())
        + f", commit {env['commit']}; {report['duration_s']:.0f} s; raw results: {output}\n"
    )
    print(tables(report))


if __name__ == "__main__":
    main()
