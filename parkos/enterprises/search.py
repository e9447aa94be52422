"""Chinese substring search over the enterprise pool, fast on SQLite and PostgreSQL.

What is searched: `Enterprise.search_text`, one normalised string per enterprise holding the name,
former names, business scope and the pinyin initials of the name (``重庆博腾…`` → ``cqbt…``). Every
path below returns exactly the rows of the plain scan ``search_text LIKE '%term%'`` (the benchmark
checks it); they differ only in the index that finds them:

| term length | SQLite | PostgreSQL |
|---|---|---|
| 1 character | LIKE scan | LIKE scan (``icontains``) |
| 2 characters | FTS5 trigram vocabulary: every trigram that starts with the term, OR-ed | GIN on the bigram array (``enterprises_bigrams(search_text) @> ARRAY[term]``) |
| 3+ characters | FTS5 trigram phrase (``MATCH '"term"'``) | pg_trgm GIN on ``UPPER(search_text)`` (``icontains``) |

Why the 2-character paths: FTS5's trigram tokenizer silently matches nothing below 3 characters and
pg_trgm cannot use its index for them (STYLE.md, traps). A 2-character term occurs in a text exactly
when some trigram of the text starts with it, provided the text does not end right after it, so every
`search_text` ends with a newline sentinel; on PostgreSQL an expression index over the array of
bigrams answers the containment directly.

Normalisation (NFKC, lower case, whitespace runs → one space) is applied to the stored text and to
the term alike, so case and full-width input do not matter on either path.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from pypinyin import Style, lazy_pinyin

FTS_TABLE = "enterprises_fts"
FTS_VOCAB = "enterprises_fts_vocab"
# A trigram whose first two characters are the term: the upper bound of a range scan of the vocabulary.
_MAX_CHAR = "\U0010ffff"
_FTS_MATCH = "SELECT rowid FROM enterprises_fts WHERE enterprises_fts MATCH %s"
_VOCAB_RANGE = "SELECT term FROM enterprises_fts_vocab WHERE term >= %s AND term < %s"
_WHITESPACE = re.compile(r"\s+")
_NAME_SUFFIXES = re.compile(r"(股份有限公司|有限责任公司|有限公司|股份公司|集团公司|分公司|公司|集团|股份|厂)$")
_BRACKETS = re.compile(r"[()（）\[\]【】〔〕《》\"'“”‘’·.,，、\s-]")


def normalize_text(value: str) -> str:
    """NFKC, lower case, each whitespace run one space, trimmed."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", value).lower()).strip()


def normalize_term(term: str) -> str:
    return normalize_text(term)


def name_key(name: str) -> str:
    """The name as the dedup review compares it: no legal-form suffix, brackets, spaces or punctuation.

    ``重庆博腾医疗器械（集团）股份有限公司`` and ``重庆博腾医疗器械集团有限公司`` share a key.
    """
    text = unicodedata.normalize("NFKC", name).lower()
    text = _BRACKETS.sub("", text)
    previous = None
    while previous != text:  # "…集团有限公司": strip the legal form, then what it left
        previous = text
        text = _NAME_SUFFIXES.sub("", text)
    return text


@functools.lru_cache(maxsize=131072)
def _chunk_initials(chunk: str) -> str:
    return "".join(s[:1] for s in lazy_pinyin(chunk, style=Style.FIRST_LETTER, errors="ignore") if s).lower()


def pinyin_initials(name: str) -> str:
    """First letters of the name's pinyin: ``重庆博腾医疗器械有限公司`` → ``cqbtylqxyxgs``.

    pypinyin reads polyphonic characters by phrase (重庆 → chongqing, not zhongqing), which costs
    ~80 µs per name; cached two-character chunks keep most of that accuracy at a fraction of the cost,
    which matters when an import writes 220,000 names.
    """
    text = "".join(ch for ch in unicodedata.normalize("NFKC", name) if ch.isalnum())
    return "".join(_chunk_initials(text[i : i + 2]) for i in range(0, len(text), 2))


