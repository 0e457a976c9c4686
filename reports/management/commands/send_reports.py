"""Send the digests that are due and any new alerts. Run it hourly from cron."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.services import alerts_send, digests_send


class Command(BaseCommand):
    help = "Send due weekly/monthly digests and new alerts (no visits for 24 hours, spikes)."

    def handle(self, *args, **options):
        now = timezone.now()
        digests, digest_failures = digests_send(now=now)
        alerts, alert_failures = alerts_send(now=now)
        self.stdout.write(f"Sent {digests} digests and {alerts} alerts.")
        if digest_failures or alert_failures:
            raise CommandError(
                f"{digest_failures} digests and {alert_failures} alerts could not be sent "
                "(see the log); they are tried again on the next run."
            )
