"""Token forms: on the account page (any of the user's sites, or all) and on a site's page."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from api.models import READ, SCOPES
from sites.selectors import site_list_for


def scopes_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=[
            (scope, format_lazy("{}: {}", scope, _(words))) for scope, words in SCOPES.items()
        ],
        initial=[READ],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Give it only what the script needs."),
        error_messages={"required": _("Give the token at least one scope.")},
    )


class SiteTokenForm(forms.Form):
    """A token for one site, made on that site's token page."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Who or what it is for, like “agency” or “CI deploys”."),
    )
    scopes = scopes_field()

    def token_kwargs(self) -> dict:
        return {"name": self.cleaned_data["name"], "scopes": self.cleaned_data["scopes"]}


class TokenForm(SiteTokenForm):
    all_sites = forms.BooleanField(
        label=_("All sites"),
        required=False,
        initial=True,
        help_text=_("Every site you can open, now and later. Untick it to choose sites below."),
    )
    sites = forms.ModelMultipleChoiceField(
        label=_("Sites"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].help_text = _("What it is for, like “weekly report script”.")
        self.fields["sites"].queryset = site_list_for(user=user)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("all_sites") and not cleaned.get("sites"):
            self.add_error("sites", _("Choose at least one site, or tick “All sites”."))
        return cleaned

    def token_kwargs(self) -> dict:
        data = self.cleaned_data
        sites = None if data["all_sites"] else list(data["sites"])
        return {**super().token_kwargs(), "sites": sites}
