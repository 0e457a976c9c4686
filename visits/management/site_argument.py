"""The site a command works on, named by its id: one lookup and one message for every command."""

from django.core.management.base import CommandError

from sites.models import Site


def site_from_argument(site_id: int) -> Site:
    site = Site.objects.filter(pk=site_id).first()
    if site is None:
        raise CommandError(f"There is no site {site_id}.")
    return site