def build_search_text(*, name: str, former_names: Iterable[str] = (), business_scope: str = "") -> str:
    """The denormalised text the search indexes: one field per line, a newline sentinel at the end."""
    parts = [name, *former_names, business_scope, pinyin_initials(name)]
    return "\n".join(normalize_text(part) for part in parts if part) + "\n"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def search_q(term: str) -> Q | None:
    """A condition on Enterprise: its search text contains `term` (see the module docstring for the paths)."""
    term = normalize_term(term)
    if not term:
        return None
    vendor = connection.vendor
    if vendor == "sqlite":
        if len(term) >= 3:
            return Q(pk__in=RawSQL(_FTS_MATCH, [_fts_phrase(term)]))  # noqa: S611
        if len(term) == 2:
            return Q(pk__in=RawSQL(*_sqlite_bigram_subquery(term)))  # noqa: S611
        return Q(search_text__contains=term)
    if vendor == "postgresql":
        if len(term) == 2:
            return Q(
                pk__in=RawSQL(
                    "SELECT id FROM enterprises_enterprise WHERE enterprises_bigrams(search_text) @> ARRAY[%s]::text[]",
                    [term],
                )
            )
        # UPPER(search_text) LIKE UPPER('%term%'): served by the trigram index on UPPER(search_text).
        return Q(search_text__icontains=term)
    return Q(search_text__contains=term)


def filter_search(queryset: QuerySet[Any], term: str) -> QuerySet[Any]:
    """Restrict an Enterprise queryset to rows whose search text contains `term`."""
    condition = search_q(term)
    return queryset if condition is None else queryset.filter(condition)


def _sqlite_bigram_subquery(term: str) -> tuple[str, list[str]]:
    """An FTS5 query OR-ing every indexed trigram that begins with the 2-character term.

    The vocabulary table lists the index's distinct trigrams in order, so the range [term, term+max)
    is a short scan; the sentinel newline at the end of every text guarantees that each occurrence
    of the term starts some trigram.
    """
    with connection.cursor() as cursor:
        cursor.execute(_VOCAB_RANGE, [term, term + _MAX_CHAR])
        trigrams = [row[0] for row in cursor.fetchall() if row[0].startswith(term)]
    if not trigrams:
        return "SELECT 0 WHERE 0", []
    query = " OR ".join(_fts_phrase(t) for t in trigrams)
    return _FTS_MATCH, [query]


def scan_filter(queryset: QuerySet[Any], term: str) -> QuerySet[Any]:
    """The plain scan every path must agree with (tests and the benchmark compare against it)."""
    term = normalize_term(term)
    if not term:
        return queryset
    if connection.vendor == "postgresql":
        return queryset.filter(search_text__icontains=term)
    return queryset.filter(search_text__contains=term)


# --- Schema: created by the migrations, guarded by vendor ---------------------------------------

SQLITE_SETUP = [
    # External content: the index reads search_text from the enterprise table; the triggers keep it in
    # sync with every write, including bulk_create and raw SQL.
    "CREATE VIRTUAL TABLE IF NOT EXISTS enterprises_fts USING fts5(search_text, content='enterprises_enterprise', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS enterprises_fts_vocab USING fts5vocab(enterprises_fts, 'row')",
    """CREATE TRIGGER IF NOT EXISTS enterprises_fts_ai AFTER INSERT ON enterprises_enterprise BEGIN
        INSERT INTO enterprises_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
    """CREATE TRIGGER IF NOT EXISTS enterprises_fts_ad AFTER DELETE ON enterprises_enterprise BEGIN
        INSERT INTO enterprises_fts(enterprises_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END""",
    """CREATE TRIGGER IF NOT EXISTS enterprises_fts_au AFTER UPDATE OF search_text ON enterprises_enterprise BEGIN
        INSERT INTO enterprises_fts(enterprises_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO enterprises_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
    "INSERT INTO enterprises_fts(enterprises_fts) VALUES ('rebuild')",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS enterprises_fts_ai",
    "DROP TRIGGER IF EXISTS enterprises_fts_ad",
    "DROP TRIGGER IF EXISTS enterprises_fts_au",
    "DROP TABLE IF EXISTS enterprises_fts_vocab",
    "DROP TABLE IF EXISTS enterprises_fts",
]
POSTGRES_SETUP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # IMMUTABLE so it can back an expression index; every adjacent pair of characters, deduplicated.
    """CREATE OR REPLACE FUNCTION enterprises_bigrams(t text) RETURNS text[]
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
        SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}')
        FROM generate_series(1, char_length(t) - 1) AS i $$""",
    # icontains compiles to UPPER(col) LIKE UPPER(%term%): the trigram index must be on UPPER(col).
    "CREATE INDEX IF NOT EXISTS enterprises_search_trgm ON enterprises_enterprise "
    "USING gin (UPPER(search_text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS enterprises_search_bigram ON enterprises_enterprise "
    "USING gin (enterprises_bigrams(search_text))",
]
POSTGRES_TEARDOWN = [
    "DROP INDEX IF EXISTS enterprises_search_bigram",
    "DROP INDEX IF EXISTS enterprises_search_trgm",
    "DROP FUNCTION IF EXISTS enterprises_bigrams(text)",
]
