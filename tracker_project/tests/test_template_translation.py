"""Every template's user-visible text is marked for translation, and the checker that says so
finds unmarked text."""

from pathlib import Path

import pytest

from tracker_project.tests.untranslated import untranslated_texts

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
ALL_TEMPLATES = sorted(path for path in TEMPLATES.rglob("*") if path.is_file())


def test_every_template_is_checked():
    assert len(ALL_TEMPLATES) >= 58


@pytest.mark.parametrize("path", ALL_TEMPLATES, ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_template_has_no_untranslated_text(path):
    assert untranslated_texts(path.read_text()) == []


@pytest.mark.parametrize(
    "source",
    [
        '<p class="muted">Nothing in this period.</p>',
        "{% load i18n %}<p>{% translate 'Visitors' %}: {{ count }} pages</p>",
        '{% load i18n %}<a href="/" title="Filter by page">{% translate "Pages" %}</a>',
        '<input type="text" placeholder="Segment name">',
        '<nav aria-label="Main"></nav>',
        '<img src="/x.png" alt="A chart">',
        '<input type="submit" value="Yes, erase the visits">',
        "{% if shared %}shared with you{% endif %}",
        "Hello,\n\n{{ url }}\nThe link works once.",
    ],
)
def test_the_checker_finds_unmarked_text(source):
    assert untranslated_texts(source)


@pytest.mark.parametrize(
    "source",
    [
        '{% load i18n %}<p class="muted">{% translate "Nothing in this period." %}</p>',
        "{% load i18n %}{% blocktranslate count n=rows %}{{ n }} row{% plural %}{{ n }} rows"
        "{% endblocktranslate %}",
        '<input type="hidden" name="period" value="custom"><a href="{{ href }}">&times;</a>',
        '<script>const label = "Visitors";</script><style>p { color: red; }</style>',
        "<p><code>window.tracker()</code> — {{ value }} %</p>",
        '{% comment %}Pass form and submit.{% endcomment %}<a class="brand">Tracker</a>',
        '<!doctype html><input type="text" placeholder="/pricing">',
    ],
)
def test_the_checker_accepts_marked_text_and_markup(source):
    assert untranslated_texts(source) == []
