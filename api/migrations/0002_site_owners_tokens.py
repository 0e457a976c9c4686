"""Site owners manage their own API tokens in the admin too."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Site owners"
CODENAMES = ["add_apitoken", "change_apitoken", "delete_apitoken", "view_apitoken"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("api")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="api", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP_NAME):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="api", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("sites", "0002_site_owners_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
