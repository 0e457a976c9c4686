"""Visits shown inside other apps' pages: `{% latest_visits site as visits %}` on a site's page,
`{% site_summary site as figures %}` on the list of sites."""

from django import template
from django.utils import timezone

from visits.selectors import visit_latest_for
from visits.stats.summary import site_summary as summary_of

register = template.Library()


@register.simple_tag
def latest_visits(site, limit: int = 20):
    return visit_latest_for(site=site, limit=limit)


@register.simple_tag
def site_summary(site):
    return summary_of(site=site, now=timezone.now())
