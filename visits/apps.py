from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = "Visits"

    def ready(self):
        from visits import receivers  # noqa: F401 (connects the signal receivers)
