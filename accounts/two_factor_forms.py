"""Forms of two-factor login: a code, and the password that guards turning it off."""

from django import forms
from django.utils.translation import gettext_lazy as _

WRONG_PASSWORD = "wrong_password"  # noqa: S105 (an error code, not a password)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )


class SetupCodeForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _("The six digits your app shows once it has the code.")
        self.fields["code"].widget.attrs["inputmode"] = "numeric"


class PasswordForm(forms.Form):
    """Asks for the account's password again before a change to how it logs in."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code=WRONG_PASSWORD)
        return password


class DisableForm(PasswordForm, CodeForm):
    field_order = ["password", "code"]
