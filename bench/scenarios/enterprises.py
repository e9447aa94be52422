"""Enterprises: import from .xlsx and CSV against a raw executemany floor; Chinese search against a LIKE scan.

Import: both sides read the same file with the same reader (csv / openpyxl read_only) and upsert the
same rows by credit code into the same table (so the FTS triggers and indexes cost both the same); the
subject additionally validates every row (credit code, industry, sizing), derives the search text with
pinyin initials, writes row errors, checkpoints and audits per batch. The first (warm-up) run inserts,
the timed runs re-import the same file (upsert of existing rows). Target: subject/floor ≤ 2
(throughput ≥ half the floor); peak memory is reported by the harness (target < 400 MB).

Search: the selector's path (FTS5 trigram / vocabulary on SQLite; pg_trgm and bigram GIN on
PostgreSQL) against the full LIKE scan, for a 2- and a 4-character term; the check asserts both return
exactly the same ids. Target: subject/floor ≤ 0.1 (≥ 10× faster).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from openpyxl import Workbook

from bench.harness import Case, benchmark
from parkos.core import industry
from parkos.core.importing.reading import Deadline, ImportLimits, Source, TableFile
from parkos.core.models import ImportJob
from parkos.enterprises import importing, search
from parkos.enterprises.demo import generate, load_demo
from parkos.enterprises.models import Enterprise

IMPORT_SEED = 4754
HEADERS = ["企业名称", "统一社会信用代码", "企业类型", "注册资本（万元）", "成立日期", "区县", "行业代码", "经营范围",
           "从业人员", "营业收入（万元）"]  # fmt: skip


def _count(scale: str) -> int:
    return 20_000 if scale == "small" else 220_000


def _ensure_pool(count: int) -> None:

    if Enterprise.objects.filter(source="demo").count() < count:
        load_demo(count=count, stdout=None)


def _import_rows(count: int) -> list[list[Any]]:

    rows = []
    for item in generate(count, seed=IMPORT_SEED):
        e = item.enterprise
        rows.append([
            e.name, e.credit_code, "有限责任公司", str(e.registered_capital_wan), e.founded_on.isoformat() if e.founded_on else "", e.district,
            industry.section_of(e.industry_code) + e.industry_code, e.business_scope, e.employees, str(e.annual_revenue_wan),
        ])  # fmt: skip
    return rows


def _files(count: int) -> tuple[Path, Path]:
    folder = Path(settings.MEDIA_ROOT) / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = folder / f"enterprises-{count}.csv", folder / f"enterprises-{count}.xlsx"
    if not csv_path.exists() or not xlsx_path.exists():
        rows = _import_rows(count)
        with csv_path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS)
            writer.writerows(rows)
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("企业")
        sheet.append(HEADERS)
        for row in rows:
            sheet.append(row)
        workbook.save(xlsx_path)
    return csv_path, xlsx_path


_FLOOR_COLUMNS = (
    "name", "former_names", "credit_code", "credit_code_override", "legal_form", "registered_capital_wan",
    "founded_on", "registered_address", "city", "district", "industry_code", "secondary_industry_codes",
    "business_scope", "employees", "annual_revenue_wan", "size_class", "above_scale", "listing_status", "stock_code",
    "high_tech", "qualifications", "source", "lifecycle", "name_key", "search_text", "created_at", "updated_at",
)  # fmt: skip
_UPDATED = ("name", "legal_form", "registered_capital_wan", "founded_on", "district", "industry_code",
            "business_scope", "employees", "annual_revenue_wan", "name_key", "search_text", "updated_at")  # fmt: skip
FLOOR_SQL = (
    f"INSERT INTO enterprises_enterprise ({', '.join(_FLOOR_COLUMNS)}) VALUES ({', '.join(['%s'] * len(_FLOOR_COLUMNS))}) "
    f"ON CONFLICT (credit_code) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in _UPDATED)}"
)


def _floor_import(path: Path) -> int:
    """Read the file with the same reader and upsert the raw values, 1,000 rows per executemany."""

    source = Source.from_path(path)
    limits = ImportLimits.from_settings(background=True)
    with TableFile(source, limits, Deadline(limits.seconds), csv_title="企业") as file:
        return _floor_upsert(file.rows(file.titles[0]))


def _floor_upsert(numbered: Any) -> int:
    rows = (cells for _number, cells in numbered)
    next(rows)
    now = timezone.now()
    written = 0
    batch: list[tuple[Any, ...]] = []

    def flush() -> None:
        with connection.cursor() as cursor:
            cursor.executemany(FLOOR_SQL, batch)
        batch.clear()

    for row in rows:
        name, code, _form, capital, founded, district, industry_code, scope, employees, revenue = (*row, *[None] * 10)[
            :10
        ]
        batch.append((
            name, "[]", code, False, "limited", capital or None, str(founded)[:10] or None, "", "", district,
            str(industry_code)[1:], "[]", scope, int(employees) if employees else None, revenue or None, "", False,
            "unlisted", "", False, "[]", "import", "prospect", name, f"{name}\n{scope}\n", now, now,
        ))  # fmt: skip
        written += 1
        if len(batch) >= 1000:
            flush()
    if batch:
        flush()
    return written


def _subject_import(path: Path, stored: str) -> int:

    job = ImportJob.objects.create(importer=importing.IMPORTER, file=stored, original_name=path.name, mode="valid_rows")
    job = importing.run_import(job.pk)
    job.refresh_from_db()
    assert job.status == "done", job.message
    return job.rows_ok


def _import_case(scale: str, which: str) -> Case:
    count = _count(scale)
    csv_path, xlsx_path = _files(count)
    path = csv_path if which == "csv" else xlsx_path
    stored = str(path.relative_to(Path(settings.MEDIA_ROOT)))

    def check(subject: int, floor: int) -> None:

        assert subject == floor == count, (subject, floor, count)
        codes = [r[1] for r in _import_rows(5)]
        assert Enterprise.objects.filter(credit_code__in=codes).count() == 5

    return Case(
        subject=lambda: _subject_import(path, stored),
        floor=lambda: _floor_import(path),
        floor_label=f"same reader + raw executemany upsert ({which})",
        target_ratio=2.0,
        check=check,
        notes=f"{count} rows; subject validates, derives, checkpoints and audits per 1,000-row batch",
    )


@benchmark("enterprises.import_csv")
def import_csv(scale: str) -> Case:
    return _import_case(scale, "csv")


@benchmark("enterprises.import_xlsx")
def import_xlsx(scale: str) -> Case:
    return _import_case(scale, "xlsx")


def _scan_sql() -> str:
    if connection.vendor == "postgresql":
        return "SELECT id FROM enterprises_enterprise WHERE UPPER(search_text) LIKE UPPER(%s)"
    return "SELECT id FROM enterprises_enterprise WHERE search_text LIKE %s"


def _search_case(scale: str, term: str, *, target: float | None = 0.1) -> Case:

    _ensure_pool(_count(scale))
    normalised = search.normalize_term(term)
    sql = _scan_sql()

    def subject() -> set[int]:
        return set(search.filter_search(Enterprise.objects.all(), term).values_list("pk", flat=True))

    def floor() -> set[int]:
        with connection.cursor() as cursor:
            cursor.execute(sql, [f"%{normalised}%"])
            return {row[0] for row in cursor.fetchall()}

    def check(found: set[int], scanned: set[int]) -> None:
        assert found == scanned, (len(found), len(scanned))

    total = Enterprise.objects.count()
    matches = len(floor())
    return Case(
        subject=subject,
        floor=floor,
        floor_label="full LIKE scan of search_text",
        target_ratio=target,
        check=check,
        notes=f"term {term!r}: {matches} of {total} enterprises",
    )


@benchmark("enterprises.search_2char")
def search_2char(scale: str) -> Case:
    return _search_case(scale, "博腾")


@benchmark("enterprises.search_4char")
def search_4char(scale: str) -> Case:
    return _search_case(scale, "博腾医疗")


@benchmark("enterprises.search_4char_common")
def search_4char_common(scale: str) -> Case:
    """A term in about a third of the demo pool: every id must be returned, so no index can win 10×."""
    return _search_case(scale, "医疗器械", target=None)
