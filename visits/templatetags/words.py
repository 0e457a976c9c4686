"""`{{ label|in_sentence }}`: a dashboard label as it reads mid-sentence in the page's language."""

from django import template

from visits.stats.words import in_sentence as label_in_sentence

register = template.Library()


@register.filter
def in_sentence(label) -> str:
    return label_in_sentence(label)
