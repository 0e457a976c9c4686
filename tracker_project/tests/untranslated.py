"""Finds the user-visible text of a template that is outside translation tags.

The template is parsed by Django; the text between its tags (TextNodes, so never what is inside
{% translate %} or {% blocktranslate %}) is joined and read as HTML: words in element content,
or in the attributes people see or hear, are untranslated text. Code, scripts and styles are not.
"""

import re

from django.template import engines
from django.template.base import TextNode

# Stands where a tag or variable was, so text on both sides of one never joins into a word.
_GAP = "\x00"
_HIDDEN = re.compile(
    r"<(script|style|code|pre|kbd)\b.*?</\1\s*>|<!--.*?-->|<!doctype[^>]*>", re.S | re.I
)
# Paths and addresses (a placeholder's "/pricing") are the same in every language.
_PATH = re.compile(r"\S*/\S*")
_ENTITY = re.compile(r"&#?\w+;")
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)([^>]*)>", re.S)
_ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_VISIBLE = {"title", "placeholder", "aria-label", "alt"}
_BUTTON_TYPES = {"submit", "button", "reset"}
_LETTER = re.compile(r"[^\W\d_]")
# The product's name is the same in every language.
_UNTRANSLATED_WORDS = {"Tracker"}


def _has_words(text: str) -> bool:
    words = re.findall(r"[^\W\d_][\w'\u2019-]*", _PATH.sub(" ", _ENTITY.sub(" ", text)))
    return any(word not in _UNTRANSLATED_WORDS for word in words)


def _attribute_texts(tag: str, attributes: str) -> list[str]:
    found = {
        name.lower(): double or single for name, double, single in _ATTRIBUTE.findall(attributes)
    }
    texts = [value for name, value in found.items() if name in _VISIBLE]
    if tag.lower() == "input" and found.get("type", "").lower() in _BUTTON_TYPES:
        texts.append(found.get("value", ""))
    return texts


def untranslated_texts(source: str) -> list[str]:
    """The pieces of visible text in a template's source that no translation tag covers."""
    template = engines["django"].from_string(source).template
    text = _GAP.join(node.s for node in template.nodelist.get_nodes_by_type(TextNode))
    text = _HIDDEN.sub(_GAP, text)
    found = []
    for match in _TAG.finditer(text):
        found += [value for value in _attribute_texts(match[2], match[3]) if _has_words(value)]
    for piece in _TAG.sub(_GAP, text).split(_GAP):
        if _LETTER.search(piece) and _has_words(piece):
            found.append(piece.strip())
    return found
