"""Forms for signing up, logging in and editing one's account."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User, normalize_email_address
from accounts.services import email_check_free


class EmailUniqueMixin:
    """Refuse an email that another account already uses, in any letter case."""

    def clean_email(self):
        email = normalize_email_address(self.cleaned_data.get("email", ""))
        email_check_free(email=email, user=self.instance)
        return email


class RegistrationForm(EmailUniqueMixin, UserCreationForm):
    class Meta:
        model = User
        fields = ("name", "email")
        help_texts = {"name": _("Optional: how we greet you.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "autofocus": True})
        self.fields["name"].widget.attrs.update({"autocomplete": "name"})


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class AccountForm(EmailUniqueMixin, forms.ModelForm):
    """The name is saved at once; a new email only once its confirmation link is opened."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("A new address gets a link to confirm it; until then you keep this one."),
    )

    class Meta:
        model = User
        fields = ("name", "language")

    field_order = ("name", "email", "language")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].initial = self.instance.email
        browser = ("", _("Your browser's language"))
        self.fields["language"].choices = [browser, *User._meta.get_field("language").choices]
