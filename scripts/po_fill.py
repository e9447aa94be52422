"""Fill English msgstr in locale/en from JSON mapping files (msgid → English), then report gaps.

Usage: .venv/bin/python scripts/po_fill.py locale/en/LC_MESSAGES/django.po locale/en/*.json
The .po file stays the source of truth; the JSON files are just a convenient way to add many
translations at once. `make messages` then compiles the .mo that ships.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib


def main(po_path: str, *mapping_paths: str) -> int:
    po = polib.pofile(po_path)
    mapping: dict[str, str] = {}
    for path in mapping_paths:
        mapping.update(json.loads(Path(path).read_text(encoding="utf-8")))
    for entry in po:
        if entry.msgid in mapping and not entry.msgid_plural:
            entry.msgstr = mapping[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()
    po.save_as_mofile(po_path[:-3] + ".mo")
    missing = [e.msgid for e in po if not e.translated() and not e.obsolete]
    print(f"{len(po)} entries, {len(missing)} untranslated")  # noqa: T201
    for msgid in missing:
        print("  ", msgid)  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
