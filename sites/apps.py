from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "sites"
    label = "sites"
    verbose_name = _("Sites")

    def ready(self):
        from sites import receivers  # noqa: F401 (connects the signal receivers)
