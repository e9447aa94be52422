"""Bounded load test of the public requirement form, on loopback only.

    .venv/bin/python bench/loadtest_requirement_form.py [--posts 2000] [--clients 50]

1. Builds a throwaway SQLite database under a temporary directory (migrations + the demo portfolio),
   or uses DATABASE_URL when set.
2. Starts `manage.py runserver 127.0.0.1:<free port> --noreload` on it (the IP rate limit is raised
   for the run: every client is 127.0.0.1; the per-mobile limit stays at its default of 5/hour).
3. Sends `--posts` form posts from `--clients` concurrent clients, each first fetching the form for
   its CSRF cookie and token: unique valid submissions, repeats of earlier mobiles (up to 3 per
   mobile, some concurrently), invalid input (bad mobile, no consent, no area) and honeypot posts.
4. Verifies the database: every distinct valid mobile stored exactly once as a lead, every valid
   post counted on its mobile's guard row, invalid posts rejected with their message, honeypot posts
   answered like a success and stored nowhere, zero 5xx.
   Prints the figures and exits non-zero if any check fails.
"""

# ruff: noqa: S310, S603 - loopback URLs we build, and our own interpreter with fixed arguments

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# kind → (what changes, expected status, text the answer must contain). A filled honeypot answers
# like a success and stores nothing, so a bot learns nothing.
INVALID_KINDS = {
    "bad_mobile": ({"mobile": "1234567"}, 400, "请填写正确的11位手机号码"),
    "no_consent": ({"consent": ""}, 400, "请勾选同意个人信息处理"),
    "honeypot": ({"website": "http://spam.example"}, 200, "需求已提交"),
    "no_area": ({"area_min": "", "area_max": ""}, 400, "请填写需求面积"),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def plan(posts: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(kind, mobile, invalid kind) per post: ~65 % new, ~20 % repeats, ~15 % invalid."""
    items: list[tuple[str, str, str]] = []
    mobiles: list[str] = []
    repeats: Counter[str] = Counter()
    for i in range(posts):
        roll = rng.random()
        if roll < 0.15:
            items.append(("invalid", f"139{i:08d}", rng.choice(sorted(INVALID_KINDS))))
        elif roll < 0.35 and mobiles:
            mobile = rng.choice(mobiles)
            if repeats[mobile] >= 2:  # at most 3 posts per mobile: below the per-mobile limit of 5
                mobile = f"137{i:08d}"
                mobiles.append(mobile)
            else:
                repeats[mobile] += 1
            items.append(("valid", mobile, ""))
        else:
            mobile = f"137{i:08d}"
            mobiles.append(mobile)
            items.append(("valid", mobile, ""))
    return items


def form_data(mobile: str, invalid: str, rng: random.Random) -> dict[str, str]:
    low = rng.choice([500, 1000, 1500, 2000, 3000])
    data = {
        "space_kind": "factory", "area_min": str(low), "area_max": str(low * 2), "area_unit": "sqm",
        "industry_code": rng.choice(["27", "35", "34"]), "expected_annual_tax_wan": str(rng.randrange(50, 800)),
        "company_name": f"压测企业{mobile[-6:]}有限公司", "contact_name": "测试", "mobile": mobile, "consent": "on",
        "website": "", "cleanroom_grade": "",
    }  # fmt: skip
    if invalid:
        data.update(INVALID_KINDS[invalid][0])
    return data


class Client:
    """One browser-like client: a cookie jar and the CSRF token from the form page."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.token = ""

    def fetch_token(self) -> None:
        with self.opener.open(self.base + "/requirement/", timeout=60) as response:
            html = response.read().decode()
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match, "no CSRF token on the form"
        self.token = match.group(1)

    def post(self, data: dict[str, str]) -> tuple[int, str, float]:
        if not self.token:
            self.fetch_token()
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.token}).encode()
        request = urllib.request.Request(
            self.base + "/requirement/", data=body, headers={"Referer": self.base + "/requirement/"}
        )
        start = time.perf_counter()
        try:
            with self.opener.open(request, timeout=120) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        return status, text, (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    rng = random.Random(20261125)
    workdir = Path(tempfile.mkdtemp(prefix="parkos-loadtest-"))
    env = {**os.environ, "PARKOS_VAR_DIR": str(workdir), "DJANGO_SETTINGS_MODULE": "parkos.settings", "DEBUG": "false",
           "INVESTMENT_FORM_IP_LIMIT": "1000000", "PYTHONPATH": str(ROOT),
           "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(64)}  # fmt: skip
    print(f"database: {env.get('DATABASE_URL', workdir / 'parkos.sqlite3')}")
    subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PYTHON, "-c", "import django; django.setup(); from parkos.parks.demo import load_demo; load_demo(scale='demo')"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        items = plan(args.posts, rng)
        payloads = [(kind, mobile, invalid, form_data(mobile, invalid, rng)) for kind, mobile, invalid in items]
        local = threading.local()

        def send(item: tuple[str, str, str, dict[str, str]]) -> tuple[str, str, str, int, str, float]:
            if not hasattr(local, "client"):
                local.client = Client(base)
            kind, mobile, invalid, data = item
            status, text, ms = local.client.post(data)
            return kind, mobile, invalid, status, text, ms

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            results = list(pool.map(send, payloads))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    statuses = Counter(status for *_rest, status, _text, _ms in results)
    latencies = [ms for *_rest, ms in results]
    failures: list[str] = []
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    if server_errors:
        failures.append(f"{server_errors} responses were 5xx")
    for kind, mobile, invalid, status, text, _ms in results:
        if kind == "valid" and (status != 200 or "需求已提交" not in text):
            failures.append(f"valid post for {mobile} answered {status}")
        if kind == "invalid" and (status != INVALID_KINDS[invalid][1] or INVALID_KINDS[invalid][2] not in text):
            failures.append(f"invalid post ({invalid}) answered {status} without its message")
    valid_mobiles = Counter("+86" + mobile for kind, mobile, *_rest in items if kind == "valid")
    check = (
        "import django, json; django.setup();"
        "from parkos.investment.models import Lead, SubmissionGuard;"
        "from django.db.models import Count;"
        "print(json.dumps({'leads': Lead.objects.filter(source='portal_form').count(),"
        " 'dupes': Lead.objects.filter(source='portal_form').values('contact_mobile').annotate(n=Count('pk')).filter(n__gt=1).count(),"
        " 'guards': {g.mobile: g.submissions for g in SubmissionGuard.objects.all()}}))"
    )

    db = json.loads(
        subprocess.run([PYTHON, "-c", check], cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    )
    if db["leads"] != len(valid_mobiles):
        failures.append(f"{db['leads']} leads stored for {len(valid_mobiles)} distinct valid mobiles")
    if db["dupes"]:
        failures.append(f"{db['dupes']} mobiles have more than one lead")
    if db["guards"] != dict(valid_mobiles):
        failures.append("guard counts differ from the valid posts per mobile")
    repeats = sum(n - 1 for n in valid_mobiles.values())
    latencies.sort()
    print(f"posts: {len(results)} from {args.clients} clients in {elapsed:.1f} s ({len(results) / elapsed:.1f}/s)")
    print(f"valid: {sum(valid_mobiles.values())} ({len(valid_mobiles)} distinct mobiles, {repeats} repeats merged); "
          f"invalid: {sum(1 for k, *_ in items if k == 'invalid')}")  # fmt: skip
    print(f"statuses: {dict(sorted(statuses.items()))}")
    print(f"latency ms: median {statistics.median(latencies):.0f}, p95 {latencies[int(len(latencies) * 0.95)]:.0f}, "
          f"max {latencies[-1]:.0f}")  # fmt: skip
    print(f"database: {db['leads']} portal leads, {db['dupes']} mobiles with duplicates")
    if failures:
        print(f"FAILED ({len(failures)}):")
        for failure in failures[:20]:
            print("  " + failure)
        return 1
    print("OK: every valid submission stored exactly once, repeats merged, invalid rejected, zero 5xx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
