"""Site owners manage the goals of their sites in the admin too."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Site owners"
CODENAMES = ["add_goal", "change_goal", "delete_goal", "view_goal"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("sites")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="sites", codename__in=CODENAMES)
    )


class Migration(migrations.Migration):
    dependencies = [("sites", "0004_goal"), ("sites", "0002_site_owners_group")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
