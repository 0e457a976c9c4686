"""Every catalog (the templates' in tracker_project/locale, each app's for its Python side) is
whole and shipped as it is written: every entry translated into every language offered, none
fuzzy, the English placeholders kept, and the committed .mo exactly its .po compiled, so an
installed package (with no gettext) translates what the catalogs say."""

import gettext
import re
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings

LOCALE = Path(settings.LOCALE_PATHS[0])
APPS = ("accounts", "sites", "visits", "reports", "api")
FOLDERS = {"tracker_project": LOCALE} | {
    app: Path(apps.get_app_config(app).path) / "locale" for app in APPS
}
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]
CATALOGS = [(name, language) for name in FOLDERS for language in TRANSLATED]
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +-]?\d*(?:\.\d+)?([sdifgrx%])")


def po_file(name: str, language: str) -> Path:
    return FOLDERS[name] / language / "LC_MESSAGES" / "django.po"


def catalog(mo_file: Path) -> tuple[dict, str]:
    """The translations of a compiled catalog, and its plural rule (the rest of its header
    differs by tool)."""
    with mo_file.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    messages = {key: value for key, value in translations._catalog.items() if key != ""}
    return messages, translations.info()["plural-forms"]


def placeholders(text: str) -> list[tuple[str, str]]:
    return sorted(match for match in PLACEHOLDER.findall(text) if match[1] != "%")


@pytest.mark.parametrize(("name", "language"), CATALOGS)
def test_the_compiled_catalog_is_the_po_file(name, language, tmp_path):
    path = po_file(name, language)
    fresh = tmp_path / "django.mo"
    po = polib.pofile(str(path))
    po.save_as_mofile(str(fresh))
    assert catalog(path.with_suffix(".mo")) == catalog(fresh)
    with path.with_suffix(".mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    for entry in po.translated_entries():
        if entry.msgid_plural:
            singular = translations.ngettext(entry.msgid, entry.msgid_plural, 1)
            assert singular == entry.msgstr_plural[0]
        elif not entry.msgctxt:
            assert translations.gettext(entry.msgid) == entry.msgstr


@pytest.mark.parametrize(("name", "language"), CATALOGS)
def test_every_string_is_translated(name, language):
    po = polib.pofile(str(po_file(name, language)))
    assert len(po) > (300 if name == "tracker_project" else 0)
    assert po.untranslated_entries() == [] and po.fuzzy_entries() == []
    assert not po.metadata_is_fuzzy and po.metadata["Language"] == language
    if name == "tracker_project":
        assert "nplurals=2" in po.metadata["Plural-Forms"]


@pytest.mark.parametrize(("name", "language"), CATALOGS)
def test_translations_keep_the_placeholders_of_the_english(name, language):
    wrong = []
    for entry in polib.pofile(str(po_file(name, language))):
        if entry.msgid_plural:
            pairs = [
                (entry.msgid_plural if index else entry.msgid, text)
                for index, text in entry.msgstr_plural.items()
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        wrong += [
            (english, text)
            for english, text in pairs
            if placeholders(text) != placeholders(english)
        ]
    assert wrong == []


def test_a_placeholder_mismatch_would_be_found():
    assert placeholders("%(count)s visitors") != placeholders("%(anzahl)s Besucher")
    assert placeholders("%(site)s: %(period)s") == placeholders("%(period)s — %(site)s")


def test_a_changed_translation_is_caught(tmp_path):
    folder = LOCALE / "de" / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    po.find("Nothing in this period.").msgstr = "Something else"
    po.save_as_mofile(str(tmp_path / "changed.mo"))
    assert catalog(folder / "django.mo") != catalog(tmp_path / "changed.mo")
