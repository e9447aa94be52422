"""Loopback load test of ParkOS under its production server (granian) with 1, 2 and 4 workers.

    .venv/bin/python bench/loadtest_serve.py [--workers 1,2,4] [--duration 5] [--rounds 2] [--connections 16]

1. Builds its own SQLite database under var/bench-serve/ (migrate, the demo data the first time; later
   runs reuse it) and collects the static files.
2. For each worker count, serves ParkOS with granian on 127.0.0.1 (a free port) as deploy/Procfile does
   (WSGI, `--blocking-threads 4`), DEBUG off, persistent database connections; logs in as the demo's
   operator admin through the login form.
3. Drives the portal home, the availability search and the lead board (logged in) and a bare Django
   view behind the same middleware (bench.loadtest_urls) with `wrk` (a bounded Python client when wrk
   is missing), `rounds` rounds of `duration` seconds, the URLs interleaved within each round.
4. Prints median requests/s per page and worker count, the ratio to the bare view under the same
   server, and errors; writes JSON under bench/results/. Exits 1 on any failed request.

Bounded: loopback only, at most workers × rounds × 4 × duration seconds of load; the server is stopped
after each worker count (docs/deployment.md, "Load").
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench-serve"
PY = sys.executable
THREADS = 4
URLS = {
    "bare Django view": "/bench/bare/",
    "portal home": "/portal/",
    "availability search": "/parks/availability/",
    "lead board": "/investment/",
}
FLOOR = "bare Django view"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PARKOS_VAR_DIR=str(VAR),
        DATABASE_URL=f"sqlite:///{VAR / 'parkos.sqlite3'}",
        DJANGO_SETTINGS_MODULE="bench.loadtest_settings",
        DEBUG="false",
        # DEBUG off needs a key of its own (parkos/settings.py); this throwaway database's sessions only.
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-loadtest-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONPATH=str(ROOT),
        DATABASE_CONN_MAX_AGE="60",
        SLOW_QUERY_MS="0",
        # The login below is one request per worker count, far under any limit; keep it that way.
        LOGIN_FAILURE_LIMIT="1000",
    )
    for key in ("REDIS_URL", "DATABASE_REPLICA_URL", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(key, None)
    return env


def prepare() -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    # The demo loads once (minutes); later runs only migrate.
    load_demo = not (VAR / "parkos.sqlite3").exists()
    steps = [
        ["migrate", "--noinput"],
        *([["demo"]] if load_demo else []),
        ["collectstatic", "--noinput", "--verbosity", "0"],
    ]
    for args in steps:
        subprocess.run(  # noqa: S603 - this interpreter and our manage.py
            [PY, "manage.py", *args], cwd=ROOT, env=_env(), check=True, stdout=subprocess.DEVNULL
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    cmd = [
        PY,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "parkos.wsgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(THREADS),
        "--backlog",
        "1024",
        "--no-ws",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(cmd, cwd=ROOT, env=_env(), start_new_session=True)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", URLS[FLOOR])
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit("server did not start")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def log_in(port: int) -> str:
    """The session cookie of the demo's operator admin, through the login form."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    page = response.read().decode()
    csrf_cookie = SimpleCookie(response.getheader("Set-Cookie", ""))["csrftoken"].value
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise SystemExit("no login form")
    body = urlencode(
        {
            "csrfmiddlewaretoken": token.group(1),
            "username": os.environ.get("DEMO_ADMIN_USERNAME", "admin"),
            "password": os.environ.get("DEMO_ADMIN_PASSWORD", "admin"),
        }
    )
    conn.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
            "Referer": f"http://127.0.0.1:{port}/accounts/login/",
        },
    )
    response = conn.getresponse()
    response.read()
    cookies = SimpleCookie()
    for header in response.msg.get_all("Set-Cookie") or []:
        cookies.load(header)
    if response.status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"login failed: {response.status}")
    return f"sessionid={cookies['sessionid'].value}"


def run_wrk(url: str, duration: int, connections: int, cookie: str) -> tuple[float, int]:
    out = subprocess.run(  # noqa: S603
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-H", f"Cookie: {cookie}", url],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 30,
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if match is None:
        raise SystemExit(f"wrk said: {out}")
    errors = 0
    if non_2xx := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        errors += int(non_2xx.group(1))
    if socket_errors := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(g) for g in socket_errors.groups())
    return float(match.group(1)), errors


