"""The site form, shared by the pages and the admin."""

import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from sites.base_urls import BASE_URL_MAX_LENGTH, normalize_base_url, normalize_domains
from sites.models import SITE_SETTINGS, Annotation, Goal, Site
from sites.shields import NORMALIZERS


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class SiteForm(forms.ModelForm):
    base_url = forms.CharField(
        label=_("Address"),
        max_length=BASE_URL_MAX_LENGTH,
        help_text=_("Where the site lives, like https://example.com."),
        widget=forms.TextInput(attrs={"inputmode": "url", "placeholder": "https://example.com"}),
    )
    timezone = forms.TypedChoiceField(
        label=_("Time zone for reports"),
        choices=timezone_choices,
        initial="UTC",
        required=False,
        help_text=_("Days in reports start at midnight in this time zone."),
    )

    class Meta:
        model = Site
        fields = SITE_SETTINGS
        widgets = {
            "extra_domains": forms.Textarea(attrs={"rows": 3}),
            "excluded_ips": forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
            "excluded_countries": forms.TextInput(attrs={"spellcheck": "false"}),
            "excluded_paths": forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
            "excluded_hostnames": forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        }
        help_texts = {"name": _("Any name that helps you recognise it.")}

    def clean_timezone(self) -> str:
        # Left out (as by scripts that send only the contract's fields): UTC, or as it was.
        return self.cleaned_data.get("timezone") or self.instance.timezone or "UTC"

    def clean_base_url(self) -> str:
        return normalize_base_url(self.cleaned_data["base_url"])

    def clean_extra_domains(self) -> str:
        return normalize_domains(self.cleaned_data.get("extra_domains", ""))

    def clean(self):
        cleaned = super().clean()
        # Shields: what an owner typed, as stored, or an error on the field it belongs to. Left
        # out of the request (as by scripts that send only the contract's fields): as they were.
        for name, normalize in NORMALIZERS.items():
            if self.is_bound and self.add_prefix(name) not in self.data:
                cleaned[name] = getattr(self.instance, name)
            elif name in cleaned and name not in self.errors:
                try:
                    cleaned[name] = normalize(cleaned[name] or "")
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ("name", "kind", "value", "currency")


class AnnotationForm(forms.ModelForm):
    class Meta:
        model = Annotation
        fields = ("day", "text")
        widgets = {"day": forms.DateInput(attrs={"type": "date"})}
