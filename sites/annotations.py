"""Notes on a site's chart: managers and owners add and remove them from the dashboard, which
shows them to the whole team (and on shared links)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View

from sites.access import SiteMixin
from sites.forms import AnnotationForm
from sites.models import Annotation, Role
from sites.services import annotation_create, annotation_delete


def dashboard_redirect(request, site_id: int):
    """Back to the dashboard as it was: `next` holds its query, re-encoded so that only a query
    of our own page can come out of it."""
    query = QueryDict(request.POST.get("next", "")).urlencode()
    url = reverse("visits:dashboard", kwargs={"site_id": site_id})
    return redirect(f"{url}?{query}" if query else url)


class AnnotationCreateView(SiteMixin, View):
    site_role = Role.MANAGER

    def post(self, request, pk: int):
        form = AnnotationForm(request.POST)
        if form.is_valid():
            try:
                note = annotation_create(
                    site=self.site, created_by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request, _("Note added on %(day)s.") % {"day": date_format(note.day, "j M Y")}
                )
        else:
            problems = [
                f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields else errors
                for name, errors in form.errors.items()
            ]
            messages.error(request, _("The note was not added. ") + " ".join(map(str, problems)))
        return dashboard_redirect(request, self.site.pk)


class AnnotationDeleteView(SiteMixin, View):
    site_role = Role.MANAGER

    def post(self, request, pk: int, annotation_id: int):
        annotation = get_object_or_404(Annotation, pk=annotation_id, site=self.site)
        annotation_delete(annotation=annotation)
        messages.success(request, _("Note removed."))
        return dashboard_redirect(request, self.site.pk)
