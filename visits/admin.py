"""The visit admin: recorded data, read-only, scoped to the owner's sites; the site admin's
actions on a site's visits (export everything, erase), which are the owner's alone; and saved
segments, whose filters only visits can check."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sites.admin import OwnerScopedAdminMixin, SiteTeamAdminMixin
from sites.admin import SiteAdmin as BaseSiteAdmin
from sites.models import OWNER, Segment, Site
from sites.selectors import site_queryset_for
from visits.downloads import csv_lines, download_response
from visits.models import RECORDED_FIELDS, REVENUE_FIELDS, Visit
from visits.segments import segment_filters_clean
from visits.selectors import CSV_COLUMNS, visit_csv_rows
from visits.services import visits_delete, visits_erase
from visits.site_export import site_export_json


@admin.register(Visit)
class VisitAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ("timestamp", "site", "url", "event", "browser", "os", "device", "location")
    list_filter = (
        ("site", admin.RelatedOnlyFieldListFilter),
        "event",
        "channel",
        "device",
        "country",
        "browser",
    )
    search_fields = ("url",)
    date_hierarchy = "timestamp"
    list_select_related = ("site",)
    show_full_result_count = False
    ordering = ("-timestamp",)
    actions = ("export_csv",)
    fields = ("site", *RECORDED_FIELDS, *REVENUE_FIELDS)
    readonly_fields = fields

    def get_queryset(self, request):
        sites = site_queryset_for(user=request.user)
        return super().get_queryset(request).filter(site__in=sites)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Erasing recorded visits is the site owner's decision, not a teammate's.
        if obj is None:
            return super().has_delete_permission(request)
        allowed = super().has_delete_permission(request, obj)
        return allowed and self.role_allows_on_site(request, obj.site_id, OWNER)

    def delete_model(self, request, obj):
        visits_delete(visits=Visit.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        visits_delete(visits=queryset)

    @admin.display(description=_("location"))
    def location(self, obj: Visit) -> str:
        return obj.location

    @admin.action(description=_("Export selected visits as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        return download_response(
            csv_lines(header=CSV_COLUMNS, rows=visit_csv_rows(visits=queryset)),
            filename="visits.csv",
        )


class SiteAdmin(BaseSiteAdmin):
    """The site admin, with the owner's actions on the site's visits."""

    actions = ("export_everything", "erase_visits")

    def _only_owned(self, request, queryset, refusal: str) -> bool:
        """Exports and erasures are the owner's: refuse the whole action otherwise, saying
        `refusal`."""
        owned = site_queryset_for(user=request.user, role=OWNER)
        if queryset.exclude(pk__in=owned).exists():
            self.message_user(request, refusal, messages.ERROR)
            return False
        return True

    @admin.action(description=_("Export everything of the selected site (JSON)"))
    def export_everything(self, request, queryset):
        if not self._only_owned(
            request, queryset, gettext("Only a site's owner may export everything of it.")
        ):
            return None
        if queryset.count() != 1:
            self.message_user(
                request, gettext("Choose exactly one site to export."), messages.WARNING
            )
            return None
        site = queryset.get()
        return download_response(
            site_export_json(site=site),
            filename=f"site-{site.pk}.json",
            content_type="application/json; charset=utf-8",
        )

    @admin.action(description=_("Erase all visits of the selected sites"))
    def erase_visits(self, request, queryset):
        # The sites themselves stay; their visits and reports are emptied, after a confirmation.
        if not self._only_owned(
            request, queryset, gettext("Only a site's owner may erase its visits.")
        ):
            return None
        if request.POST.get("confirmed") == "yes":
            erased = sum(visits_erase(site=site) for site in queryset)
            self.message_user(request, f"Erased {erased} visits.", messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            "admin/sites/site/erase_visits_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Erase all visits?"),
                "sites": queryset.annotate(visit_count=Count("visits")),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )


# The site admin with the actions on its visits: registered here, where visits are known.
admin.site.unregister(Site)
admin.site.register(Site, SiteAdmin)


class SegmentAdminForm(forms.ModelForm):
    class Meta:
        model = Segment
        fields = ("site", "name", "filters")
        help_texts = {
            "filters": _(
                "The dashboard's filters by query parameter, like "
                '{"country": "DE", "device": "mobile"}.'
            )
        }

    def clean_filters(self):
        try:
            return segment_filters_clean(self.cleaned_data.get("filters"))
        except ValidationError as error:
            raise ValidationError(error.messages) from error  # this field's, not a dict


@admin.register(Segment)
class SegmentAdmin(SiteTeamAdminMixin, admin.ModelAdmin):
    """Saved segments (`sites.Segment`), here because only visits know which filters exist."""

    form = SegmentAdminForm
    list_display = ("name", "site", "filters", "created_by", "created_at")
    list_filter = (("site", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name",)
    list_select_related = ("site", "created_by")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.name = " ".join(obj.name.split())
        super().save_model(request, obj, form, change)
