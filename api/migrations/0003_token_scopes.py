"""Token scopes (read, write, ingest) and sites. Existing tokens keep doing what they did: every
site of their owner; read-only ones read, the others read, write and send events."""

from django.conf import settings
from django.db import migrations, models


def _checks_now(schema_editor):
    # PostgreSQL can't alter a table with foreign-key checks still pending from the updates.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def scopes_from_read_only(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    ApiToken.objects.update(can_read=True, all_sites=True)
    ApiToken.objects.filter(read_only=False).update(can_write=True, can_ingest=True)
    _checks_now(schema_editor)


def read_only_from_scopes(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    ApiToken.objects.update(read_only=True)
    ApiToken.objects.filter(models.Q(can_write=True) | models.Q(can_ingest=True)).update(
        read_only=False
    )
    _checks_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_site_owners_tokens"),
        ("sites", "0009_shared_link_guess"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="all_sites",
            field=models.BooleanField(
                default=True,
                help_text="Every site you can open, now and later. Untick it to limit the token to the sites chosen below.",
                verbose_name="all sites",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="can_ingest",
            field=models.BooleanField(
                default=False,
                help_text="Send events to the events endpoint (and nothing else).",
                verbose_name="ingest",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="can_read",
            field=models.BooleanField(
                default=True, help_text="See sites, their figures and visits.", verbose_name="read"
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="can_write",
            field=models.BooleanField(
                default=False,
                help_text="Add, change and delete sites and their goals.",
                verbose_name="write",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="sites",
            field=models.ManyToManyField(
                blank=True,
                help_text="The only sites the token may use when “all sites” is unticked.",
                related_name="api_tokens",
                to="sites.site",
                verbose_name="sites",
            ),
        ),
        migrations.RunPython(scopes_from_read_only, read_only_from_scopes),
        migrations.RemoveField(
            model_name="apitoken",
            name="read_only",
        ),
        migrations.AddConstraint(
            model_name="apitoken",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("can_read", True), ("can_write", True), ("can_ingest", True), _connector="OR"
                ),
                name="apitoken_has_a_scope",
                violation_error_message="Give the token at least one scope: read, write or ingest.",
            ),
        ),
    ]
