"""How the dashboard's labels read inside a title or a sentence, in the page's language."""

from django.utils.translation import get_language


def in_sentence(label) -> str:
    """A label ("Last 30 days", "Top pages") mid-sentence: its first letter in lower case, except
    in German, whose nouns keep their capital."""
    text = str(label)
    if (get_language() or "").startswith("de") or not text:
        return text
    return text[0].lower() + text[1:]
