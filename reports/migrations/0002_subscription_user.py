import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def link_subscriptions_to_accounts(apps, schema_editor):
    """Bind each subscription to the account that has its address, when there is one."""
    Subscription = apps.get_model("reports", "Subscription")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    for subscription in Subscription.objects.filter(user__isnull=True).iterator():
        user = User.objects.filter(email__iexact=subscription.email).first()
        if user is not None:
            subscription.user = user
            subscription.save(update_fields=["user"])


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("sites", "0008_team"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="subscription",
            name="subscription_unique_email",
        ),
        migrations.AddField(
            model_name="subscription",
            name="user",
            field=models.ForeignKey(
                blank=True,
                help_text="Set for a user's own emails: they go to the account's current address.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="subscriptions",
                to=settings.AUTH_USER_MODEL,
                verbose_name="account",
            ),
        ),
        migrations.AlterField(
            model_name="subscription",
            name="email",
            field=models.EmailField(
                help_text="The outside recipient's address; for an account, its address then.",
                max_length=254,
                verbose_name="email",
            ),
        ),
        migrations.RunPython(link_subscriptions_to_accounts, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="subscription",
            constraint=models.UniqueConstraint(
                condition=models.Q(("user__isnull", True)),
                fields=("site", "email"),
                name="subscription_unique_email",
                violation_error_message="This address gets the site's emails already.",
            ),
        ),
        migrations.AddConstraint(
            model_name="subscription",
            constraint=models.UniqueConstraint(
                condition=models.Q(("user__isnull", False)),
                fields=("site", "user"),
                name="subscription_unique_user",
                violation_error_message="This account gets the site's emails already.",
            ),
        ),
    ]
