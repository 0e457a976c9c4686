"""Goal pages: an owner lists, adds and removes the goals of one of their sites."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView

from sites.access import SiteMixin
from sites.forms import GoalForm
from sites.models import Goal, Role
from sites.services import goal_create, goal_delete


class GoalListView(SiteMixin, CreateView):
    site_role = Role.MANAGER
    form_class = GoalForm
    template_name = "sites/goals.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            site=self.site,
            goals=self.site.goals.all(),
            title=f"Goals of {self.site.name}",
            **kwargs,
        )

    def form_valid(self, form):
        try:
            goal = goal_create(site=self.site, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Goal “%(goal)s” added.") % {"goal": goal.name})
        return redirect("sites:goals", pk=self.site.pk)


class GoalDeleteView(SiteMixin, View):
    site_role = Role.MANAGER

    def post(self, request, pk: int, goal_id: int):
        goal = get_object_or_404(Goal, pk=goal_id, site=self.site)
        goal_delete(goal=goal)
        messages.success(request, _("Goal “%(goal)s” removed.") % {"goal": goal.name})
        return redirect("sites:goals", pk=self.site.pk)
