"""Funnel and experiment pages: the whole team lists them; managers and the owner add and
remove them. Their reports are the dashboard's (see `visits.stats.conversion_pages`)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from sites.access import SiteMixin
from sites.funnel_services import experiment_create, experiment_delete, funnel_create, funnel_delete
from sites.models import FUNNEL_MAX_STEPS, Experiment, Funnel, FunnelStep, Role
from sites.selectors import role_allows


class FunnelForm(forms.Form):
    name = forms.CharField(max_length=100)


class FunnelStepForm(forms.Form):
    kind = forms.ChoiceField(choices=FunnelStep.Kind.choices, initial=FunnelStep.Kind.PAGE)
    value = forms.CharField(max_length=500, required=False, label=_("Page or event"))
    prop_key = forms.CharField(max_length=100, required=False, label=_("Property"))
    prop_value = forms.CharField(max_length=500, required=False, label=_("Property value"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The fields sit in a table row under column headers: a screen reader needs their names.
        step = int(self.prefix.rsplit("-", 1)[-1]) + 1 if self.prefix else 1
        for name, field in self.fields.items():
            label = field.label or name.capitalize()
            field.widget.attrs["aria-label"] = f"Step {step}: {label.lower()}"


FunnelStepFormSet = forms.formset_factory(
    FunnelStepForm, extra=FUNNEL_MAX_STEPS, max_num=FUNNEL_MAX_STEPS, validate_max=True
)


class ExperimentForm(forms.ModelForm):
    class Meta:
        model = Experiment
        fields = ("name", "variant_property", "control", "goal")

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = site.goals.all()


class ReadOrManageMixin(SiteMixin):
    """Reading is for the whole team, changing for managers and the owner."""

    @property
    def site_role(self):
        return Role.VIEWER if self.request.method in ("GET", "HEAD") else Role.MANAGER

    def manages(self) -> bool:
        return role_allows(role=self.site.user_role, needed=Role.MANAGER)


class FunnelListView(ReadOrManageMixin, View):
    def get(self, request, pk: int, form=None, steps=None, status=200):
        return render(
            request,
            "sites/funnels.html",
            {
                "site": self.site,
                "title": gettext("Funnels of %(site)s") % {"site": self.site.name},
                "funnels": self.site.funnels.prefetch_related("steps"),
                "manages": self.manages(),
                "form": form or FunnelForm(),
                "steps": steps or FunnelStepFormSet(prefix="steps"),
            },
            status=status,
        )

    def post(self, request, pk: int):
        form, steps = FunnelForm(request.POST), FunnelStepFormSet(request.POST, prefix="steps")
        if form.is_valid() and steps.is_valid():
            filled = [step for step in steps.cleaned_data if (step.get("value") or "").strip()]
            try:
                funnel = funnel_create(site=self.site, name=form.cleaned_data["name"], steps=filled)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, gettext("Funnel “%(funnel)s” added.") % {"funnel": funnel.name}
                )
                return redirect("visits:funnel", site_id=self.site.pk, funnel_id=funnel.pk)
        return self.get(request, pk, form=form, steps=steps, status=400)


class FunnelDeleteView(SiteMixin, View):
    site_role = Role.MANAGER

    def post(self, request, pk: int, funnel_id: int):
        funnel = get_object_or_404(Funnel, pk=funnel_id, site=self.site)
        funnel_delete(funnel=funnel)
        messages.success(request, gettext("Funnel “%(funnel)s” removed.") % {"funnel": funnel.name})
        return redirect("sites:funnels", pk=self.site.pk)


class ExperimentListView(ReadOrManageMixin, View):
    def get(self, request, pk: int, form=None, status=200):
        return render(
            request,
            "sites/experiments.html",
            {
                "site": self.site,
                "title": gettext("Experiments of %(site)s") % {"site": self.site.name},
                "experiments": self.site.experiments.select_related("goal"),
                "manages": self.manages(),
                "has_goals": self.site.goals.exists(),
                "form": form or ExperimentForm(site=self.site),
            },
            status=status,
        )

    def post(self, request, pk: int):
        form = ExperimentForm(request.POST, site=self.site)
        if form.is_valid():
            try:
                experiment = experiment_create(site=self.site, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    gettext("Experiment “%(experiment)s” added.") % {"experiment": experiment.name},
                )
                return redirect(
                    "visits:experiment", site_id=self.site.pk, experiment_id=experiment.pk
                )
        return self.get(request, pk, form=form, status=400)


class ExperimentDeleteView(SiteMixin, View):
    site_role = Role.MANAGER

    def post(self, request, pk: int, experiment_id: int):
        experiment = get_object_or_404(Experiment, pk=experiment_id, site=self.site)
        experiment_delete(experiment=experiment)
        messages.success(
            request,
            gettext("Experiment “%(experiment)s” removed.") % {"experiment": experiment.name},
        )
        return redirect("sites:experiments", pk=self.site.pk)
