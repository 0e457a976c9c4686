"""Webhook and Slack endpoints for digests and alerts; site owners manage theirs in the admin."""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GROUP_NAME = "Site owners"
CODENAMES = ["add_webhook", "change_webhook", "delete_webhook", "view_webhook"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("reports")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="reports", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP_NAME):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="reports", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_subscription_segment"),
        ("sites", "0009_shared_link_guess"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="Webhook",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("slack", "Slack incoming webhook"),
                            ("webhook", "Webhook (JSON)"),
                        ],
                        default="webhook",
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                (
                    "url",
                    models.URLField(
                        help_text="http or https, on the public internet.",
                        max_length=2048,
                        verbose_name="URL",
                    ),
                ),
                (
                    "secret",
                    models.CharField(editable=False, max_length=64, verbose_name="signing secret"),
                ),
                (
                    "frequency",
                    models.CharField(
                        choices=[
                            ("weekly", "Weekly (Mondays, the week before)"),
                            ("monthly", "Monthly (the 1st, the month before)"),
                            ("none", "No digest, alerts only"),
                        ],
                        default="weekly",
                        max_length=10,
                        verbose_name="digest",
                    ),
                ),
                (
                    "alerts",
                    models.BooleanField(
                        default=True,
                        help_text="No visits for 24 hours, or a sudden spike.",
                        verbose_name="alerts",
                    ),
                ),
                (
                    "last_period_sent",
                    models.DateField(blank=True, null=True, verbose_name="last digest covered"),
                ),
                (
                    "last_status",
                    models.CharField(
                        blank=True,
                        choices=[("", "not yet"), ("delivered", "delivered"), ("failed", "failed")],
                        default="",
                        max_length=10,
                        verbose_name="last delivery",
                    ),
                ),
                (
                    "last_response_code",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="last answer"
                    ),
                ),
                (
                    "last_error",
                    models.CharField(blank=True, max_length=200, verbose_name="last error"),
                ),
                (
                    "last_attempts",
                    models.PositiveSmallIntegerField(default=0, verbose_name="tries"),
                ),
                (
                    "last_delivery_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="last delivery at"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "site",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="webhooks",
                        to="sites.site",
                        verbose_name="site",
                    ),
                ),
            ],
            options={
                "verbose_name": "webhook",
                "verbose_name_plural": "webhooks",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("site", "url"),
                        name="webhook_unique_url",
                        violation_error_message="This URL gets the site's reports already.",
                    )
                ],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
