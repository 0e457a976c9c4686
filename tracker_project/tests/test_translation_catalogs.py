"""The committed .mo files are exactly their .po files compiled, for every language offered, so
an installed package (with no gettext) translates what the catalogs say."""

import gettext
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.LOCALE_PATHS[0])
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]


def catalog(mo_file: Path) -> tuple[dict, str]:
    """The translations of a compiled catalog, and its plural rule (the rest of its header
    differs by tool)."""
    with mo_file.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    messages = {key: value for key, value in translations._catalog.items() if key != ""}
    return messages, translations.info()["plural-forms"]


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalog_is_the_po_file(language, tmp_path):
    folder = LOCALE / language / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    polib.pofile(str(folder / "django.po")).save_as_mofile(str(fresh))
    assert catalog(folder / "django.mo") == catalog(fresh)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_is_translated(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(po) > 300
    assert po.untranslated_entries() == [] and po.fuzzy_entries() == []
    assert not po.metadata_is_fuzzy and "nplurals=2" in po.metadata["Plural-Forms"]


def test_a_changed_translation_is_caught(tmp_path):
    folder = LOCALE / "de" / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    po.find("Nothing in this period.").msgstr = "Something else"
    po.save_as_mofile(str(tmp_path / "changed.mo"))
    assert catalog(folder / "django.mo") != catalog(tmp_path / "changed.mo")
