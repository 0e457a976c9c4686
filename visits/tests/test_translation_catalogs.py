"""Every string the apps mark is translated into German, French and Spanish: no empty or fuzzy
entry, the same placeholders as the English, and compiled catalogs that say what the sources
say (the package ships the .mo files, so it needs no gettext to run)."""

import gettext
import re
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "sites", "visits", "reports", "api")
LANGUAGES = ("de", "fr", "es")
CATALOGS = [(app, language) for app in APPS for language in LANGUAGES]
FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d)\])?) "(.*)"$')
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +-]?\d*(?:\.\d+)?([sdifgrx%])")


def _unquote(text: str) -> str:
    return text.encode("latin-1", "backslashreplace").decode("unicode_escape")


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: flags, msgid, msgid_plural and msgstr / msgstr[n]."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"flags": set(), "msgstr": {}}
        field = None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif match := re.match(
                r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d)\])?) "(.*)"$', line
            ):
                name, index, text = match.groups()
                field = ("msgstr", int(index or 0)) if name.startswith("msgstr") else name
                if isinstance(field, tuple):
                    entry["msgstr"][field[1]] = _unquote(text)
                else:
                    entry[field] = _unquote(text)
            elif line.startswith('"'):
                text = _unquote(line[1:-1])
                if isinstance(field, tuple):
                    entry["msgstr"][field[1]] += text
                else:
                    entry[field] += text
        if entry.get("msgid"):
            entries.append(entry)
    return entries


def placeholders(text: str) -> list[tuple[str, str]]:
    return sorted(match for match in PLACEHOLDER.findall(text) if match[1] != "%")


def catalog(app: str, language: str) -> Path:
    return PROJECT / app / "locale" / language / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize(("app", "language"), CATALOGS)
def test_every_entry_is_translated_and_none_is_fuzzy(app, language):
    entries = po_entries(catalog(app, language))
    assert entries
    header = catalog(app, language).read_text(encoding="utf-8").split("\n\n")[0]
    assert "fuzzy" not in header
    assert f'"Language: {language}\\n"' in header
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize(("app", "language"), CATALOGS)
def test_translations_keep_the_placeholders_of_the_english(app, language):
    wrong = []
    for entry in po_entries(catalog(app, language)):
        for index, text in entry["msgstr"].items():
            english = entry["msgid_plural"] if index and "msgid_plural" in entry else entry["msgid"]
            if placeholders(text) != placeholders(english):
                wrong.append((entry["msgid"], text))
    assert wrong == []


@pytest.mark.parametrize(("app", "language"), CATALOGS)
def test_the_compiled_catalog_matches_its_source(app, language):
    path = catalog(app, language)
    with path.with_suffix(".mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    for entry in po_entries(path):
        if "msgid_plural" in entry:
            assert (
                translations.ngettext(entry["msgid"], entry["msgid_plural"], 1)
                == (entry["msgstr"][0])
            )
        else:
            assert translations.gettext(entry["msgid"]) == entry["msgstr"][0]


def test_a_placeholder_mismatch_would_be_found():
    assert placeholders("%(count)s visitors") != placeholders("%(anzahl)s Besucher")
    assert placeholders("%(site)s: %(period)s") == placeholders("%(period)s — %(site)s")
