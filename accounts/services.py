"""Writes for accounts: registering a new site owner."""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User

SITE_OWNERS_GROUP = "Site owners"


@transaction.atomic
def user_register(*, email: str, password: str, name: str = "") -> User:
    """Create an owner who manages their own sites in the pages and in the admin."""
    user = User.objects.create_user(email=email, password=password, name=name, is_staff=True)
    group, _ = Group.objects.get_or_create(name=SITE_OWNERS_GROUP)
    user.groups.add(group)
    return user
