"""What sites tell the apps built on them. Sites know nothing of visits or reports: those apps
receive these signals and do their part (forget cached sites, drop rollups, stop emails)."""

from django.dispatch import Signal

# A site was created or changed: sender=Site, site=, timezone_changed= (its local days moved).
site_saved = Signal()
# A site and everything of it are gone: sender=Site, site_id=.
site_deleted = Signal()
# Someone left a site's team, or was taken off it: sender=Membership, membership=.
membership_removed = Signal()
