from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "sites"
    label = "sites"
    verbose_name = "Sites"

    def ready(self):
        from sites import receivers  # noqa: F401 (connects the signal receivers)
