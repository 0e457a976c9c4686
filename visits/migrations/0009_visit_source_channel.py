"""Each visit's named referrer source and channel; existing visits get them (and their referrer
domain written the new way: google.com. is google.com, a subdomain of the site is internal),
and every rollup is dropped, so finished days are rebuilt with the new dimensions."""

from urllib.parse import urlsplit

from django.db import migrations, models

BATCH = 2000
FIELDS = ("referrer_domain", "referrer_source", "channel")
CAMPAIGN = ("utm_source", "utm_medium", "utm_campaign")


def fill_sources(apps, schema_editor):
    from visits.ingest.referrers import referrer_fields

    Site = apps.get_model("sites", "Site")
    Visit = apps.get_model("visits", "Visit")
    DailyRollup = apps.get_model("visits", "DailyRollup")
    for site in Site.objects.only("pk", "base_url", "extra_domains").iterator():
        domains = (urlsplit(site.base_url).hostname or "", *site.extra_domains.split())
        last = 0
        while True:
            # Keyset pages by id, so each batch is one indexed query whatever the table's size.
            batch = list(
                Visit.objects.filter(site_id=site.pk, pk__gt=last)
                .order_by("pk")
                .only("pk", "url", "referrer", *FIELDS, *CAMPAIGN)[:BATCH]
            )
            if not batch:
                break
            changed = []
            for visit in batch:
                fields = referrer_fields(
                    referrer=visit.referrer,
                    page_url=visit.url,
                    site_domains=domains,
                    campaign={name: getattr(visit, name) for name in CAMPAIGN},
                )
                if any(getattr(visit, name) != fields[name] for name in FIELDS):
                    for name in FIELDS:
                        setattr(visit, name, fields[name])
                    changed.append(visit)
            Visit.objects.bulk_update(changed, FIELDS, batch_size=500)
            last = batch[-1].pk
    # Rollups are rebuilt from visits on the next read of each day (see rollup_forget).
    DailyRollup.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0009_shared_link_guess"),
        ("visits", "0008_spool_identity_erasure"),
    ]

    operations = [
        migrations.AddField(
            model_name="visit",
            name="referrer_source",
            field=models.CharField(blank=True, max_length=100, verbose_name="referrer source"),
        ),
        migrations.AddField(
            model_name="visit",
            name="channel",
            field=models.CharField(blank=True, max_length=30, verbose_name="channel"),
        ),
        migrations.AlterField(
            model_name="dailyrollup",
            name="dimension",
            field=models.CharField(blank=True, max_length=20, verbose_name="dimension"),
        ),
        migrations.RunPython(fill_sources, migrations.RunPython.noop, elidable=True),
    ]
