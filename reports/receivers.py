"""What reports does when someone leaves a site's team (a signal sent by `sites.services`)."""

from django.dispatch import receiver

from reports.models import Subscription
from sites.models import Membership
from sites.signals import membership_removed


@receiver(membership_removed, sender=Membership)
def _membership_removed(*, membership: Membership, **kwargs) -> None:
    # A former teammate should not go on reading the figures in their inbox.
    Subscription.objects.filter(site=membership.site, email__iexact=membership.user.email).delete()
