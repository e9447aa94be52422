"""The benchmark harness: registry, timing, and the report.

A benchmark is a function that receives the scale and returns a `Case`: the subject to time, the
floor it is compared with (the raw SQL query, a bare Django view…), and the ratio target the issue
names. Both are run interleaved, several times, and reported as medians and subject/floor ratio,
so the figure does not depend on how fast this machine happens to be today.
"""

from __future__ import annotations

import gc
import json
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Case:
    subject: Callable[[], Any]
    floor: Callable[[], Any]
    floor_label: str
    # The target, as "ratio ≤ target" (or ≥ when higher_is_better).
    target_ratio: float | None = None
    higher_is_better: bool = False
    check: Callable[[Any, Any], None] | None = None  # asserts the subject and floor agree
    notes: str = ""
    # Removes what the case created that would change other benchmarks' data (run after timing).
    teardown: Callable[[], None] | None = None
    # Untimed preparation before every timed call of either side (e.g. empty the table an insert fills).
    reset: Callable[[], None] | None = None
    # Heavy cases (a million-row insert) cap the run's repeats.
    max_repeats: int | None = None
    # Throughput: the subject handles this many items per call; reported as items per second, and
    # judged against `min_items_per_second` when the target is a rate rather than a ratio.
    items: int | None = None
    min_items_per_second: float | None = None


def _reset(case: Case) -> None:
    if case.reset is not None:
        case.reset()


@dataclass
class Result:
    name: str
    floor_label: str
    repeats: int
    subject_median_ms: float
    floor_median_ms: float
    ratio: float
    target_ratio: float | None
    met: bool | None
    subject_peak_mb: float
    higher_is_better: bool = False
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    subject_items_per_second: float | None = None


Benchmark = Callable[[str], Case]
REGISTRY: dict[str, Benchmark] = {}


def benchmark(name: str) -> Callable[[Benchmark], Benchmark]:
    def register(func: Benchmark) -> Benchmark:
        REGISTRY[name] = func
        return func

    return register


def _time(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = func()
    return (time.perf_counter() - start) * 1000, value


def run_case(name: str, case: Case, repeats: int) -> Result:
    # Warm up both (connection, caches, imports), and compare their answers once.
    _reset(case)
    subject_value = case.subject()
    _reset(case)
    floor_value = case.floor()
    if case.check is not None:
        case.check(subject_value, floor_value)
    repeats = min(repeats, case.max_repeats) if case.max_repeats else repeats
    subject_times: list[float] = []
    floor_times: list[float] = []
    # Garbage is collected once, before the timed calls, not before each subject: a full collection
    # walks the whole heap and leaves the CPU caches cold for whatever runs next, which cost the
    # subject alone 0.1–0.3 ms a call (the floor timed against itself this way came out at 2.5×).
    # Now each call runs after the other side's, as in production; collections during a call are
    # the ordinary ones, taken by either side alike.
    gc.collect()
    for _ in range(repeats):
        _reset(case)
        subject_times.append(_time(case.subject)[0])
        _reset(case)
        floor_times.append(_time(case.floor)[0])
    _reset(case)
    tracemalloc.start()
    case.subject()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if case.teardown is not None:
        case.teardown()
    subject_median = statistics.median(subject_times)
    floor_median = statistics.median(floor_times)
    ratio = subject_median / floor_median if floor_median > 0 else float("inf")
    met: bool | None = None
    if case.target_ratio is not None:
        met = ratio >= case.target_ratio if case.higher_is_better else ratio <= case.target_ratio
    rate = case.items / (subject_median / 1000) if case.items and subject_median else None
    if case.min_items_per_second is not None and rate is not None:
        met = rate >= case.min_items_per_second if met is None else met and rate >= case.min_items_per_second
    return Result(
        name=name,
        floor_label=case.floor_label,
        repeats=repeats,
        subject_median_ms=round(subject_median, 3),
        floor_median_ms=round(floor_median, 3),
        ratio=round(ratio, 3),
        target_ratio=case.target_ratio,
        met=met,
        subject_peak_mb=round(peak / 1e6, 2),
        higher_is_better=case.higher_is_better,
        notes=case.notes,
        subject_items_per_second=round(case.items / (subject_median / 1000), 1)
        if case.items and subject_median
        else None,
    )


def report(results: list[Result], *, scale: str, vendor: str, out_dir: Path) -> Path:
    header = f"{'benchmark':<34} {'subject ms':>11} {'floor ms':>10} {'ratio':>8} {'target':>8} {'ok':>4}  floor"
    print(f"\nParkOS benchmarks — scale={scale}, database={vendor}")
    print(header)
    print("-" * len(header))
    for r in results:
        target = "" if r.target_ratio is None else f"{'≥' if r.higher_is_better else '≤'}{r.target_ratio}"
        ok = "" if r.met is None else ("yes" if r.met else "NO")
        print(
            f"{r.name:<34} {r.subject_median_ms:>11.2f} {r.floor_median_ms:>10.2f} {r.ratio:>8.2f} {target:>8} {ok:>4}  {r.floor_label}"
        )
        if r.subject_items_per_second is not None:
            print(f"{'':<34} {r.subject_items_per_second:>11,.0f} items/s; {r.notes}")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"bench-{scale}-{vendor}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(
        json.dumps(
            {"scale": scale, "database": vendor, "results": [asdict(r) for r in results]}, ensure_ascii=False, indent=2
        ),
        encoding="utf-8",
    )
    print(f"\nJSON: {path}")
    return path
