"""Saving the dashboard's filters as a segment, and removing one: managers and owners, from the
dashboard, which lists the segments for the whole team."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View

from sites.access import SiteMixin
from sites.annotations import dashboard_redirect
from sites.models import Role, Segment
from visits.segments import segment_create, segment_delete

# The form's own fields; every other field is a filter (and an unknown one is refused).
FORM_FIELDS = ("csrfmiddlewaretoken", "name", "next")


class SegmentCreateView(SiteMixin, View):
    site_role = Role.MANAGER

    def post(self, request, site_id: int):
        filters = {key: request.POST[key] for key in request.POST if key not in FORM_FIELDS}
        try:
            segment = segment_create(
                site=self.site,
                name=request.POST.get("name", ""),
                filters=filters,
                created_by=request.user,
            )
        except ValidationError as error:
            messages.error(request, _("The segment was not saved. ") + " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Segment “%(segment)s” saved for the site's team.") % {"segment": segment.name},
            )
        return dashboard_redirect(request, self.site.pk)


class SegmentDeleteView(SiteMixin, View):
    site_role = Role.MANAGER

    def post(self, request, site_id: int, segment_id: int):
        segment = get_object_or_404(Segment, pk=segment_id, site=self.site)
        segment_delete(segment=segment)
        messages.success(request, _("Segment “%(segment)s” removed.") % {"segment": segment.name})
        return dashboard_redirect(request, self.site.pk)
