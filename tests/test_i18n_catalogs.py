"""Every translatable string of the project's code and templates is in the committed
Italian catalog, translated, and compiled.

The test extracts the strings afresh with ``makemessages`` in a scratch copy of the
sources (so the repository is left alone) and compares them with the committed
catalogs. A string added without its translation, or a catalog not recompiled, fails.
"""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["manage.py", "nucleo", "members", "resources", "emergencies", "training",
           "evaluation", "templates", "locale"]  # fmt: skip
LANGUAGES = ["it", "en"]


def _msgids(po_text: str) -> dict[str, tuple[str, bool]]:
    """(msgctxt, msgid) → (msgstr, fuzzy) of a .po file; plurals keyed by the singular."""
    entries, fuzzy, current, field = {}, False, {}, None

    def unquote(line: str) -> str:
        return line[1:-1].encode().decode("unicode_escape").encode("latin-1").decode()

    def flush():
        nonlocal fuzzy, current
        if current.get("msgid"):
            msgstr = current.get("msgstr", current.get("msgstr[0]", ""))
            entries[(current.get("msgctxt"), current["msgid"])] = (msgstr, fuzzy)
        fuzzy, current = False, {}

    for raw in [*po_text.splitlines(), ""]:
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[field] += unquote(line)
        else:
            field, _, value = line.partition(" ")
            current[field] = unquote(value)
    return entries


@pytest.fixture(scope="module")
def fresh_catalogs(tmp_path_factory) -> dict[str, str]:
    if not shutil.which("xgettext"):
        pytest.fail("gettext tools are missing: apt-get install gettext")
    scratch = tmp_path_factory.mktemp("i18n")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, scratch / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, scratch / name)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-obsolete", "--no-location",
         *[f"-l{code}" for code in LANGUAGES]],
        cwd=scratch, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return {
        code: (scratch / "locale" / code / "LC_MESSAGES" / "django.po").read_text()
        for code in LANGUAGES
    }


def test_every_string_is_in_the_committed_italian_catalog_and_translated(fresh_catalogs):
    fresh = _msgids(fresh_catalogs["it"])
    assert len(fresh) > 50  # the extraction did find the project's strings
    committed = _msgids((ROOT / "locale/it/LC_MESSAGES/django.po").read_text())
    missing = sorted(msgid for _ctx, msgid in set(fresh) - set(committed))
    assert missing == [], f"strings not in locale/it (run `make makemessages`): {missing}"
    untranslated = sorted(msgid for (ctx, msgid), (text, fuzzy) in committed.items()
                          if (ctx, msgid) in fresh and (not text or fuzzy))  # fmt: skip
    assert untranslated == [], f"strings without an Italian translation: {untranslated}"


def test_english_catalog_knows_every_string(fresh_catalogs):
    fresh = _msgids(fresh_catalogs["en"])
    committed = _msgids((ROOT / "locale/en/LC_MESSAGES/django.po").read_text())
    missing = sorted(msgid for _ctx, msgid in set(fresh) - set(committed))
    assert missing == [], f"strings not in locale/en (run `make makemessages`): {missing}"


def test_compiled_italian_catalog_matches_the_po_file():
    committed = _msgids((ROOT / "locale/it/LC_MESSAGES/django.po").read_text())
    with open(ROOT / "locale/it/LC_MESSAGES/django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for (ctx, msgid), (text, fuzzy) in committed.items():
        if fuzzy or not text:
            continue
        got = compiled.pgettext(ctx, msgid) if ctx else compiled.gettext(msgid)
        assert got == text, f"{msgid!r}: compiled catalog is stale (run `make messages`)"


def test_translation_functions_are_imported_under_names_makemessages_knows():
    # makemessages extracts gettext(), gettext_lazy(), ngettext(), pgettext() and _():
    # a string marked with any other alias is never extracted, so never translated.
    pattern = re.compile(
        r"import (gettext|gettext_lazy|ngettext|pgettext|ngettext_lazy)\s+as\s+(\w+)"
    )
    offenders = []
    for app in SOURCES:
        for path in (ROOT / app).rglob("*.py") if (ROOT / app).is_dir() else []:
            for function, alias in pattern.findall(path.read_text()):
                if alias != "_":
                    offenders.append(f"{path.relative_to(ROOT)}: {function} as {alias}")
    assert offenders == []
