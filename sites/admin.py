"""The site admin: owners see their own sites and their teams' sites, with what their role
allows (viewers read, managers also change settings and goals, owners also delete); superusers
see all. Exporting and erasing a site's visits are actions that `visits.admin` adds."""

from django.contrib import admin
from django.db.models import Case, CharField, Count, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from sites.forms import SiteForm
from sites.models import (
    FUNNEL_MAX_STEPS,
    FUNNEL_MIN_STEPS,
    OWNER,
    SITE_SETTINGS,
    Annotation,
    Experiment,
    Funnel,
    FunnelStep,
    Goal,
    Invitation,
    Membership,
    Role,
    Site,
)
from sites.selectors import role_allows, site_queryset_for, site_role_of
from sites.services import site_delete, site_save


class OwnerScopedAdminMixin:
    """Objects outside the user's scope don't exist for them: a 404, not a redirect."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such object.")
        return obj

    def role_allows_on_site(self, request, site_id: int, needed: str) -> bool:
        """Whether the user's role on the site allows what `needed` may (object permissions)."""
        return role_allows(role=site_role_of(user=request.user, site_id=site_id), needed=needed)


@admin.register(Site)
class SiteAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    form = SiteForm
    # The dashboard link next to the name, where it is seen without scrolling sideways.
    list_display = ("name", "reports", "base_url", "owner", "role", "visit_count", "created_at")
    list_select_related = ("owner",)
    search_fields = ("name", "base_url", "owner__email")
    list_filter = ("created_at", "timezone")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request):
        queryset = site_queryset_for(user=request.user).annotate(visit_count=Count("visits"))
        if request.user.is_superuser:
            # A superuser may do what an owner may, but owns only their own sites.
            queryset = queryset.annotate(
                role_shown=Case(
                    When(owner=request.user, then=Value(OWNER)),
                    default=Value("superuser"),
                    output_field=CharField(),
                )
            )
        return queryset

    def _may(self, request, obj, needed: str) -> bool:
        if obj is None:
            return True
        # Sites from get_queryset carry the role; one just added in this request does not.
        if role := getattr(obj, "user_role", None):
            return role_allows(role=role, needed=needed)
        return self.role_allows_on_site(request, obj.pk, needed)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and self._may(request, obj, Role.MANAGER)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may(request, obj, OWNER)

    def get_readonly_fields(self, request, obj=None):
        # Retention erases visits: the owner's decision alone.
        if obj is not None and not self._may(request, obj, OWNER):
            return (*self.readonly_fields, "retention_days")
        return self.readonly_fields

    def get_fields(self, request, obj=None):
        fields = list(SITE_SETTINGS)
        if request.user.is_superuser:
            fields.insert(0, "owner")
        return [*fields, *self.readonly_fields] if obj else fields

    def get_list_display(self, request):
        if request.user.is_superuser:
            return self.list_display
        return tuple(name for name in self.list_display if name != "owner")

    @admin.display(description=_("your role"))
    def role(self, obj: Site) -> str:
        return getattr(obj, "role_shown", obj.user_role)

    def get_list_filter(self, request):
        if request.user.is_superuser:
            return (*self.list_filter, "owner")
        return self.list_filter

    @admin.display(description=_("visits"), ordering="visit_count")
    def visit_count(self, obj: Site) -> int:
        return obj.visit_count

    @admin.display(description=_("reports"))
    def reports(self, obj: Site) -> str:
        return format_html(
            '<a href="{}">Reports</a>', reverse("visits:dashboard", kwargs={"site_id": obj.pk})
        )

    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser:
            obj.owner = request.user
        site_save(site=obj)

    def delete_model(self, request, obj):
        site_delete(site=obj)


class SiteTeamAdminMixin(OwnerScopedAdminMixin):
    """Something of a site's (a goal, a note, a segment): the whole team reads it, managers and
    owners change it, on the sites they manage."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(site__in=site_queryset_for(user=request.user))

    def _manages(self, request, obj) -> bool:
        return obj is None or self.role_allows_on_site(request, obj.site_id, Role.MANAGER)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._manages(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._manages(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "site":
            kwargs["queryset"] = site_queryset_for(user=request.user, role=Role.MANAGER)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Goal)
class GoalAdmin(SiteTeamAdminMixin, admin.ModelAdmin):
    list_display = ("name", "site", "kind", "value", "currency", "created_at")
    list_filter = ("kind", "currency", ("site", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "value")
    list_select_related = ("site",)


@admin.register(Annotation)
class AnnotationAdmin(SiteTeamAdminMixin, admin.ModelAdmin):
    list_display = ("day", "text", "site", "created_by", "created_at")
    list_filter = (("site", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("text",)
    date_hierarchy = "day"
    list_select_related = ("site", "created_by")
    fields = ("site", "day", "text", "created_by", "created_at")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.text = " ".join(obj.text.split())
        super().save_model(request, obj, form, change)


class SiteScopedAdmin(SiteTeamAdminMixin, admin.ModelAdmin):
    """Things that belong to one site: the team reads them, managers and the owner change them."""

    list_select_related = ("site",)


class FunnelStepInline(admin.TabularInline):
    model = FunnelStep
    fields = ("position", "kind", "value", "prop_key", "prop_value")
    extra = 0
    min_num, max_num = FUNNEL_MIN_STEPS, FUNNEL_MAX_STEPS

    def get_formset(self, request, obj=None, **kwargs):
        # The admin passes min_num and max_num on but does not enforce them unless asked.
        return super().get_formset(request, obj, validate_min=True, validate_max=True, **kwargs)


@admin.register(Funnel)
class FunnelAdmin(SiteScopedAdmin):
    list_display = ("name", "site", "step_count", "created_at")
    list_filter = (("site", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "steps__value")
    inlines = (FunnelStepInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(step_count=Count("steps"))

    @admin.display(description=_("steps"), ordering="step_count")
    def step_count(self, obj: Funnel) -> int:
        return obj.step_count


@admin.register(Experiment)
class ExperimentAdmin(SiteScopedAdmin):
    list_display = ("name", "site", "variant_property", "control", "goal", "created_at")
    list_filter = (("site", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "variant_property")
    list_select_related = ("site", "goal")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "goal":
            sites = site_queryset_for(user=request.user, role=Role.MANAGER)
            kwargs["queryset"] = Goal.objects.filter(site__in=sites).select_related("site")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """For superusers (owners choose their teams on the site's Team page)."""

    list_display = ("site", "user", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("site__name", "user__email")
    list_select_related = ("site", "user")
    autocomplete_fields = ("site", "user")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("site", "email", "role", "invited_by", "expires_at")
    list_filter = ("role",)
    search_fields = ("site__name", "email")
    list_select_related = ("site", "invited_by")
    readonly_fields = ("token", "created_at")
    autocomplete_fields = ("site", "invited_by")
