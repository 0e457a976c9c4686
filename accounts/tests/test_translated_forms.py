"""Account forms, their errors and messages follow the active language; English stays the
default."""

import pytest
from django.contrib.messages import get_messages
from django.utils import translation

from accounts.forms import AccountForm, LoginForm, RegistrationForm
from accounts.two_factor_forms import PasswordForm


@pytest.mark.parametrize(
    ("language", "error"),
    [
        ("en", "An account with this email address already exists."),
        ("de", "Es gibt bereits ein Konto mit dieser E-Mail-Adresse."),
        ("fr", "Un compte avec cette adresse e-mail existe déjà."),
        ("es", "Ya existe una cuenta con esta dirección de correo."),
    ],
)
def test_a_taken_email_is_refused_in_the_active_language(owner, language, error):
    data = {
        "name": "",
        "email": owner.email.upper(),
        "password1": "a long enough passphrase",
        "password2": "a long enough passphrase",
    }
    with translation.override(language):
        form = RegistrationForm(data=data)
        assert not form.is_valid()
        assert form.errors["email"] == [error]


def test_labels_and_help_texts_are_translated():
    with translation.override("de"):
        # Django's own German catalog also names this label ("E-Mail-Adresse") and may win.
        assert str(LoginForm().fields["username"].label).startswith("E-Mail")
        assert str(RegistrationForm().fields["name"].help_text) == (
            "Optional: wie wir Sie ansprechen."
        )
    with translation.override("es"):
        assert str(AccountForm().fields["email"].label) == "Dirección de correo electrónico"
    assert str(LoginForm().fields["username"].label) == "Email"


def test_a_wrong_password_is_told_in_french(owner):
    with translation.override("fr"):
        form = PasswordForm(data={"password": "not it"}, user=owner)
        assert not form.is_valid()
        assert form.errors["password"] == ["Ce n\u2019est pas votre mot de passe."]


def test_the_account_page_message_is_german_and_english_by_default(client, owner):
    client.force_login(owner)
    data = {"name": "Ada", "email": owner.email}
    response = client.post("/accounts/", data, follow=True, headers={"accept-language": "de"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Ihr Konto wurde aktualisiert."
    ]
    response = client.post("/accounts/", data, follow=True)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Your account was updated."]


def test_model_names_are_translated_for_the_admin(django_user_model):
    with translation.override("fr"):
        assert str(django_user_model._meta.verbose_name_plural) == "utilisateurs"
    assert str(django_user_model._meta.verbose_name_plural) == "users"
