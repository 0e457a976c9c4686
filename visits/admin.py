"""The visit admin: recorded data, read-only, scoped to the owner's sites."""

from django.contrib import admin
from django.http import StreamingHttpResponse

from sites.admin import OwnerScopedAdminMixin
from sites.models import OWNER
from sites.selectors import site_queryset_for
from visits.downloads import csv_lines
from visits.models import RECORDED_FIELDS, Visit
from visits.selectors import CSV_COLUMNS, visit_csv_rows
from visits.services import visits_delete


@admin.register(Visit)
class VisitAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ("timestamp", "site", "url", "event", "browser", "os", "device", "location")
    list_filter = (
        ("site", admin.RelatedOnlyFieldListFilter),
        "event",
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
    fields = ("site", *RECORDED_FIELDS)
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

    @admin.display(description="location")
    def location(self, obj: Visit) -> str:
        return obj.location

    @admin.action(description="Export selected visits as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = StreamingHttpResponse(
            csv_lines(header=CSV_COLUMNS, rows=visit_csv_rows(visits=queryset)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="visits.csv"'
        return response
