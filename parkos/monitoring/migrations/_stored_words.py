"""For data migrations that give rows stored as words a code and parameters (0003 alarms, 0004 rejects).

Django's migration loader skips modules whose name starts with "_", so this is a helper, not a migration.
"""

from collections.abc import Callable

BATCH = 2000


def codes_from_words(rows, *, words: str, code: str, params: str, parse: Callable[[str], tuple | None]) -> None:
    """Give each of `rows` whose `words` field `parse` recognises its code and parameters, a batch at a
    time; a row whose words are not recognised stays as it is."""
    model = rows.model
    changed = []
    for row in rows.only("pk", words).iterator(chunk_size=BATCH):
        parsed = parse(getattr(row, words))
        if parsed is None:
            continue
        setattr(row, code, parsed[0])
        setattr(row, params, dict(parsed[1]))
        changed.append(row)
        if len(changed) >= BATCH:
            model.objects.bulk_update(changed, [code, params])
            changed = []
    model.objects.bulk_update(changed, [code, params])
