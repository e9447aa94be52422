"""`python -m bench --scale small|full [--only NAME] [--repeats N]` — see README, 'Benchmarks'."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import secrets
import sys
from pathlib import Path

import django
from django.core.management import call_command
from django.db import connection

from bench import harness, scenarios

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", choices=["small", "full"], default="small")
    parser.add_argument("--only", action="append", default=[], help="run only benchmarks whose name starts with this")
    parser.add_argument("--repeats", type=int, default=0, help="timed repeats per benchmark (default 15 small, 7 full)")
    args = parser.parse_args()

    # Benchmarks get their own database so they never touch the demo's.
    os.environ.setdefault("PARKOS_VAR_DIR", str(ROOT / "var" / f"bench-{args.scale}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))  # a throwaway database, a throwaway key

    django.setup()

    call_command("migrate", verbosity=0, interactive=False)

    for module in pkgutil.iter_modules(scenarios.__path__):
        importlib.import_module(f"bench.scenarios.{module.name}")

    repeats = args.repeats or (15 if args.scale == "small" else 7)
    results = []
    for name, make_case in sorted(harness.REGISTRY.items()):
        if args.only and not any(name.startswith(prefix) for prefix in args.only):
            continue
        print(f"… {name}", file=sys.stderr, flush=True)
        results.append(harness.run_case(name, make_case(args.scale), repeats))
    harness.report(results, scale=args.scale, vendor=connection.vendor, out_dir=ROOT / "bench" / "results")
    return 0


if __name__ == "__main__":
    sys.exit(main())
