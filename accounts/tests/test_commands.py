import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command


@pytest.mark.django_db
def test_createsuperuser_noinput_reads_email_and_password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Admin@Example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a strong admin passphrase")

    call_command("createsuperuser", "--noinput", verbosity=0)

    user = get_user_model().objects.get()
    assert user.email == "admin@example.com"
    assert user.is_superuser and user.is_staff
    assert user.check_password("a strong admin passphrase")


@pytest.mark.django_db
def test_manager_refuses_missing_email():
    with pytest.raises(ValueError, match="email"):
        get_user_model().objects.create_user(email="", password="x")
