"""Visits shown inside other apps' pages: `{% latest_visits site as visits %}` on a site's page."""

from django import template

from visits.selectors import visit_latest_for

register = template.Library()


@register.simple_tag
def latest_visits(site, limit: int = 20):
    return visit_latest_for(site=site, limit=limit)
