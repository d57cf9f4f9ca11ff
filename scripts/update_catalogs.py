"""Extract the interface strings into swtrain/locale/swtrain.pot and bring every language's .po up to date.

    .venv/bin/python scripts/update_catalogs.py

Strings are found as `pybabel extract -k msg -k plural:1,2` finds them. A
string the code no longer uses leaves the catalogs; a new one arrives
untranslated (tests/test_i18n.py then names it until it is translated).
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "swtrain" / "locale"
KEYWORDS = {"msg": None, "plural": (1, 2)}


def template() -> Catalog:
    catalog = Catalog(project="swtrain", charset="utf-8")
    found = extract_from_dir(str(ROOT / "swtrain"), method_map=[("**.py", "python")], keywords=KEYWORDS)
    for _file, _line, message, _comments, _context in found:
        catalog.add(message)
    return catalog


def main() -> None:
    pot = template()
    with (LOCALE / "swtrain.pot").open("wb") as handle:
        write_po(handle, pot, omit_header=False, no_location=True, width=120)
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/swtrain.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        catalog.update(pot, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with po_path.open("wb") as handle:
            write_po(handle, catalog, no_location=True, width=120)
        print(f"{po_path.relative_to(ROOT)}: {len(catalog)} strings")


if __name__ == "__main__":
    main()
