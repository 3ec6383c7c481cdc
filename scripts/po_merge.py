"""Merge Vietnamese translations from a JSON file {msgid: msgstr} into a feature's catalogue.

Usage: python scripts/po_merge.py fieldwork/<feature>/translations translations.json
Creates vi/LC_MESSAGES/messages.po if missing; existing entries are updated.
"""

import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po


def main(folder: str, source: str) -> None:
    po = Path(folder) / "vi" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    if po.exists():
        with open(po, "rb") as fh:
            catalog = read_po(fh, locale="vi")
    else:
        catalog = Catalog(locale="vi", project="fieldwork")
    catalog.fuzzy = False
    for msgid, msgstr in json.loads(Path(source).read_text(encoding="utf-8")).items():
        catalog.add(msgid, msgstr)
    with open(po, "wb") as fh:
        write_po(fh, catalog, no_location=True, sort_output=True)


if __name__ == "__main__":
    main(*sys.argv[1:3])
