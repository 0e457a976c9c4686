"""What reports does when someone leaves a site's team (a signal sent by `sites.services`)."""

from django.db.models import Q
from django.dispatch import receiver

from reports.models import Subscription
from sites.models import Membership
from sites.signals import membership_removed


@receiver(membership_removed, sender=Membership)
def _membership_removed(*, membership: Membership, **kwargs) -> None:
    # A former teammate should not go on reading the figures in their inbox.
    # Theirs are bound to their account; an outside address that is theirs goes too.
    user = membership.user
    theirs = Q(user=user) | Q(user__isnull=True, email__iexact=user.email)
    Subscription.objects.filter(theirs, site=membership.site).delete()
