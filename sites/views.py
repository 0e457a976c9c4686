"""Pages where owners and their teams manage sites. Every lookup goes through `sites.access`."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import (
    CreateView,
    DeleteView,
    DetailView,
    ListView,
    TemplateView,
    UpdateView,
)

from sites.access import SiteMixin
from sites.forms import SiteForm
from sites.models import OWNER, Role
from sites.selectors import site_list_for
from sites.services import site_create, site_delete, site_save
from sites.snippet import own_visit_links, snippet_context


class HomeView(TemplateView):
    template_name = "home.html"
    extra_context = {"title": _("Small, private web analytics")}

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("sites:list")
        return super().get(request, *args, **kwargs)


def favicon(request):
    """Browsers ask for /favicon.ico on every page, the admin's included."""
    return redirect(static("favicon.svg"), permanent=True)


class SiteListView(LoginRequiredMixin, ListView):
    template_name = "sites/site_list.html"
    context_object_name = "sites"
    extra_context = {"title": _("Your sites")}

    def get_queryset(self):
        return site_list_for(user=self.request.user)


class SiteCreateView(LoginRequiredMixin, CreateView):
    form_class = SiteForm
    template_name = "sites/site_form.html"
    extra_context = {"title": _("Add a site")}

    def form_valid(self, form):
        self.object = site_create(owner=self.request.user, **form.cleaned_data)
        messages.success(
            self.request,
            gettext("“%(object)s” was added. Paste the snippet below into its pages.")
            % {"object": self.object.name},
        )
        return redirect(self.object)


class SiteDetailView(SiteMixin, DetailView):
    template_name = "sites/site_detail.html"
    context_object_name = "site"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.object.name
        context.update(snippet_context(site=self.object, request=self.request))
        context["own_visit_links"] = own_visit_links(site=self.object)
        return context


class SiteUpdateView(SiteMixin, UpdateView):
    site_role = Role.MANAGER
    form_class = SiteForm
    template_name = "sites/site_form.html"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.site.user_role != OWNER:
            # Retention erases visits: the owner's decision alone.
            form.fields["retention_days"].disabled = True
            form.fields["retention_days"].help_text = gettext(
                "Only the site's owner may change this."
            )
        return form

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"Edit “{self.object.name}”", **kwargs)

    def form_valid(self, form):
        self.object = site_save(site=form.instance)
        messages.success(
            self.request, gettext("“%(object)s” was saved.") % {"object": self.object.name}
        )
        return redirect(self.object)


class SiteDeleteView(SiteMixin, DeleteView):
    site_role = OWNER
    template_name = "sites/site_confirm_delete.html"
    success_url = reverse_lazy("sites:list")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"Delete “{self.object.name}”?", **kwargs)

    def form_valid(self, form):
        name = self.object.name
        site_delete(site=self.object)
        messages.success(
            self.request, gettext("“%(name)s” and its visits were deleted.") % {"name": name}
        )
        return redirect(reverse("sites:list"))