def run_python_client(url: str, duration: int, connections: int, cookie: str) -> tuple[float, int]:
    """When wrk is missing: `connections` keep-alive clients for `duration` seconds."""
    host, port_path = url.removeprefix("http://").split(":", 1)
    port, path = port_path.split("/", 1)
    counts = [0] * connections
    errors = [0] * connections
    stop = time.monotonic() + duration

    def client(i: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        while time.monotonic() < stop:
            try:
                conn.request("GET", "/" + path, headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    counts[i] += 1
                else:
                    errors[i] += 1
            except OSError:
                errors[i] += 1
                conn = http.client.HTTPConnection(host, int(port), timeout=10)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / duration, sum(errors)


def drain(port: int) -> None:
    """Wait until the server has worked off the requests a load run left queued when it stopped:
    otherwise a slow page's backlog is counted against the next URL (the lead board measured 0 req/s
    behind the availability search's)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        started = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", URLS[FLOOR])
        conn.getresponse().read()
        if time.monotonic() - started < 1:
            return


def measure(workers: int, args: argparse.Namespace) -> tuple[dict[str, list[float]], dict[str, int]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    drive = run_wrk if shutil.which("wrk") else run_python_client
    server = start_server(port, workers)
    samples: dict[str, list[float]] = {name: [] for name in URLS}
    errors: dict[str, int] = dict.fromkeys(URLS, 0)
    try:
        cookie = log_in(port)
        for name, path in URLS.items():  # warm up every worker: imports, templates, the portal's cache
            for _ in range(workers * THREADS):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", path, headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    raise SystemExit(f"{name}: HTTP {response.status}")
        for _round in range(args.rounds):
            for name, path in URLS.items():
                rps, errs = drive(base + path, args.duration, args.connections, cookie)
                drain(port)
                samples[name].append(rps)
                errors[name] += errs
    finally:
        stop_server(server)
    return samples, errors


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench/loadtest_serve.py")
    parser.add_argument("--workers", default="1,2,4", help="granian worker counts (default 1,2,4)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per URL per round (default 5)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds per worker count (default 2)")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    worker_counts = [int(n) for n in args.workers.split(",")]
    if not 1 <= args.duration <= 60 or not 1 <= args.rounds <= 10 or not 1 <= args.connections <= 256:
        raise SystemExit("bounds: duration 1–60 s, rounds 1–10, connections 1–256")
    if not all(1 <= n <= 16 for n in worker_counts):
        raise SystemExit("bounds: 1–16 workers")

    prepare()
    tool = "wrk" if shutil.which("wrk") else "python client"
    results = []
    ok = True
    print(
        f"\nParkOS under granian (WSGI, {THREADS} threads per worker), SQLite, {tool}, {args.connections} "
        f"connections, {args.rounds}×{args.duration}s per URL; {os.cpu_count()} CPUs"
    )
    print(f"{'workers':>7} {'page':<20} {'req/s (median)':>15} {'ratio to bare':>14} {'errors':>7}  runs")
    for workers in worker_counts:
        samples, errors = measure(workers, args)
        floor = statistics.median(samples[FLOOR])
        for name in URLS:
            median = statistics.median(samples[name])
            ratio = median / floor if floor else 0.0
            ok = ok and errors[name] == 0
            runs = ", ".join(f"{s:.0f}" for s in samples[name])
            print(f"{workers:>7} {name:<20} {median:>15.1f} {ratio:>14.2f} {errors[name]:>7}  {runs}")
            results.append(
                {
                    "workers": workers,
                    "page": name,
                    "rps_median": round(median, 1),
                    "ratio_to_bare": round(ratio, 3),
                    "errors": errors[name],
                    "runs": [round(s, 1) for s in samples[name]],
                }
            )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"loadtest-serve-{time.strftime('%Y%m%d-%H%M%S')}.json"
    payload = {"tool": tool, "threads": THREADS, "cpus": os.cpu_count(), "results": results, "ok": ok}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2), "utf-8")
    print(f"{'no errors' if ok else 'ERRORS'}; JSON: {path}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
