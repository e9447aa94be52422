"""Loopback load test of the public portal: article page and park page against a bare Django view.

    .venv/bin/python bench/loadtest_portal.py [--duration 10] [--rounds 3] [--connections 32]

1. Builds its own SQLite database under var/bench-portal/ (migrate, one park with 40 units, one
   published article about it).
2. Serves ParkOS with gunicorn on 127.0.0.1 (a free port), DEBUG off, sync workers.
3. Drives each URL with `wrk` (Debian package; a bounded Python client if wrk is missing), for
   `rounds` rounds of `duration` seconds, the three URLs interleaved within each round, so all of
   them see the same machine state.
4. Prints median requests/s per page, the ratio to the bare view and the error count, writes JSON
   under bench/results/, and exits 1 if a page is under the target ratio or any request failed.

Bounded: loopback only, at most rounds × 3 × duration seconds of load, the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import django
from django.core.management import call_command

from parkos.parks.models import Building, Floor, Park, Unit
from parkos.portal import services
from parkos.portal.models import Article

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench-portal"
TARGET_RATIO = 0.30
PARK_CODE = "BENCH-PORTAL"
ARTICLE_SLUG = "bench-portal-article"


# A throwaway database: a throwaway key (ParkOS refuses to run with DEBUG off and no key).
_SECRET_KEY = secrets.token_urlsafe(64)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("SECRET_KEY", _SECRET_KEY)
    env.update(
        PARKOS_VAR_DIR=str(VAR),
        DJANGO_SETTINGS_MODULE="bench.loadtest_settings",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONPATH=str(ROOT),
        # Persistent connections, as in production behind a process server (docs/configuration.md).
        DATABASE_CONN_MAX_AGE=env.get("DATABASE_CONN_MAX_AGE", "60"),
    )
    return env


def prepare() -> None:
    os.environ.update(_env())
    sys.path.insert(0, str(ROOT))

    django.setup()

    call_command("migrate", verbosity=0, interactive=False)

    park, _ = Park.objects.get_or_create(
        code=PARK_CODE,
        defaults={
            "name": "基准测试生物医药产业园",
            "city": "重庆市",
            "district": "巴南区",
            "land_area_sqm": Decimal("90666.67"),
            "industry_focus": "生物药、医疗器械",
            "transport": "距江北机场50分钟",
        },
    )
    if not Unit.objects.filter(park=park).exists():
        for b in range(2):
            building = Building.objects.create(park=park, code=f"A{b + 1}", structure="multi_storey_frame", storeys=4)
            for level in range(1, 5):
                floor = Floor.objects.create(
                    building=building,
                    level=level,
                    area_sqm=Decimal(3000),
                    floor_load_kn_m2=Decimal(12 if level == 1 else 8),
                    clear_height_m=Decimal("6.5" if level == 1 else "4.5"),
                )
                for i in range(5):
                    Unit.objects.create(
                        park=park,
                        building=building,
                        floor=floor,
                        code=f"A{b + 1}-{level}{i + 1:02d}",
                        area_sqm=Decimal(500),
                        rent_yuan_per_sqm_month=Decimal(22),
                    )
    if not Article.objects.filter(slug=ARTICLE_SLUG).exists():
        article = services.article_create(
            actor=None,
            slug=ARTICLE_SLUG,
            title="基准园区新厂房投用",
            summary="用于负载测试的文章。",
            body="## 投用\n\n" + "园区新建标准厂房正式投用，欢迎企业咨询。\n\n" * 20,
            tags=["生物医药", "签约"],
            parks=[park],
        )
        services.article_publish(article=article, actor=None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    gunicorn = shutil.which("gunicorn", path=str(ROOT / ".venv" / "bin")) or "gunicorn"
    cmd = [
        gunicorn,
        "parkos.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        "--backlog=256",
        "--log-level=warning",
    ]
    server = subprocess.Popen(cmd, cwd=ROOT, env=_env(), start_new_session=True)  # noqa: S603
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/bench/bare/")
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


def run_wrk(url: str, duration: int, connections: int) -> tuple[float, int]:
    out = subprocess.run(  # noqa: S603
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", url],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 30,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        errors += int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(g) for g in match.groups())
    return rps, errors


def run_python_client(url: str, duration: int, connections: int) -> tuple[float, int]:
    """Fallback when wrk is missing: `connections` keep-alive clients for `duration` seconds."""
    host, port_path = url.removeprefix("http://").split(":", 1)
    port, path = port_path.split("/", 1)
    counts = [0] * connections
    errors = [0] * connections
    stop = time.monotonic() + duration

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        while time.monotonic() < stop:
            try:
                conn.request("GET", "/" + path)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    counts[i] += 1
                else:
                    errors[i] += 1
            except OSError:
                errors[i] += 1
                conn = http.client.HTTPConnection(host, int(port), timeout=10)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / duration, sum(errors)


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench/loadtest_portal.py")
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL per round (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; each URL gets rounds × duration seconds")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2))
    args = parser.parse_args()
    if not 1 <= args.duration <= 60 or not 1 <= args.rounds <= 10 or not 1 <= args.connections <= 256:
        raise SystemExit("bounds: duration 1–60 s, rounds 1–10, connections 1–256")

    prepare()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    urls = {
        "bare Django view": f"{base}/bench/bare/",
        "article page": f"{base}/portal/news/{ARTICLE_SLUG}/",
        "park page": f"{base}/portal/parks/{PARK_CODE}/",
    }
    drive = run_wrk if shutil.which("wrk") else run_python_client
    tool = "wrk" if drive is run_wrk else "python client"
    server = start_server(port, args.workers)
    samples: dict[str, list[float]] = {name: [] for name in urls}
    errors: dict[str, int] = dict.fromkeys(urls, 0)
    try:
        for name, url in urls.items():  # warm up: imports, first render into the cache
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", url.removeprefix(base))
            assert conn.getresponse().status == 200, name
        for _round in range(args.rounds):
            for name, url in urls.items():
                rps, errs = drive(url, args.duration, args.connections)
                samples[name].append(rps)
                errors[name] += errs
    finally:
        stop_server(server)

    floor = statistics.median(samples["bare Django view"])
    print(
        f"\nPortal load test — {tool}, {args.connections} connections, {args.rounds}×{args.duration}s per URL, "
        f"gunicorn {args.workers} sync workers, SQLite"
    )
    print(f"{'page':<20} {'req/s (median)':>15} {'ratio to bare':>14} {'errors':>7}  runs")
    ok = True
    results = []
    for name in urls:
        median = statistics.median(samples[name])
        ratio = median / floor if floor else 0.0
        met = name == "bare Django view" or ratio >= TARGET_RATIO
        ok = ok and met and errors[name] == 0
        runs = ", ".join(f"{s:.0f}" for s in samples[name])
        print(f"{name:<20} {median:>15.1f} {ratio:>14.2f} {errors[name]:>7}  {runs}")
        results.append({"page": name, "rps_median": round(median, 1), "ratio": round(ratio, 3), "errors": errors[name]})
    print(
        f"target: article and park page ≥ {TARGET_RATIO:.0%} of the bare view, no errors → {'met' if ok else 'NOT met'}"
    )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"loadtest-portal-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"tool": tool, "results": results, "met": ok}, ensure_ascii=False, indent=2), "utf-8")
    print(f"JSON: {path}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
